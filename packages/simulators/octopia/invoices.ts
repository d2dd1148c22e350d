/**
 * Octopia order invoices: POST /orders/{orderId}/invoice-documents (multipart, one `file` part).
 * From Octopia's "Orders Invoices" page (developer.octopia-io.net/api-reference/orders-management/
 * orders-invoices/): the invoice comes "after the order has been validated and fulfilled", the
 * platform checks the order reference and the file format, and "a newly uploaded invoice can
 * replace an existing one". The simulator's choices where the page is silent:
 *   - fulfilled means Shipped or Delivered; any other status is an `invalid-state` 400;
 *   - the format is PDF (content type application/pdf and the %PDF- signature), else
 *     `invalid-file` 400; more than `maxFileBytes` (default 10 MiB) is `file-too-large` 400;
 *   - the upload is integrated at once (Octopia processes it asynchronously): 201 with the
 *     upload's id, and GET /orders/{orderId}/invoice-documents lists the order's invoice.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimClock } from '../shared/clock.ts';
import { UploadRefused, readMultipart } from '../shared/documents.ts';
import type { SimDocument , DocumentShelf} from '../shared/documents.ts';
import { STATUS_CODE } from './domain.ts';
import type { OrderBook } from './order-book.ts';
import { ProblemError } from './problems.ts';
import { statusName } from './render.ts';

export const DEFAULT_MAX_INVOICE_BYTES = 10 * 1024 * 1024;
const FULFILLED: ReadonlySet<number> = new Set([STATUS_CODE.Shipped, STATUS_CODE.Delivered]);

export interface InvoiceRouteOptions {
  clock: SimClock;
  book: OrderBook;
  shelf: DocumentShelf;
  maxFileBytes: number;
  orderRef: (request: FastifyRequest) => number;
}

function json(doc: SimDocument): Record<string, unknown> {
  return { id: doc.id, orderId: doc.orderId, fileName: doc.fileName, size: doc.size, status: 'Integrated', createdAt: new Date(doc.uploadedAt).toISOString() };
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

/** Registered inside the seller API's prefix and guard. */
export function registerInvoiceRoutes(api: FastifyInstance, opts: InvoiceRouteOptions): void {
  const { book, clock, shelf } = opts;

  api.post('/orders/:orderId/invoice-documents', async (request, reply) => {
    const { orderId } = request.params as { orderId: string };
    // The body is read first: answering before it is read would reset the connection under the client.
    const upload = await readMultipart(request, opts.maxFileBytes).catch((err: unknown) => {
      if (err instanceof UploadRefused) throw new ProblemError(400, err.kind === 'too_big' ? 'file-too-large' : 'invalid-file', err.message);
      throw err;
    });
    const ref = opts.orderRef(request);
    const file = upload.files.find((f) => f.field === 'file');
    if (!file || upload.files.length !== 1) throw new ProblemError(400, 'invalid-file', 'send exactly one file, in the part named "file"');
    if (file.contentType !== 'application/pdf' || file.content.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new ProblemError(400, 'invalid-file', `${file.fileName} is not a PDF (content type ${file.contentType}); invoices are PDF files`);
    }
    const now = clock.now();
    const state = { status: 0, updatedAt: 0, createdAt: 0, channel: 0 };
    book.scanState(ref, now, state);
    if (!FULFILLED.has(state.status)) {
      throw new ProblemError(400, 'invalid-state', `Cannot attach an invoice: the order is ${statusName(state.status)}; allowed only when Shipped or Delivered`);
    }
    for (const previous of shelf.list(orderId)) shelf.remove(previous.id);
    const doc = shelf.add({ orderId, fileName: file.fileName, typeCode: 'Invoice', contentType: 'application/pdf', uploadedAt: now, content: file.content });
    return send(reply, 201, json(doc));
  });

  api.get('/orders/:orderId/invoice-documents', async (request, reply) => {
    const { orderId } = request.params as { orderId: string };
    opts.orderRef(request);
    return send(reply, 200, { items: shelf.list(orderId).map(json) });
  });
}
