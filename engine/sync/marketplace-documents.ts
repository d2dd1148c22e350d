/**
 * Marketplace documents (a delivery slip to put in the parcel): after a batch of orders is
 * committed, each document a channel downloads (`documents.download` types) that the orders list
 * is streamed into the document store, once. Its store id is derived from the account, channel,
 * order and the marketplace's document id, so a document already stored is not asked for again;
 * one listed with another size is downloaded again and kept only when its SHA-256 differs. A
 * body whose size is not the listed one (cut short) is not kept.
 * A failed download never fails the sync: it is logged (DOCUMENT_DOWNLOAD_FAILED) and kept as a
 * pending download (Store.failDocumentDownload), which the daemon tries again on its own on a
 * bounded backoff (document-retrier.ts) as well as the next time the order is listed; after
 * `maxAttempts` it gives up, logged as an error. A download that succeeds clears its entry.
 */
import type { Connector } from '../connector/connector.ts';
import type { DownloadSink } from '../connector/http/client.ts';
import { OrderwireError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { MarketplaceDocument, NormalizedOrder } from '../order/model.ts';
import type { DownloadRetryPolicy, PendingDownload, Store } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';

/** A document as the document store keeps it (engine/store/files.ts StoredFile, the part used here). */
export interface KeptDocument {
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  marketplace?: { document_id: string; type: string; size?: number };
}

/** What this step needs of the document store (engine/store/document-store.ts, files or database; sync sees the store layer through types it declares). */
export interface DownloadStore {
  marketplaceDocumentId(key: { account: string; channel: string; marketplace_order_id: string; document_id: string }): string;
  get(id: string): Promise<KeptDocument | undefined>;
  saveDownload(
    id: string,
    download: (sink: DownloadSink) => Promise<{ size: number; sha256: string; contentType: string }>,
    meta: { file_name: string; account: string; order_id: string; marketplace: { document_id: string; type: string; size?: number } },
  ): Promise<{ stored: KeptDocument; changed: boolean }>;
}

/** A failed download is tried again after a minute, then 2, 4, ... up to an hour apart; given up after 8 attempts (about two hours). */
export const DEFAULT_DOWNLOAD_RETRY: DownloadRetryPolicy = Object.freeze({ maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 3_600_000 });

export interface DocumentFetchDeps {
  store: Pick<Store, 'getOrder' | 'failDocumentDownload' | 'clearDocumentDownload'>;
  connector: Pick<Connector, 'downloadDocument'>;
  files: DownloadStore;
  account: AccountRuntime;
  log: Logger;
  /** A document newly stored (or replaced by different bytes). */
  onStored?: (order: { id: string; order: NormalizedOrder }, document: MarketplaceDocument, stored: KeptDocument) => Promise<void>;
  /** How failed downloads are retried (default DEFAULT_DOWNLOAD_RETRY). */
  retry?: DownloadRetryPolicy;
  now?: () => Date;
  /** A download given up on after its last attempt. */
  onGaveUp?: (pending: PendingDownload) => void;
}

export interface DocumentFetchOutcome {
  downloaded: number;
  /** Downloaded again (listed with another size) and found identical: nothing kept. */
  unchanged: number;
  failed: number;
}

/** Where the API serves a stored document. */
export function documentUrl(id: string): string {
  return `/v1/documents/${encodeURIComponent(id)}`;
}

/** order.document_available for a marketplace document just stored. */
export function recordMarketplaceDocument(store: Pick<Store, 'recordDocumentEvent'>) {
  return async (order: { id: string; order: NormalizedOrder }, doc: MarketplaceDocument, kept: KeptDocument): Promise<void> => {
    await store.recordDocumentEvent({
      order_id: order.id,
      account: order.order.account,
      channel: order.order.channel,
      marketplace_order_id: order.order.marketplace_order_id,
      document: { id: kept.id, source: 'marketplace', type: doc.type, file_name: kept.file_name, content_type: kept.content_type, size: kept.size, url: documentUrl(kept.id), marketplace_document_id: doc.id },
    });
  };
}

/** The documents of `order` the channel downloads. */
export function documentsToFetch(account: AccountRuntime, order: NormalizedOrder): MarketplaceDocument[] {
  const wanted = account.channel.documents?.download;
  if (!wanted || !order.documents) return [];
  return order.documents.filter((d) => wanted.includes(d.type));
}

export async function fetchMarketplaceDocuments(deps: DocumentFetchDeps, orders: readonly NormalizedOrder[], signal?: AbortSignal): Promise<DocumentFetchOutcome> {
  const out: DocumentFetchOutcome = { downloaded: 0, unchanged: 0, failed: 0 };
  const spec = deps.account.channel.documents;
  if (!spec) return out;
  for (const order of orders) {
    const docs = documentsToFetch(deps.account, order);
    if (docs.length === 0) continue;
    let stored: { id: string; order: NormalizedOrder } | undefined;
    for (const doc of docs) {
      if (signal?.aborted) return out;
      const id = deps.files.marketplaceDocumentId({ account: order.account, channel: order.channel, marketplace_order_id: order.marketplace_order_id, document_id: doc.id });
      const existing = await deps.files.get(id);
      // Stored already: never asked for again, unless the marketplace now lists another size.
      if (existing && (doc.size === undefined || existing.marketplace?.size === doc.size)) continue;
      stored ??= await deps.store.getOrder(order.account, order.channel, order.marketplace_order_id);
      // Refused by the store (quarantined): its documents wait until the order is stored.
      if (!stored) break;
      const where = { account: order.account, order: order.marketplace_order_id, document: doc.id, type: doc.type };
      try {
        const result = await deps.files.saveDownload(
          id,
          async (write) => {
            const saved = await deps.connector.downloadDocument(order, doc, { write, maxBytes: spec.maxBytes }, signal);
            // The listing says how big it is: a body of another size was cut short (or is not it).
            if (doc.size !== undefined && saved.size !== doc.size) throw new OrderwireError('DOCUMENT_DOWNLOAD_FAILED', `document ${doc.id}: ${saved.size} bytes received, the marketplace lists ${doc.size}`);
            return saved;
          },
          {
            file_name: doc.file_name ?? `${doc.type}-${doc.id}`,
            account: order.account,
            order_id: stored.id,
            marketplace: { document_id: doc.id, type: doc.type, ...(doc.size !== undefined && { size: doc.size }) },
          },
        );
        // Kept (or found identical): no longer pending, if it was.
        await deps.store.clearDocumentDownload(id);
        if (!result.changed) {
          out.unchanged++;
          continue;
        }
        out.downloaded++;
        deps.log.info({ ...where, id: result.stored.id, size: result.stored.size }, 'marketplace document stored');
        await deps.onStored?.(stored, doc, result.stored);
      } catch (err) {
        if (signal?.aborted) return out;
        out.failed++;
        const e = err as { code?: string; message?: string };
        const error = e.code ? `${e.code}: ${e.message ?? ''}` : (e.message ?? String(err));
        const pending = await deps.store.failDocumentDownload(
          { id, order_id: stored.id, account: order.account, channel: order.channel, marketplace_order_id: order.marketplace_order_id, document_id: doc.id, error, at: deps.now?.() ?? new Date() },
          deps.retry ?? DEFAULT_DOWNLOAD_RETRY,
        );
        const logged = { ...where, code: 'DOCUMENT_DOWNLOAD_FAILED', cause: e.code, err: e.message ?? String(err), attempts: pending.attempts };
        if (pending.gave_up_at === undefined) {
          deps.log.warn({ ...logged, next_attempt_at: pending.next_attempt_at }, 'marketplace document not downloaded; tried again on its own, and when the order is listed again');
        } else if (pending.attempts === (deps.retry ?? DEFAULT_DOWNLOAD_RETRY).maxAttempts) {
          // The attempt that gave up: reported once.
          deps.log.error(logged, `marketplace document not downloaded after ${pending.attempts} attempts: given up (a later listing of the order may still download it)`);
          deps.onGaveUp?.(pending);
        } else {
          deps.log.warn(logged, 'marketplace document not downloaded (given up on retrying it; tried again when the order is listed again)');
        }
      }
    }
  }
  return out;
}
