/**
 * The order feed's page body, as bytes, from the store's rendered page (OrderFeedPage): each item
 * is what GET /v1/orders/{id} serves without `history`, i.e. the order resource plus `documents`
 * and `invoice` (order-documents.ts), without parsing the stored documents.
 *
 * An order that lists no marketplace documents and has no upload_invoice action has no documents
 * to show and an invoice status that depends on its `has_invoice` only: the store closes its item
 * with one of the three closings below, chosen by the has_invoice column the sync writes
 * (migration 022). When every order of the page is such, the store hands over the whole body and
 * it is sent as it came out of the database. The rest (an order listing documents, or with an
 * upload_invoice action) are parsed and go through orderDocumentsView, exactly as the order route
 * does, and the page is then put together here.
 */
import type { FeedClosings, OrderFeedPage, StoredOrder } from '../store/store.ts';
import { FEED_OPEN, feedClose } from '../store/api-store.ts';
import { invoiceView, orderDocumentsView } from './order-documents.ts';

/** What orderDocumentsView reads: the actions and the kept documents. */
type DocumentDeps = Parameters<typeof orderDocumentsView>[0];

/** The action whose orders the store flags for the parsing path. */
export const FEED_FLAG_ACTION = 'upload_invoice';

/** `,"documents":[],"invoice":{...}}`: closes an item that has no documents to show. */
const closing = (hasInvoice: boolean | undefined): string => `,"documents":[],"invoice":${JSON.stringify(invoiceView(undefined, hasInvoice))}}`;
export const FEED_CLOSINGS: FeedClosings = { absent: closing(undefined), true: closing(true), false: closing(false) };

const OPEN = Buffer.from(FEED_OPEN);
const COMMA = Buffer.from(',');
const NUL = 0;
const RESOURCE_KEYS = ['id', 'version', 'first_seen_at', 'last_changed_at', 'personal_data_redacted_at', 'acknowledgement'] as const;

/** The parsing path: the item as the order route builds it. */
async function fullItem(item: Buffer, deps: DocumentDeps): Promise<Buffer> {
  const resource = JSON.parse(item.toString('utf8')) as Record<string, unknown>;
  const order = { ...resource };
  for (const key of RESOURCE_KEYS) delete order[key];
  const stored = { id: resource.id, version: resource.version, first_seen_at: resource.first_seen_at, last_changed_at: resource.last_changed_at, order } as unknown as StoredOrder;
  return Buffer.from(JSON.stringify({ ...resource, ...(await orderDocumentsView(deps, stored)) }));
}

/** `{"items":[...],"next":...}`: the store's body as it is, or its items with the flagged ones rendered here. */
export async function feedPageBody(page: OrderFeedPage, deps: DocumentDeps): Promise<Buffer> {
  if ('body' in page) return page.body;
  const { items } = page;
  const flagged = new Set(page.flagged);
  const parts: Buffer[] = [OPEN];
  for (let i = 0, start = 0; i < page.count; i++) {
    let end = items.indexOf(NUL, start);
    if (end === -1) end = items.length;
    if (i > 0) parts.push(COMMA);
    const item = items.subarray(start, end);
    parts.push(flagged.has(i) ? await fullItem(item, deps) : item);
    start = end + 1;
  }
  parts.push(Buffer.from(feedClose(page.next)));
  return Buffer.concat(parts);
}
