/**
 * An order's documents and invoice status as the order route shows them: the documents the
 * marketplace lists on the order (with where to fetch each once orderwire downloaded it) and the
 * invoices uploaded through orderwire (upload_invoice actions, each with its stored file), and the
 * invoice status: the latest upload_invoice action's state, else what the marketplace says
 * (`has_invoice`, Mirakl OR11).
 */
import { marketplaceDocumentFileId, type DocumentStore } from '../store/document-store.ts';
import type { StoredAction, StoredOrder, Store } from '../store/store.ts';
import { documentUrl } from '../sync/marketplace-documents.ts';

export interface OrderDocumentView {
  /** orderwire's document id (GET /v1/documents/{id}); null while a marketplace document is not downloaded yet. */
  id: string | null;
  source: 'marketplace' | 'upload';
  /** The marketplace's document type code, or the action that uploaded it (upload_invoice). */
  type: string;
  file_name: string | null;
  size: number | null;
  content_type: string | null;
  /** Where to fetch it from this API; null until it is stored. */
  url: string | null;
  /** source marketplace: the marketplace's document id. */
  marketplace_document_id?: string;
  /** source upload: the action that sends it, and its state. */
  action_id?: string;
  action_state?: StoredAction['state'];
}

export type InvoiceStatus = 'none' | 'uploading' | 'uploaded' | 'rejected';

export interface InvoiceView {
  status: InvoiceStatus;
  /** The latest upload_invoice action, when there is one. */
  action_id?: string;
  /** What the marketplace says (Mirakl has_invoice), when it says. */
  marketplace_has_invoice?: boolean;
}

/** The invoice status from the latest upload_invoice action and the marketplace's flag. */
export function invoiceStatus(latest: StoredAction | undefined, hasInvoice: boolean | undefined): InvoiceStatus {
  if (latest) {
    if (latest.state === 'queued' || latest.state === 'sending') return 'uploading';
    if (latest.state === 'succeeded') return 'uploaded';
    if (latest.state === 'failed' || latest.state === 'needs_attention') return 'rejected';
  }
  return hasInvoice ? 'uploaded' : 'none';
}

interface FileValue { id: string; file_name?: string; content_type?: string; size?: number; sha256: string }

function isFileValue(v: unknown): v is FileValue {
  return v !== null && typeof v === 'object' && typeof (v as FileValue).id === 'string' && typeof (v as FileValue).sha256 === 'string';
}

export async function orderDocumentsView(deps: { store: Pick<Store, 'listActions'>; files: DocumentStore | undefined }, stored: StoredOrder): Promise<{ documents: OrderDocumentView[]; invoice: InvoiceView }> {
  const { order } = stored;
  const documents: OrderDocumentView[] = [];
  for (const doc of order.documents ?? []) {
    const id = marketplaceDocumentFileId({ account: order.account, channel: order.channel, marketplace_order_id: order.marketplace_order_id, document_id: doc.id });
    const kept = await deps.files?.get(id);
    documents.push({
      id: kept ? id : null,
      source: 'marketplace',
      type: doc.type,
      file_name: doc.file_name ?? kept?.file_name ?? null,
      size: kept?.size ?? doc.size ?? null,
      content_type: kept?.content_type ?? null,
      url: kept ? documentUrl(id) : null,
      marketplace_document_id: doc.id,
    });
  }
  const actions = (await deps.store.listActions({ account: order.account, marketplace_order_id: order.marketplace_order_id, limit: 1000 })).items
    .filter((a) => a.channel === order.channel && a.action === 'upload_invoice');
  for (const action of actions) {
    for (const value of Object.values(action.request.data)) {
      if (!isFileValue(value)) continue;
      documents.push({
        id: value.id,
        source: 'upload',
        type: action.action,
        file_name: value.file_name ?? null,
        size: value.size ?? null,
        content_type: value.content_type ?? null,
        url: documentUrl(value.id),
        action_id: action.id,
        action_state: action.state,
      });
    }
  }
  // Canceled actions never reached the marketplace: they say nothing of its invoice.
  return { documents, invoice: invoiceView(actions.filter((a) => a.state !== 'canceled').at(-1), order.has_invoice) };
}

/** The invoice status of an order whose latest (not canceled) upload_invoice action is `latest`. */
export function invoiceView(latest: StoredAction | undefined, hasInvoice: boolean | undefined): InvoiceView {
  return {
    status: invoiceStatus(latest, hasInvoice),
    ...(latest && { action_id: latest.id }),
    ...(hasInvoice !== undefined && { marketplace_has_invoice: hasInvoice }),
  };
}
