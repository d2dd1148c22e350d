/**
 * The document store: order documents kept by orderwire (the invoices a merchant uploads, kept
 * until the action that sends them is done and after, as the record of what was sent; the
 * documents downloaded from marketplaces), by id, with their metadata. Two implementations, chosen
 * by config `documents.store`: the file system (engine/store/files.ts, `documents.dir`, the
 * default) and the database (engine/store/database-documents.ts: chunks in the store's own
 * database, so daemons sharing a PostgreSQL store share their documents without a shared file
 * system). Both write and read streams, never a whole document in memory.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { byteMeter, type ByteMeter } from '../connector/http/byte-meter.ts';
import type { DownloadSink } from '../connector/http/client.ts';
import { OrderwireError } from '../errors.ts';

export interface StoredFile {
  id: string;
  /** The name the file was given (shown, sent to the marketplace); never used as a path. */
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  stored_at: string;
  /** The account and order the document belongs to (the API serves it to tokens of that account only). */
  account?: string;
  order_id?: string;
  /** A document downloaded from the marketplace: its id, type code and size as the marketplace lists them. */
  marketplace?: { document_id: string; type: string; size?: number };
}

/** Who a document belongs to, kept in its metadata. */
export interface DocumentOwner {
  account: string;
  order_id: string;
}

/** What a download measured of the body it streamed into the sink (engine/connector/http/client.ts SavedFile). */
export interface DownloadMeasure {
  size: number;
  sha256: string;
  contentType: string;
}

export interface DocumentStore {
  /** `files` (a directory) or `database` (the store's database). */
  readonly kind: 'files' | 'database';
  /** marketplaceDocumentFileId, for callers that see the store through its type only. */
  marketplaceDocumentId(key: MarketplaceDocumentKey): string;
  /**
   * Streams `source` into a new document. Over `maxBytes` it stops, removes what it wrote and
   * throws DOCUMENT_TOO_LARGE.
   */
  put(source: Readable, meta: { file_name: string; content_type: string; maxBytes: number; owner?: DocumentOwner }): Promise<StoredFile>;
  /**
   * Downloads a document under a known id (`marketplaceDocumentFileId`): `download` streams the
   * body into the sink it is given (once per attempt; an attempt that fails keeps nothing). When a
   * document of that id is stored already with the same SHA-256 the download is dropped
   * (`changed: false`) and only what the marketplace lists about it is updated; else it takes the
   * id's place.
   */
  saveDownload(
    id: string,
    download: (sink: DownloadSink) => Promise<DownloadMeasure>,
    meta: Omit<StoredFile, 'id' | 'stored_at' | 'size' | 'sha256' | 'content_type'> & { content_type?: string },
  ): Promise<{ stored: StoredFile; changed: boolean }>;
  /** The document's metadata (its `stat`), or undefined when there is no such document. */
  get(id: string): Promise<StoredFile | undefined>;
  /** Every document's metadata, oldest first (for the command line, not for hot paths). */
  list(): Promise<StoredFile[]>;
  /** The document's bytes as a stream; a document that is not there errors the stream (DOCUMENT_NOT_FOUND). */
  open(id: string): Readable;
  /** Removes a document (an upload whose action was refused); absent already is fine. */
  remove(id: string): Promise<void>;
}

export interface MarketplaceDocumentKey {
  account: string;
  channel: string;
  marketplace_order_id: string;
  document_id: string;
}

/**
 * The store id of a marketplace document: derived from the account, the channel, the order and
 * the marketplace's document id, so a document listed again maps to the document already stored
 * and is never downloaded twice (nor by two daemons sharing the store).
 */
export function marketplaceDocumentFileId(key: MarketplaceDocumentKey): string {
  const hex = createHash('sha256').update([key.account, key.channel, key.marketplace_order_id, key.document_id].join('\0')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Document ids: UUIDs (random for uploads, derived for marketplace documents). */
export const DOCUMENT_ID = /^[0-9a-f-]{36}$/;

/** The content type of a download: the answer's, without parameters, else the listing's, else bytes. */
export function downloadedContentType(answer: string, listed: string | undefined): string {
  return answer.split(';')[0]!.trim() || listed || 'application/octet-stream';
}

/** Counts, hashes and caps a document as it streams in (DOCUMENT_TOO_LARGE past `maxBytes`). */
export function documentMeter(maxBytes: number, fileName: string): ByteMeter {
  return byteMeter(maxBytes, () => new OrderwireError('DOCUMENT_TOO_LARGE', `${fileName} is larger than ${maxBytes} bytes`, { limit: maxBytes }));
}

/**
 * Removes the documents of these orders (an erasure request: invoices and delivery slips carry the
 * buyer's name and address). A scan of the documents' metadata: erasure requests are rare.
 * Returns the ids removed.
 */
export async function removeOrderDocuments(documents: DocumentStore, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const orders = new Set(orderIds);
  const removed: string[] = [];
  for (const doc of await documents.list()) {
    if (doc.order_id === undefined || !orders.has(doc.order_id)) continue;
    await documents.remove(doc.id);
    removed.push(doc.id);
  }
  return removed;
}
