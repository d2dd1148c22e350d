/**
 * The order feed's page body, as bytes, from the store's rendered page (OrderFeedPage): each item
 * is what GET /v1/orders/{id} serves without `history`, i.e. the order resource plus `documents`
 * and `invoice` (order-documents.ts), without parsing the stored documents.
 *
 * An order that lists no marketplace documents and has no upload_invoice action has no documents
 * to show and an invoice status that depends on its `has_invoice` only: its item gets one of three
 * precomputed tails. The rest (an order listing documents, or with an invoice uploaded through
 * orderwire) are parsed and go through orderDocumentsView, exactly as the order route does.
 *
 * Finding `has_invoice` in the text: in JSON text a quote inside a string is always escaped, so
 * `"has_invoice"` followed by `:` is a key; the normalized order's schema has that key on the order
 * only and closes every object (additionalProperties: false), and the resource's own members have
 * fixed names. Anything else (the token in a string value, a value that is not true or false)
 * takes the parsing path: a false alarm costs time, never a wrong item.
 */
import type { OrderFeedPage, StoredOrder } from '../store/store.ts';
import { invoiceView, orderDocumentsView } from './order-documents.ts';

/** What orderDocumentsView reads: the actions and the kept documents. */
type DocumentDeps = Parameters<typeof orderDocumentsView>[0];

/** The action whose orders the store flags for the parsing path. */
export const FEED_FLAG_ACTION = 'upload_invoice';

const DOCUMENTS_KEY = Buffer.from('"documents"');
const HAS_INVOICE_KEY = Buffer.from('"has_invoice"');
const OPEN = Buffer.from('{"items":[');
const NUL = 0;

/** `,"documents":[],"invoice":{...}}`: closes an item that has no documents to show. */
const tail = (hasInvoice: boolean | undefined): Buffer => Buffer.from(`,"documents":[],"invoice":${JSON.stringify(invoiceView(undefined, hasInvoice))}}`);
const TAILS = { absent: tail(undefined), true: tail(true), false: tail(false) };

const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * The tail of an item without documents by its has_invoice, `key` being where `"has_invoice"`
 * first occurs in the item (-1: nowhere); undefined when the text does not say plainly.
 */
function fastTail(items: Buffer, key: number, end: number): Buffer | undefined {
  if (key === -1) return TAILS.absent;
  let i = key + HAS_INVOICE_KEY.length;
  while (i < end && isSpace(items[i])) i++;
  if (items[i] !== 0x3a /* : */) return undefined;
  i++;
  while (i < end && isSpace(items[i])) i++;
  if (bytesAt(items, i, end, TRUE)) return TAILS.true;
  if (bytesAt(items, i, end, FALSE)) return TAILS.false;
  return undefined;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function bytesAt(items: Buffer, at: number, end: number, bytes: Buffer): boolean {
  if (at + bytes.length > end) return false;
  for (let k = 0; k < bytes.length; k++) if (items[at + k] !== bytes[k]) return false;
  return true;
}

const RESOURCE_KEYS = ['id', 'version', 'first_seen_at', 'last_changed_at', 'personal_data_redacted_at', 'acknowledgement'] as const;

/** The parsing path: the item as the order route builds it. */
async function fullItem(item: Buffer, deps: DocumentDeps): Promise<Buffer> {
  const resource = JSON.parse(item.toString('utf8')) as Record<string, unknown>;
  const order = { ...resource };
  for (const key of RESOURCE_KEYS) delete order[key];
  const stored = { id: resource.id, version: resource.version, first_seen_at: resource.first_seen_at, last_changed_at: resource.last_changed_at, order } as unknown as StoredOrder;
  return Buffer.from(JSON.stringify({ ...resource, ...(await orderDocumentsView(deps, stored)) }));
}

/** `{"items":[...],"next":...}` as one buffer, each stored text copied once (no per-item buffers). */
export async function feedPageBody(page: OrderFeedPage, next: string | null, deps: DocumentDeps): Promise<Buffer> {
  const { items } = page;
  const flagged = new Set(page.flagged);
  const close = Buffer.from(`],"next":${JSON.stringify(next)}}`);
  // Per item: where its text is in `items` (without its closing brace) and what closes it, or its
  // whole rendering when it takes the parsing path.
  const starts: number[] = [];
  const ends: number[] = [];
  const closings: Buffer[] = [];
  let length = OPEN.length + close.length + Math.max(0, page.count - 1);
  // The next occurrence of each key at or after the current item (-1: none left in the page):
  // one forward search over the page, not one per item.
  let documentsAt = -2;
  let hasInvoiceAt = -2;
  for (let i = 0, start = 0; i < page.count; i++) {
    let end = items.indexOf(NUL, start);
    if (end === -1) end = items.length;
    if (documentsAt !== -1 && documentsAt < start) documentsAt = items.indexOf(DOCUMENTS_KEY, start);
    if (hasInvoiceAt !== -1 && hasInvoiceAt < start) hasInvoiceAt = items.indexOf(HAS_INVOICE_KEY, start);
    const listsDocuments = documentsAt !== -1 && documentsAt < end;
    const tail = flagged.has(i) || listsDocuments ? undefined : fastTail(items, hasInvoiceAt !== -1 && hasInvoiceAt < end ? hasInvoiceAt : -1, end);
    if (tail) {
      const brace = items.lastIndexOf(0x7d /* } */, end - 1);
      starts.push(start);
      ends.push(brace);
      closings.push(tail);
      length += brace - start + tail.length;
    } else {
      const full = await fullItem(items.subarray(start, end), deps);
      starts.push(0);
      ends.push(0);
      closings.push(full);
      length += full.length;
    }
    start = end + 1;
  }
  const out = Buffer.allocUnsafe(length);
  let at = OPEN.copy(out, 0);
  for (let i = 0; i < page.count; i++) {
    if (i > 0) out[at++] = 0x2c; // ,
    at += items.copy(out, at, starts[i], ends[i]);
    at += closings[i]!.copy(out, at);
  }
  // Every byte of the unzeroed buffer is written: anything else would send stale memory.
  if (at + close.copy(out, at) !== length) throw new Error(`feed page: wrote ${at + close.length} of ${length} bytes`);
  return out;
}
