/**
 * Order documents in both simulators: Mirakl OR74 upload, OR72 listing, OR73 download (with the
 * marketplace's delivery slip once an order ships) and Octopia invoice-documents, each with its
 * preconditions and errors (wrong type, too big, wrong state) and the call log's record of the
 * exact file received.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startMiraklSimulator } from '../mirakl/index.ts';
import type { MiraklSimulatorOptions, RunningMiraklSimulator } from '../mirakl/index.ts';
import { OctopiaClient } from '../octopia/client.ts';
import { startOctopiaSimulator } from '../octopia/index.ts';
import type { OctopiaSimulatorOptions, RunningOctopiaSimulator } from '../octopia/index.ts';
import { minimalPdf } from '../shared/pdf.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const START = new Date('2025-03-10T12:00:00Z');
const PDF = minimalPdf('Invoice 42');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function mirakl(opts: MiraklSimulatorOptions = {}): Promise<RunningMiraklSimulator> {
  const sim = await startMiraklSimulator({ orders: 0, seed: 3, speed: 0, start: START, ...opts });
  closers.push(() => sim.close());
  return sim;
}

async function miraklOrder(sim: RunningMiraklSimulator, state: string): Promise<string> {
  const res = await fetch(`${sim.baseUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as Json).order.order_id as string;
}

function or74(sim: RunningMiraklSimulator, orderId: string, files: Array<{ name: string; type: string; content: Buffer; contentType?: string }>, declared = files.map((f) => ({ file_name: f.name, type_code: f.type }))) {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.content)], { type: f.contentType ?? 'application/pdf' }), f.name);
  form.append('order_documents', JSON.stringify({ order_documents: declared }));
  return fetch(`${sim.baseUrl}/api/orders/${orderId}/documents`, { method: 'POST', headers: { authorization: sim.credentials.apiKey as string }, body: form });
}

const get = (sim: RunningMiraklSimulator, path: string) => fetch(`${sim.baseUrl}${path}`, { headers: { authorization: sim.credentials.apiKey as string } });

describe('Mirakl OR74 / OR72 / OR73', () => {
  it('uploads an invoice, lists it with has_invoice set, downloads the same bytes; the call log holds the file', async () => {
    const sim = await mirakl();
    const id = await miraklOrder(sim, 'SHIPPING');
    const res = await or74(sim, id, [{ name: 'invoice-42.pdf', type: 'CUSTOMER_INVOICE', content: PDF }]);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Json;
    expect(answer).toEqual({ errors_count: 0, order_documents: [{ id: expect.any(Number), file_name: 'invoice-42.pdf', type_code: 'CUSTOMER_INVOICE' }] });
    const call = sim.callLog.list().find((c) => c.method === 'POST')!;
    expect(call.path).toBe(`/api/orders/${id}/documents`);
    expect(call.body).toEqual({
      fields: { order_documents: JSON.stringify({ order_documents: [{ file_name: 'invoice-42.pdf', type_code: 'CUSTOMER_INVOICE' }] }) },
      files: [{ field: 'files', file_name: 'invoice-42.pdf', content_type: 'application/pdf', size: PDF.length, sha256: sha(PDF) }],
    });

    const listed = (await (await get(sim, `/api/orders/documents?order_ids=${id}`)).json()) as Json;
    const types = listed.order_documents.map((d: Json) => d.type).sort();
    // The order is SHIPPING: the marketplace's delivery slip is there too.
    expect(types).toEqual(['CUSTOMER_INVOICE', 'SYSTEM_DELIVERY_BILL']);
    const invoice = listed.order_documents.find((d: Json) => d.type === 'CUSTOMER_INVOICE');
    expect(invoice).toMatchObject({ order_id: id, file_name: 'invoice-42.pdf', file_size: PDF.length });

    const download = await get(sim, `/api/orders/documents/download?document_ids=${invoice.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);

    const order = ((await (await get(sim, `/api/orders?order_ids=${id}`)).json()) as Json).orders[0];
    expect(order.has_invoice).toBe(true);
  });

  it('the delivery slip is a real PDF and appears only once the order ships', async () => {
    const sim = await mirakl();
    const waiting = await miraklOrder(sim, 'WAITING_ACCEPTANCE');
    expect(((await (await get(sim, `/api/orders/documents?order_ids=${waiting}`)).json()) as Json).order_documents).toEqual([]);
    const shipped = await miraklOrder(sim, 'SHIPPED');
    const [slip] = ((await (await get(sim, `/api/orders/documents?order_ids=${shipped}`)).json()) as Json).order_documents;
    expect(slip).toMatchObject({ type: 'SYSTEM_DELIVERY_BILL', file_name: `delivery-slip-${shipped}.pdf` });
    const bytes = Buffer.from(await (await get(sim, `/api/orders/documents/download?document_ids=${slip.id}`)).arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBe(slip.file_size);
  });

  it('refuses wrong types, extensions, names, states and sizes with Mirakl errors, storing nothing', async () => {
    const sim = await mirakl({ maxDocumentBytes: 2048 });
    const id = await miraklOrder(sim, 'SHIPPING');
    const cases: Array<[Promise<Response>, number, string]> = [
      [or74(sim, id, [{ name: 'slip.pdf', type: 'SYSTEM_DELIVERY_BILL', content: PDF }]), 400, 'DOCUMENT_TYPE_CODE_UNKNOWN'],
      [or74(sim, id, [{ name: 'invoice.exe', type: 'CUSTOMER_INVOICE', content: PDF }]), 400, 'DOCUMENT_TYPE_NOT_SUPPORTED'],
      [or74(sim, id, [{ name: 'big.pdf', type: 'CUSTOMER_INVOICE', content: Buffer.alloc(4096, 1) }]), 400, 'DOCUMENT_TOO_LARGE'],
      [or74(sim, id, [{ name: 'a.pdf', type: 'CUSTOMER_INVOICE', content: PDF }], [{ file_name: 'b.pdf', type_code: 'CUSTOMER_INVOICE' }]), 400, 'ORDER_DOCUMENTS_INVALID'],
      [or74(sim, await miraklOrder(sim, 'WAITING_ACCEPTANCE'), [{ name: 'early.pdf', type: 'CUSTOMER_INVOICE', content: PDF }]), 400, 'ORDER_INVALID_STATE'],
      [or74(sim, 'NOPE-1', [{ name: 'x.pdf', type: 'CUSTOMER_INVOICE', content: PDF }]), 404, 'ORDER_NOT_FOUND'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      const body = (await res.json()) as Json;
      expect([res.status, body.message.split(':')[0]]).toEqual([status, code]);
    }
    expect(sim.documents.list(id)).toEqual([]);
    expect((await or74(sim, id, [{ name: 'ok.pdf', type: 'CUSTOMER_INVOICE', content: PDF }])).status).toBe(200);
    const again = await or74(sim, id, [{ name: 'ok.pdf', type: 'CUSTOMER_INVOICE', content: PDF }]);
    expect([again.status, ((await again.json()) as Json).message]).toEqual([400, expect.stringMatching(/^DOCUMENT_NAME_NOT_UNIQUE/)]);
  });
});

describe('Octopia invoice-documents', () => {
  async function octopia(opts: OctopiaSimulatorOptions = {}): Promise<{ sim: RunningOctopiaSimulator; client: OctopiaClient }> {
    const sim = await startOctopiaSimulator({ orders: 0, seed: 5, speed: 0, start: START, ...opts });
    closers.push(() => sim.close());
    return { sim, client: new OctopiaClient(sim) };
  }
  async function order(sim: RunningOctopiaSimulator, status: string): Promise<string> {
    const res = await fetch(`${sim.baseUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as Json).order_id as string;
  }
  async function upload(sim: RunningOctopiaSimulator, client: OctopiaClient, orderId: string, content: Buffer, type = 'application/pdf') {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(content)], { type }), 'invoice.pdf');
    const res = await fetch(`${sim.baseUrl}/seller/v2/orders/${orderId}/invoice-documents`, { method: 'POST', headers: await client.headers(), body: form });
    return { status: res.status, body: (await res.json()) as Json };
  }

  it('takes a PDF invoice of a shipped order, a new one replacing the previous; the call log holds the file', async () => {
    const { sim, client } = await octopia();
    const id = await order(sim, 'Shipped');
    const first = await upload(sim, client, id, PDF);
    expect(first).toEqual({ status: 201, body: expect.objectContaining({ orderId: id, fileName: 'invoice.pdf', size: PDF.length, status: 'Integrated' }) });
    const call = sim.callLog.list().find((c) => c.path.endsWith('/invoice-documents'))!;
    expect(call.body).toEqual({ fields: {}, files: [{ field: 'file', file_name: 'invoice.pdf', content_type: 'application/pdf', size: PDF.length, sha256: sha(PDF) }] });
    const second = minimalPdf('Invoice 42, corrected');
    expect((await upload(sim, client, id, second)).status).toBe(201);
    const listed = await client.get<Json>(`/orders/${id}/invoice-documents`);
    expect(listed.body.items).toEqual([expect.objectContaining({ size: second.length })]);
  });

  it('refuses an order not yet fulfilled, a file that is not a PDF and one too big', async () => {
    const { sim, client } = await octopia({ maxInvoiceBytes: 2048 });
    const accepted = await order(sim, 'Accepted');
    const shipped = await order(sim, 'Shipped');
    const slug = (r: { body: Json }) => String(r.body.type).split(':').pop();
    const early = await upload(sim, client, accepted, PDF);
    expect([early.status, slug(early)]).toEqual([400, 'invalid-state']);
    const text = await upload(sim, client, shipped, Buffer.from('not a pdf'), 'text/plain');
    expect([text.status, slug(text)]).toEqual([400, 'invalid-file']);
    const big = await upload(sim, client, shipped, Buffer.concat([PDF, Buffer.alloc(4096)]));
    expect([big.status, slug(big)]).toEqual([400, 'file-too-large']);
    expect(sim.invoices.list(shipped)).toEqual([]);
  });
});
