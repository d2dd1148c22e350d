/**
 * Delivery slips (issue 16): Printemps declares the marketplace's delivery slip
 * (`documents.download: [SYSTEM_DELIVERY_BILL]`). A sync lists the documents of its orders that
 * wait for shipment or later (Mirakl OR72, the ids comma-separated), downloads each slip once
 * (OR73, one document id per call, streamed into the document store) and the API serves it with
 * its content type. A second sync lists them again but downloads nothing; a channel that declares
 * no documents (Worten) never asks for them. The simulator's call log asserts the exact requests.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMiraklSimulator, type RunningMiraklSimulator } from '@orderwire/simulators';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../engine/api/server.ts';
import { createToken } from '../engine/api/tokens.ts';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { createLogger, silentLogger } from '../engine/log.ts';
import { marketplaceDocumentFileId } from '../engine/store/files.ts';
import { DocumentDownloadRetrier } from '../engine/sync/document-retrier.ts';
import { DEFAULT_DOWNLOAD_RETRY } from '../engine/sync/marketplace-documents.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { DOCUMENT_BACKENDS, type DocumentBackendSetup } from './helpers/document-backends.ts';
import { adminCalls, adminCreateOrder, type CallEntry } from './helpers/sim-admin.ts';

for (const backend of DOCUMENT_BACKENDS) describe.skipIf(backend.skip)(`delivery slips (${backend.name})`, () => {
  let mirakl: RunningMiraklSimulator;
  let dir: string;
  let runtime: Runtime;
  let api: FastifyInstance;
  let base: string;
  let token: string;
  let proxy: http.Server;
  let refuseDownloads = false;
  /** OR73 requests the proxy refused (they never reach the marketplace's call log). */
  let refused = 0;
  let backendSetup: DocumentBackendSetup;

  beforeAll(async () => {
    mirakl = await startMiraklSimulator({ orders: 0, seed: 71, speed: 0, start: new Date(Date.now() - 3_600_000) });
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-slips-'));
    backendSetup = await backend.setup(dir, 'slips');
    const channels = path.join(dir, 'channels');
    await mkdir(path.join(channels, 'platforms'), { recursive: true });
    for (const name of ['printemps', 'worten']) await copyFile(path.join(CHANNELS_DIR, `${name}.yaml`), path.join(channels, `${name}.yaml`));
    await copyFile(path.join(CHANNELS_DIR, 'platforms', 'mirakl.yaml'), path.join(channels, 'platforms', 'mirakl.yaml'));
    // Account pf reaches the marketplace through a loopback proxy that refuses OR73 while `refuseDownloads`.
    proxy = http.createServer((req, res) => {
      if (refuseDownloads && req.url?.startsWith('/api/orders/documents/download')) {
      refused++;
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 404, message: 'Document not available yet' }));
        return;
      }
      void fetch(`${mirakl.baseUrl}${req.url}`, { method: req.method, headers: { authorization: String(req.headers.authorization) } }).then(async (answer) => {
        res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const account = (id: string, channel: string, baseUrl = mirakl.baseUrl) => `  - id: ${id}\n    channel: ${channel}\n    base_url: ${baseUrl}\n    credentials:\n      api_key: { env: SLIP_KEY }\n    options: { budgets: { OR11: { limit: 600, per: PT1M } } }\n`;
    await writeFile(path.join(dir, 'orderwire.yaml'), `${backendSetup.lines.join('\n')}\nchannels_dir: channels\naccounts:\n${account('pt', 'printemps')}${account('wt', 'worten')}${account('pf', 'printemps', proxied)}`);
    runtime = await openRuntime(await loadConfigFile(path.join(dir, 'orderwire.yaml')), silentLogger(), { env: { SLIP_KEY: mirakl.credentials.apiKey!, ...backendSetup.env } });
    api = await buildApiServer({ store: runtime.store, channels: runtime.channels, accounts: runtime.accountConfigs, secretKey: undefined, files: runtime.files });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    token = (await createToken(runtime.store, { name: 'slips', accounts: ['pt', 'wt'] })).token;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await runtime?.close();
    await backendSetup?.close();
    await mirakl?.close();
    proxy?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function sync(account: string): Promise<{ documents: number; calls: CallEntry[] }> {
    const since = (await adminCalls(mirakl.baseUrl)).at(-1)?.seq ?? 0;
    const entry = runtime.accounts.get(account)!;
    const outcome = await syncWindow(
      { store: runtime.store, connector: entry.connector, account: entry.account, log: runtime.log, now: () => new Date(), windows: { overlapMs: 60_000, safetyMarginMs: 0 }, files: runtime.files },
      'manual',
      { since: new Date(Date.now() - 3_600_000) },
    );
    return { documents: outcome.documents, calls: (await adminCalls(mirakl.baseUrl, since)).filter((c) => c.path.startsWith('/api/orders/documents')) };
  }

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  describe('delivery slips (Mirakl OR72 + OR73) for a channel that declares them', () => {
    it('downloads each slip once into the document store, and the API serves it', async () => {
      const a = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPING', lines: 1 })).order_id;
      const b = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPED', lines: 2 })).order_id;
      const waiting = (await adminCreateOrder(mirakl.baseUrl, { state: 'WAITING_ACCEPTANCE', lines: 1 })).order_id;

      const first = await sync('pt');
      // OR72 once for the page's orders that can have a slip (not the one waiting for acceptance),
      // comma-separated; then OR73 once per slip, by its id.
      expect(first.calls[0]).toMatchObject({ method: 'GET', path: '/api/orders/documents', status: 200 });
      expect(String(first.calls[0]!.query.order_ids).split(',').sort()).toEqual([a, b].sort());
      const slips = [a, b].map((id) => mirakl.documents.list(id).find((d) => d.typeCode === 'SYSTEM_DELIVERY_BILL')!);
      expect(first.calls.slice(1).map((c) => [c.method, c.path, c.query, c.status]).sort()).toEqual(
        slips.map((s) => ['GET', '/api/orders/documents/download', { document_ids: s.id }, 200]).sort(),
      );
      expect(first.calls).toHaveLength(3);
      expect(first.documents).toBe(2);
      expect(mirakl.documents.list(waiting)).toEqual([]);

      // The stored order lists its documents as the marketplace does.
      const stored = await runtime.store.getOrder('pt', 'printemps', a);
      expect(stored!.order.documents).toEqual([{ id: slips[0]!.id, type: 'SYSTEM_DELIVERY_BILL', file_name: `delivery-slip-${a}.pdf`, size: slips[0]!.size, uploaded_at: expect.any(String) }]);

      // Served by the API: the marketplace's exact bytes, with its content type.
      const fileId = marketplaceDocumentFileId({ account: 'pt', channel: 'printemps', marketplace_order_id: a, document_id: slips[0]!.id });
      const res = await fetch(`${base}/v1/documents/${fileId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="delivery-slip-${a}.pdf"`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(sha(bytes)).toBe(slips[0]!.sha256);
      expect(await backendSetup.holds(fileId)).toBe(true);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(await runtime.files.get(fileId)).toMatchObject({ account: 'pt', order_id: stored!.id, marketplace: { document_id: slips[0]!.id, type: 'SYSTEM_DELIVERY_BILL', size: slips[0]!.size } });

      // The order route lists it with where to fetch it; the order waiting for acceptance has none.
      const resource = (await fetch(`${base}/v1/orders/${stored!.id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as Record<string, unknown>;
      expect(resource.documents).toEqual([{
        id: fileId, source: 'marketplace', type: 'SYSTEM_DELIVERY_BILL', file_name: `delivery-slip-${a}.pdf`, size: slips[0]!.size,
        content_type: 'application/pdf', url: `/v1/documents/${fileId}`, marketplace_document_id: slips[0]!.id,
      }]);
      expect(resource.invoice).toEqual({ status: 'none', marketplace_has_invoice: false });
      // The feed serves the same order, its history aside.
      const feed = (await fetch(`${base}/v1/orders?account=pt&limit=100`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as { items: Array<Record<string, unknown>> };
      const { history: _history, ...withoutHistory } = resource;
      expect(feed.items.find((item) => item.id === stored!.id)).toEqual(withoutHistory);

      // order.document_available, once per slip, with where to fetch it.
      const documentEvents = async () => (await runtime.store.listEvents({ account: 'pt' })).filter((e) => e.type === 'order.document_available');
      const announced = await documentEvents();
      expect(announced.map((e) => e.marketplace_order_id).sort()).toEqual([a, b].sort());
      expect(announced.find((e) => e.marketplace_order_id === a)!.details!.document).toEqual({
        id: fileId, source: 'marketplace', type: 'SYSTEM_DELIVERY_BILL', file_name: `delivery-slip-${a}.pdf`, content_type: 'application/pdf',
        size: slips[0]!.size, url: `/v1/documents/${fileId}`, marketplace_document_id: slips[0]!.id,
      });

      // Listed again by the next sync: never downloaded twice, never announced twice.
      const second = await sync('pt');
      expect(second.calls.map((c) => c.path)).toEqual(['/api/orders/documents']);
      expect(second.documents).toBe(0);
      expect(await documentEvents()).toHaveLength(2);
    });

    it('GET /v1/channels/{id} says which documents the channel downloads', async () => {
      const described = (await fetch(`${base}/v1/channels/printemps`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as { documents: unknown };
      expect(described.documents).toEqual({ download: { types: ['SYSTEM_DELIVERY_BILL'], max_bytes: expect.any(Number), source: expect.any(String) }, upload: [] });
    });

    it('a channel that declares no documents never lists them (Worten)', async () => {
      await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPED', lines: 1 });
      const run = await sync('wt');
      expect(run.calls).toEqual([]);
      expect(run.documents).toBe(0);
    });

    it('a download the marketplace refuses fails nothing: the order is stored, the slip comes with a later sync', async () => {
      const id = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPED', lines: 1 })).order_id;
      refuseDownloads = true;
      const first = await sync('pf');
      expect(first.documents).toBe(0);
      const stored = await runtime.store.getOrder('pf', 'printemps', id);
      expect(stored!.order.documents).toHaveLength(1);
      const fileId = marketplaceDocumentFileId({ account: 'pf', channel: 'printemps', marketplace_order_id: id, document_id: stored!.order.documents![0]!.id });
      expect(await runtime.files.get(fileId)).toBeUndefined();
      refuseDownloads = false;
      const second = await sync('pf');
      // Every slip the account's orders list, refused before, now downloaded once each.
      const listed = (await runtime.store.listOrders({ account: 'pf', limit: 100 })).items.flatMap((o) => o.order.documents ?? []);
      expect(listed.length).toBeGreaterThan(0);
      expect(second.documents).toBe(listed.length);
      expect(await runtime.files.get(fileId)).toMatchObject({ account: 'pf', order_id: stored!.id });
    });

    it('a refused download is tried again by the daemon on its own, without the order being listed again, on a backoff', async () => {
      const id = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPED', lines: 1 })).order_id;
      refuseDownloads = true;
      let clock = Date.now();
      expect((await sync('pf')).documents).toBe(0);
      const stored = (await runtime.store.getOrder('pf', 'printemps', id))!;
      const fileId = marketplaceDocumentFileId({ account: 'pf', channel: 'printemps', marketplace_order_id: id, document_id: stored.order.documents![0]!.id });
      const outcomes: string[] = [];
      const retrier = new DocumentDownloadRetrier({ store: runtime.store, accounts: runtime.accounts, files: runtime.files, log: runtime.log, now: () => new Date(clock), retry: DEFAULT_DOWNLOAD_RETRY, onOutcome: (_a, o) => outcomes.push(o) });
      const calls = async (since: number) => (await adminCalls(mirakl.baseUrl, since)).filter((c) => c.path.startsWith('/api/orders'));
      const lastSeq = async () => (await adminCalls(mirakl.baseUrl)).at(-1)?.seq ?? 0;

      // Not due before the backoff's first minute: nothing is asked of the marketplace.
      let since = await lastSeq();
      expect(await retrier.runOnce()).toEqual({ downloaded: 0, failed: 0, cleared: 0 });
      expect(await calls(since)).toEqual([]);
      // Due, still refused: one OR73 (refused by the proxy) and nothing else (no listing), tried again later.
      clock += 61_000;
      since = await lastSeq();
      const refusedBefore = refused;
      expect(await retrier.runOnce()).toEqual({ downloaded: 0, failed: 1, cleared: 0 });
      expect(refused - refusedBefore).toBe(1);
      expect(await calls(since)).toEqual([]);
      // The next attempt waits twice as long: a minute later nothing is due.
      clock += 61_000;
      expect(await retrier.runOnce()).toEqual({ downloaded: 0, failed: 0, cleared: 0 });
      // The marketplace serves it again: the daemon downloads it on its own, from the order it stored.
      refuseDownloads = false;
      clock += 121_000;
      since = await lastSeq();
      expect(await retrier.runOnce()).toEqual({ downloaded: 1, failed: 0, cleared: 0 });
      expect((await calls(since)).map((c) => [c.path, c.status])).toEqual([['/api/orders/documents/download', 200]]);
      expect(await runtime.files.get(fileId)).toMatchObject({ account: 'pf', order_id: stored.id });
      expect(outcomes).toEqual(['failed', 'downloaded']);
      // order.document_available, as when a sync downloads it.
      expect((await runtime.store.listEvents({ order_id: stored.id })).filter((e) => e.type === 'order.document_available')).toHaveLength(1);
      // Nothing pending any more.
      clock += 3_600_000;
      expect(await retrier.runOnce()).toEqual({ downloaded: 0, failed: 0, cleared: 0 });
    });

    it('gives up after the last attempt, reported once as an error (DOCUMENT_DOWNLOAD_FAILED), and tries no more', async () => {
      const id = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPED', lines: 1 })).order_id;
      refuseDownloads = true;
      try {
        let clock = Date.now();
        const logs: Array<Record<string, unknown>> = [];
        const log = createLogger({ level: 'info', destination: new Writable({ write(chunk, _enc, done) { logs.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } }) });
        const policy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 2_000 };
        const entry = runtime.accounts.get('pf')!;
        const syncOutcome = await syncWindow(
          { store: runtime.store, connector: entry.connector, account: entry.account, log, now: () => new Date(clock), windows: { overlapMs: 60_000, safetyMarginMs: 0 }, files: runtime.files },
          'manual',
          { since: new Date(Date.now() - 3_600_000) },
        );
        expect(syncOutcome.documents).toBe(0);
        const outcomes: string[] = [];
        const retrier = new DocumentDownloadRetrier({ store: runtime.store, accounts: new Map([['pf', entry]]), files: runtime.files, log, now: () => new Date(clock), retry: policy, onOutcome: (_a, o) => outcomes.push(o) });
        const attempts = async () => {
          const before = refused;
          // Past any backoff (the sync's first failure waits the default minute).
          clock += 3_600_000;
          await retrier.runOnce();
          return refused - before;
        };
        // The sync's attempt was the first; the daemon's second and third (its last) follow, then none.
        const tried = [await attempts(), await attempts(), await attempts(), await attempts()];
        expect(tried.map((n) => n > 0)).toEqual([true, true, false, false]);
        expect(outcomes).toEqual(['failed', 'gave_up']);
        const stored = (await runtime.store.getOrder('pf', 'printemps', id))!;
        const gaveUp = logs.filter((l) => l.level === 50 && l.code === 'DOCUMENT_DOWNLOAD_FAILED');
        expect(gaveUp.filter((l) => l.order === id)).toEqual([expect.objectContaining({ attempts: 3, msg: expect.stringContaining('given up') })]);
        const fileId = marketplaceDocumentFileId({ account: 'pf', channel: 'printemps', marketplace_order_id: id, document_id: stored.order.documents![0]!.id });
        expect(await runtime.files.get(fileId)).toBeUndefined();
      } finally {
        refuseDownloads = false;
      }
    });
  });
});
