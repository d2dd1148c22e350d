/**
 * Mirakl order documents: OR74 upload (multipart: `files` parts and an `order_documents` field
 * naming each file's type), OR72 listing, OR73 download, with Mirakl's rules from its seller SDK
 * (sdk-php-shop, Request/Order/Document/*): distinct file names, the listed extensions only, at
 * most 50 documents per order. The simulator's own choices, where Mirakl says nothing public:
 *   - the type codes: CUSTOMER_INVOICE and CUSTOMER_CREDIT_NOTE (sellers), SYSTEM_DELIVERY_BILL
 *     (the marketplace's delivery slip, which sellers cannot upload);
 *   - an invoice or credit note needs an accepted order (not STAGING, WAITING_ACCEPTANCE,
 *     REFUSED, CANCELED);
 *   - a file larger than `maxFileBytes` (default 10 MiB) is refused;
 *   - the delivery slip appears once the order is SHIPPING or later;
 *   - OR74 answers every document refused as one 400 (Mirakl's 200 with per-document errors is
 *     not simulated), and OR73 serves one document per call (several would be a ZIP archive).
 */
import type { FastifyInstance } from 'fastify';
import type { SimClock } from '../shared/clock.ts';
import { UploadRefused, readMultipart } from '../shared/documents.ts';
import type { SimDocument , DocumentShelf} from '../shared/documents.ts';
import { minimalPdf } from '../shared/pdf.ts';
import { MiraklApiError, badRequest, invalidState, orderNotFound } from './api-error.ts';
import type { OrderState } from './catalog.ts';
import type { OrderBook } from './store.ts';
import { viewAt } from './timeline.ts';

export const SELLER_DOCUMENT_TYPES = ['CUSTOMER_INVOICE', 'CUSTOMER_CREDIT_NOTE'] as const;
export const DELIVERY_SLIP_TYPE = 'SYSTEM_DELIVERY_BILL';
export const ALLOWED_EXTENSIONS = ['csv', 'doc', 'xls', 'ppt', 'pdf', 'odt', 'ods', 'odp', 'txt', 'rtf', 'png', 'jpg', 'gif'] as const;
export const MAX_DOCUMENTS_PER_ORDER = 50;
export const DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

const NOT_ACCEPTED: ReadonlySet<OrderState> = new Set(['STAGING', 'WAITING_ACCEPTANCE', 'REFUSED', 'CANCELED']);
const SHIPPED_OR_LATER: ReadonlySet<OrderState> = new Set(['SHIPPING', 'SHIPPED', 'TO_COLLECT', 'RECEIVED', 'CLOSED']);

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  csv: 'text/csv',
  txt: 'text/plain',
};

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export interface MiraklDocumentsOptions {
  book: OrderBook;
  clock: SimClock;
  shelf: DocumentShelf;
  maxFileBytes: number;
}

/** Whether the order has a customer invoice (OR11 `has_invoice`). */
export function hasInvoice(shelf: DocumentShelf, orderId: string): boolean {
  return shelf.list(orderId).some((d) => d.typeCode === 'CUSTOMER_INVOICE');
}

function or72Json(doc: SimDocument): Record<string, unknown> {
  return { id: Number(doc.id), order_id: doc.orderId, file_name: doc.fileName, file_size: doc.size, type: doc.typeCode, date_uploaded: new Date(doc.uploadedAt).toISOString() };
}

function parseDocumentList(raw: string | undefined): Array<{ file_name: string; type_code: string }> {
  if (raw === undefined) throw badRequest('ORDER_DOCUMENTS_MISSING', 'the order_documents field is required: {"order_documents":[{"file_name":"...","type_code":"..."}]}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('ORDER_DOCUMENTS_INVALID', 'order_documents must be JSON (the simulator does not read the XML form)');
  }
  const list = (parsed as { order_documents?: unknown } | null)?.order_documents;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('ORDER_DOCUMENTS_INVALID', 'order_documents.order_documents must be a non-empty list');
  return list.map((item: unknown, k) => {
    const o = item as Record<string, unknown> | null;
    if (!o || typeof o.file_name !== 'string' || typeof o.type_code !== 'string') throw badRequest('ORDER_DOCUMENTS_INVALID', `order_documents[${k}] needs file_name and type_code`);
    return { file_name: o.file_name, type_code: o.type_code };
  });
}

export function registerMiraklDocumentRoutes(app: FastifyInstance, opts: MiraklDocumentsOptions): void {
  const { book, clock, shelf } = opts;

  /** The marketplace's delivery slip, produced once the order ships. */
  const produceDeliverySlip = (orderId: string, state: OrderState, now: number): void => {
    if (!SHIPPED_OR_LATER.has(state) || shelf.list(orderId).some((d) => d.typeCode === DELIVERY_SLIP_TYPE)) return;
    const fileName = `delivery-slip-${orderId}.pdf`;
    shelf.add({ orderId, fileName, typeCode: DELIVERY_SLIP_TYPE, contentType: 'application/pdf', uploadedAt: now, content: minimalPdf(`Delivery slip for order ${orderId}`) });
  };

  const orderState = (orderId: string, now: number): OrderState => {
    const order = book.get(orderId, now);
    if (!order) throw orderNotFound(orderId);
    return viewAt(order.timeline, order.content, now).state;
  };

  // OR74
  app.post('/api/orders/:order_id/documents', async (request) => {
    const { order_id: orderId } = request.params as { order_id: string };
    // The body is read first: answering before it is read would reset the connection under the client.
    const upload = await readMultipart(request, opts.maxFileBytes).catch((err: unknown) => {
      if (err instanceof UploadRefused) throw badRequest(err.kind === 'too_big' ? 'DOCUMENT_TOO_LARGE' : 'DOCUMENT_MISSING', err.message);
      throw err;
    });
    const now = clock.now();
    const state = orderState(orderId, now);
    const declared = parseDocumentList(upload.fields.order_documents);
    const files = upload.files.filter((f) => f.field === 'files');
    if (files.length === 0) throw badRequest('DOCUMENT_MISSING', 'no file in the files part');
    const existing = new Set(shelf.list(orderId).map((d) => d.fileName));
    if (existing.size + files.length > MAX_DOCUMENTS_PER_ORDER) throw badRequest('DOCUMENT_LIMIT_REACHED', `an order can have at most ${MAX_DOCUMENTS_PER_ORDER} documents`);
    const seen = new Set<string>();
    const accepted = files.map((file) => {
      const entry = declared.find((d) => d.file_name === file.fileName);
      if (!entry) throw badRequest('ORDER_DOCUMENTS_INVALID', `file ${file.fileName} is not listed in order_documents`);
      if (seen.has(file.fileName) || existing.has(file.fileName)) throw badRequest('DOCUMENT_NAME_NOT_UNIQUE', `Documents filenames must be distinct: ${file.fileName} is already on order ${orderId}`);
      seen.add(file.fileName);
      const extension = extensionOf(file.fileName);
      if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(extension)) throw badRequest('DOCUMENT_TYPE_NOT_SUPPORTED', `${file.fileName}: only ${ALLOWED_EXTENSIONS.join(', ')} files are supported`);
      if (!(SELLER_DOCUMENT_TYPES as readonly string[]).includes(entry.type_code)) throw badRequest('DOCUMENT_TYPE_CODE_UNKNOWN', `${file.fileName}: type_code ${entry.type_code} is not one a seller can upload (${SELLER_DOCUMENT_TYPES.join(', ')})`);
      if (NOT_ACCEPTED.has(state)) throw invalidState(orderId, state, 'an accepted order');
      return { file, typeCode: entry.type_code, contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream' };
    });
    const stored = accepted.map(({ file, typeCode, contentType }) => shelf.add({ orderId, fileName: file.fileName, typeCode, contentType, uploadedAt: now, content: file.content }));
    return { errors_count: 0, order_documents: stored.map((d) => ({ id: Number(d.id), file_name: d.fileName, type_code: d.typeCode })) };
  });

  // OR72
  app.get('/api/orders/documents', async (request) => {
    const { order_ids: ids } = request.query as { order_ids?: string };
    if (!ids) throw badRequest('ORDER_IDS_MISSING', 'order_ids is required (comma-separated)');
    const now = clock.now();
    const docs: Record<string, unknown>[] = [];
    for (const orderId of ids.split(',').filter(Boolean)) {
      const order = book.get(orderId, now);
      if (!order) continue;
      produceDeliverySlip(orderId, viewAt(order.timeline, order.content, now).state, now);
      docs.push(...shelf.list(orderId).map(or72Json));
    }
    return { order_documents: docs, total_count: docs.length };
  });

  // OR73
  app.get('/api/orders/documents/download', async (request, reply) => {
    const { document_ids: ids } = request.query as { document_ids?: string };
    const wanted = (ids ?? '').split(',').filter(Boolean);
    if (wanted.length !== 1) throw new MiraklApiError(400, 'DOCUMENT_IDS_INVALID', 'the simulator serves one document per call: give exactly one document_ids value');
    const doc = shelf.get(wanted[0]!);
    if (!doc) throw new MiraklApiError(404, 'DOCUMENT_NOT_FOUND', `Document ${wanted[0]} does not exist`);
    return reply
      .type(doc.contentType)
      .header('content-disposition', `attachment; filename="${doc.fileName}"`)
      .send(doc.content);
  });
}
