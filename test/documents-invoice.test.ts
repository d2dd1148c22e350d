/**
 * Invoices end to end (issue 16): a real PDF (test/fixtures/documents) uploaded through the API
 * (POST /v1/orders/{id}/documents, multipart), kept in the document store, delivered by the action
 * worker to both simulators (Mirakl OR74 for PcComponentes, Octopia invoice-documents for a test
 * channel on Octopia: Cdiscount's own source lists no invoice upload), each asserted in the marketplace's call log with the exact file it received, then
 * served back by GET /v1/documents/{id}. Refused with a clear code where the channel forbids it:
 * a channel without the action, a status before acceptance, a file that is not a PDF, one too big.
 * Run against each document store (files, the SQLite database, the PostgreSQL database).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../engine/api/server.ts';
import { createToken } from '../engine/api/tokens.ts';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { RetentionSweeper } from '../engine/sync/retention.ts';
import { DOCUMENT_BACKENDS, type DocumentBackendSetup } from './helpers/document-backends.ts';
import { adminCalls, adminCreateOrder, type CallEntry } from './helpers/sim-admin.ts';
import { connectionUrls, platformCredentials } from './helpers/sync-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const backend of DOCUMENT_BACKENDS) describe.skipIf(backend.skip)(`invoices (${backend.name})`, () => {
  const PDF_PATH = path.resolve(import.meta.dirname, 'fixtures/documents/invoice-F2025-0042.pdf');
  let pdf: Buffer;
  let mirakl: StartedSimulator;
  let octopia: StartedSimulator;
  let dir: string;
  let runtime: Runtime;
  let api: FastifyInstance;
  let base: string;
  let token: string;
  let backendSetup: DocumentBackendSetup;

  beforeAll(async () => {
    pdf = await readFile(PDF_PATH);
    const start = new Date(Date.now() - 3_600_000);
    mirakl = await startSimulator('mirakl', { orders: 0, seed: 61, speed: 0, start });
    octopia = await startSimulator('octopia', { orders: 0, seed: 62, speed: 0, start });
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-invoices-'));
    backendSetup = await backend.setup(dir, 'invoices');
    // Cdiscount's seed channel has no invoice upload (its source lists none): an Octopia test channel has it.
    const channels = path.join(dir, 'channels');
    await mkdir(path.join(channels, 'platforms'), { recursive: true });
    for (const name of ['pccomponentes', 'worten']) await copyFile(path.join(CHANNELS_DIR, `${name}.yaml`), path.join(channels, `${name}.yaml`));
    for (const name of ['mirakl', 'octopia']) await copyFile(path.join(CHANNELS_DIR, 'platforms', `${name}.yaml`), path.join(channels, 'platforms', `${name}.yaml`));
    await copyFile(path.resolve(import.meta.dirname, 'fixtures/channels/operations/octopiainvoice.yaml'), path.join(channels, 'octopiainvoice.yaml'));
    const env: Record<string, string> = {};
    const account = (id: string, channel: string, sim: StartedSimulator) => {
      const urls = connectionUrls(sim);
      const lines = [`  - id: ${id}`, `    channel: ${channel}`, `    base_url: ${urls.baseUrl}`, ...(urls.authUrl ? [`    auth_url: ${urls.authUrl}`] : []), '    credentials:'];
      for (const [name, value] of Object.entries(platformCredentials(sim))) {
        const variable = `INV_${id}_${name}`.toUpperCase().replace(/-/g, '_');
        lines.push(`      ${name}: { env: ${variable} }`);
        env[variable] = value;
      }
      return lines.join('\n');
    };
    await writeFile(
      path.join(dir, 'orderwire.yaml'),
      [...backendSetup.lines, 'channels_dir: channels', 'accounts:', account('pcc', 'pccomponentes', mirakl), account('cd', 'octopiainvoice', octopia), account('wt', 'worten', mirakl), ''].join('\n'),
    );
    runtime = await openRuntime(await loadConfigFile(path.join(dir, 'orderwire.yaml')), silentLogger(), { env: { ...env, ...backendSetup.env } });
    api = await buildApiServer({ store: runtime.store, channels: runtime.channels, accounts: runtime.accountConfigs, secretKey: undefined, files: runtime.files });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    token = (await createToken(runtime.store, { name: 'invoices', accounts: ['pcc', 'cd', 'wt'] })).token;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await runtime?.close();
    await backendSetup?.close();
    await Promise.all([mirakl?.close(), octopia?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  /** Creates an order at the marketplace and stores it as a poll would; returns its orderwire id. */
  async function storedOrder(account: string, sim: StartedSimulator, create: Json): Promise<{ id: string; marketplaceId: string }> {
    const { order_id: marketplaceId } = await adminCreateOrder(sim.baseUrl, create);
    const entry = runtime.accounts.get(account)!;
    const read = await entry.connector.getOrder(marketplaceId);
    await runtime.store.commitOrders([read!]);
    const stored = await runtime.store.getOrder(account, entry.account.channel.id, marketplaceId);
    return { id: stored!.id, marketplaceId };
  }

  async function upload(orderId: string, file: { bytes: Buffer; name: string; type: string }, extra: { action?: string; key?: string } = {}): Promise<{ status: number; body: Json }> {
    const form = new FormData();
    if (extra.action) form.append('action', extra.action);
    form.append('invoice', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const res = await fetch(`${base}/v1/orders/${orderId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(extra.key && { 'idempotency-key': extra.key }) }, body: form });
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function deliver(sim: StartedSimulator): Promise<CallEntry[]> {
    const since = (await adminCalls(sim.baseUrl)).at(-1)?.seq ?? 0;
    const worker = new ActionWorker({ store: runtime.store, accounts: runtime.accounts, log: runtime.log, owner: 'invoices', leaseMs: 10_000, maxAttempts: 2 });
    await worker.runOnce();
    return (await adminCalls(sim.baseUrl, since)).filter((c) => c.method !== 'GET');
  }

  const asSent = (name: string) => ({ file_name: name, content_type: 'application/pdf', size: pdf.length, sha256: sha(pdf) });

  describe('upload_invoice through the API to both marketplaces', () => {
    it('PcComponentes (Mirakl OR74): the PDF reaches the marketplace once, exactly; the order shows has_invoice; the API serves it back', async () => {
      const order = await storedOrder('pcc', mirakl, { state: 'SHIPPING', lines: 1 });
      const sent = await upload(order.id, { bytes: pdf, name: 'invoice-F2025-0042.pdf', type: 'application/pdf' }, { key: 'inv-1' });
      expect(sent.status).toBe(202);
      expect(sent.body).toMatchObject({ action: 'upload_invoice', state: 'queued' });
      // Queued: the order shows the invoice uploading, with the stored file and where to fetch it.
      const orderView = async () => (await fetch(`${base}/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as Json;
      const queued = await orderView();
      expect(queued.invoice).toEqual({ status: 'uploading', action_id: sent.body.id, marketplace_has_invoice: false });
      expect(queued.documents).toEqual([{
        id: sent.body.request.data.invoice.id, source: 'upload', type: 'upload_invoice', file_name: 'invoice-F2025-0042.pdf', size: pdf.length,
        content_type: 'application/pdf', url: `/v1/documents/${sent.body.request.data.invoice.id}`, action_id: sent.body.id, action_state: 'queued',
      }]);
      const calls = await deliver(mirakl);
      expect(calls.map((c) => [c.method, c.path, c.status])).toEqual([['POST', `/api/orders/${order.marketplaceId}/documents`, 200]]);
      expect(calls[0]!.body).toEqual({
        fields: { order_documents: JSON.stringify({ order_documents: [{ file_name: 'invoice-F2025-0042.pdf', type_code: 'CUSTOMER_INVOICE' }] }) },
        files: [{ field: 'files', ...asSent('invoice-F2025-0042.pdf') }],
      });
      const action = await fetch(`${base}/v1/actions/${sent.body.id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<Json>);
      expect(action.state).toBe('succeeded');
      const readBack = await runtime.accounts.get('pcc')!.connector.getOrder(order.marketplaceId);
      expect((readBack!.raw as Json).has_invoice).toBe(true);
      // order.document_available: the invoice the marketplace accepted.
      const announced = (await runtime.store.listEvents({ order_id: order.id })).filter((e) => e.type === 'order.document_available');
      expect(announced.map((e) => e.details!.document)).toEqual([{
        id: sent.body.request.data.invoice.id, source: 'upload', type: 'upload_invoice', file_name: 'invoice-F2025-0042.pdf', content_type: 'application/pdf',
        size: pdf.length, url: `/v1/documents/${sent.body.request.data.invoice.id}`, action_id: sent.body.id,
      }]);
      // Sent: uploaded, as the marketplace now says too (the worker stored the order read back).
      expect((await orderView()).invoice).toEqual({ status: 'uploaded', action_id: sent.body.id, marketplace_has_invoice: true });

      // The stored document, served with its type and digest to tokens of its account.
      const documentId = action.request.data.invoice.id as string;
      expect(await backendSetup.holds(documentId)).toBe(true);
      const download = await fetch(`${base}/v1/documents/${documentId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(download.headers.get('x-content-sha256')).toBe(sha(pdf));
      expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

      // The same request again (same Idempotency-Key): the same action, no second copy kept.
      const before = await backendSetup.footprint();
      const replay = await upload(order.id, { bytes: pdf, name: 'invoice-F2025-0042.pdf', type: 'application/pdf' }, { key: 'inv-1' });
      expect([replay.status, replay.body.id]).toEqual([200, sent.body.id]);
      expect(await backendSetup.footprint()).toEqual(before);
      // The same key with another file is another request: refused, nothing kept.
      const other = await upload(order.id, { bytes: Buffer.concat([pdf, Buffer.from('%changed')]), name: 'invoice-F2025-0042.pdf', type: 'application/pdf' }, { key: 'inv-1' });
      expect([other.status, other.body.code]).toEqual([409, 'STORE_IDEMPOTENCY_KEY_REUSED']);
      expect(await backendSetup.footprint()).toEqual(before);
    });

    it('GET /v1/channels/{id} says which file each action uploads, of which types and how large', async () => {
      const described = (await fetch(`${base}/v1/channels/pccomponentes`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as Json;
      expect(described.documents).toEqual({
        download: null,
        upload: [{ action: 'upload_invoice', field: 'invoice', statuses: ['accepted', 'waiting_shipment', 'shipped', 'closed'], required: true, content_types: ['application/pdf'], max_bytes: 10_485_760 }],
      });
    });

    it('Octopia (invoice-documents): the PDF of a shipped order reaches the marketplace exactly', async () => {
      const order = await storedOrder('cd', octopia, { status: 'Shipped', lines: 1 });
      const sent = await upload(order.id, { bytes: pdf, name: 'invoice-F2025-0042.pdf', type: 'application/pdf' });
      expect(sent.status).toBe(202);
      const calls = await deliver(octopia);
      expect(calls.map((c) => [c.method, c.path, c.status])).toEqual([['POST', `/seller/v2/orders/${order.marketplaceId}/invoice-documents`, 201]]);
      expect(calls[0]!.body).toEqual({ fields: {}, files: [{ field: 'file', ...asSent('invoice-F2025-0042.pdf') }] });
      expect((await runtime.store.getAction(sent.body.id))!.state).toBe('succeeded');
    });

    it("a buyer's erasure deletes the documents of the buyer's orders (an invoice carries their name and address), and only those", async () => {
      const order = await storedOrder('pcc', mirakl, { state: 'SHIPPING', lines: 1 });
      const other = await storedOrder('pcc', mirakl, { state: 'SHIPPING', lines: 1 });
      const start = await backendSetup.footprint();
      const mine = await upload(order.id, { bytes: pdf, name: 'invoice-erased.pdf', type: 'application/pdf' });
      const theirs = await upload(other.id, { bytes: pdf, name: 'invoice-kept.pdf', type: 'application/pdf' });
      const [mineId, theirsId] = [mine.body.request.data.invoice.id as string, theirs.body.request.data.invoice.id as string];
      expect(await backendSetup.holds(mineId)).toBe(true);
      // The simulator gives no buyer e-mail (Mirakl's customer_notification_email): the order gets one, as a later poll would store it.
      const email = `buyer-${order.marketplaceId}@example.com`;
      const read = (await runtime.store.getOrderById(order.id))!.order;
      await runtime.store.commitOrders([{ ...read, buyer: { ...read.buyer, email }, updated_at: new Date(Date.parse(read.updated_at) + 1_000).toISOString() }]);
      const erased = await fetch(`${base}/v1/privacy/erasures`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ buyer_email: email }) });
      expect(await erased.json()).toEqual({ orders: 1, order_ids: [order.id], documents_deleted: 1 });
      expect(await backendSetup.holds(mineId)).toBe(false);
      expect((await fetch(`${base}/v1/documents/${mineId}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect(await backendSetup.holds(theirsId)).toBe(true);
      // Nothing of the erased document is left, not even a chunk: without the other order's, the store is as before.
      await runtime.files.remove(theirsId);
      expect(await backendSetup.footprint()).toEqual(start);
    });

    it('the retention deletes the documents of the orders whose personal data it redacts, and only those', async () => {
      const closed = await storedOrder('pcc', mirakl, { state: 'SHIPPING', lines: 1 });
      const open = await storedOrder('pcc', mirakl, { state: 'SHIPPING', lines: 1 });
      const closedDoc = (await upload(closed.id, { bytes: pdf, name: 'invoice-closed.pdf', type: 'application/pdf' })).body.request.data.invoice.id as string;
      const openDoc = (await upload(open.id, { bytes: pdf, name: 'invoice-open.pdf', type: 'application/pdf' })).body.request.data.invoice.id as string;
      // The order reaches a final status (closed), as a later poll would store it.
      const read = (await runtime.store.getOrderById(closed.id))!.order;
      await runtime.store.commitOrders([{ ...read, status: 'closed', marketplace_status: 'CLOSED', lines: read.lines.map((l) => ({ ...l, status: 'closed', marketplace_status: 'CLOSED' })), updated_at: new Date(Date.parse(read.updated_at) + 1_000).toISOString() }]);
      // A year later, past the retention: its personal data go, and its documents with them.
      const sweeper = new RetentionSweeper({ store: runtime.store, files: runtime.files, log: silentLogger(), retentionMs: 180 * 86_400_000, everyMs: 3_600_000, now: () => new Date(Date.now() + 365 * 86_400_000) });
      expect(await sweeper.sweep()).toBeGreaterThanOrEqual(1);
      expect((await runtime.store.getOrderById(closed.id))!.personal_data_redacted_at).toBeDefined();
      expect(await backendSetup.holds(closedDoc)).toBe(false);
      expect(await runtime.files.get(closedDoc)).toBeUndefined();
      expect((await runtime.store.getOrderById(open.id))!.personal_data_redacted_at).toBeUndefined();
      expect(await backendSetup.holds(openDoc)).toBe(true);
    });

    it('is refused with a clear code where the channel forbids it, and keeps no file', async () => {
      const before = await backendSetup.footprint();
      const codes = (r: { body: Json }) => (r.body.errors as Json[] | undefined)?.map((e) => e.code) ?? [r.body.code];

      const worten = await storedOrder('wt', mirakl, { state: 'SHIPPING', lines: 1 });
      const noAction = await upload(worten.id, { bytes: pdf, name: 'i.pdf', type: 'application/pdf' });
      expect([noAction.status, codes(noAction)]).toEqual([400, ['ACTION_FIELD_UNKNOWN']]);

      const waiting = await storedOrder('pcc', mirakl, { state: 'WAITING_ACCEPTANCE', lines: 1 });
      const early = await upload(waiting.id, { bytes: pdf, name: 'i.pdf', type: 'application/pdf' });
      expect([early.status, codes(early)]).toEqual([422, ['ACTION_NOT_ALLOWED_IN_STATUS']]);

      const shipping = await storedOrder('pcc', mirakl, { state: 'SHIPPING', lines: 1 });
      const text = await upload(shipping.id, { bytes: Buffer.from('not a pdf'), name: 'i.txt', type: 'text/plain' });
      expect([text.status, codes(text)]).toEqual([422, ['ACTION_FILE_TYPE_NOT_ALLOWED']]);
      const big = await upload(shipping.id, { bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 0x25), name: 'big.pdf', type: 'application/pdf' });
      expect([big.status, big.body.code]).toEqual([413, 'DOCUMENT_TOO_LARGE']);

      const cdAccepted = await storedOrder('cd', octopia, { status: 'Accepted', lines: 1 });
      const notShipped = await upload(cdAccepted.id, { bytes: pdf, name: 'i.pdf', type: 'application/pdf' });
      expect([notShipped.status, codes(notShipped)]).toEqual([422, ['ACTION_NOT_ALLOWED_IN_STATUS']]);

      expect(await backendSetup.footprint()).toEqual(before);
      // Nothing reached the marketplaces.
      expect((await adminCalls(mirakl.baseUrl)).filter((c) => c.path.endsWith('/documents') && c.body && JSON.stringify(c.body).includes('i.pdf'))).toEqual([]);
    });
  });
});
