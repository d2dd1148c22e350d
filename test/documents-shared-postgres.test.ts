/**
 * Why documents can live in the database (config `documents.store: database`): two real
 * `orderwire run` daemons on one PostgreSQL database, each in a folder of its own (no file system
 * in common), share their documents. One of them syncs a Printemps order and downloads its
 * delivery slip (Mirakl OR73, once); the other serves it at GET /v1/documents/{id} byte for byte,
 * with its content type, and lists it on the order. Neither writes a documents directory.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMiraklSimulator, type RunningMiraklSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../engine/api/tokens.ts';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { marketplaceDocumentFileId } from '../engine/store/document-store.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import type { Store } from '../engine/store/store.ts';
import { spawnCli, waitFor, type Spawned } from './helpers/cli-process.ts';
import { createSchema, dropSchemas, SKIP_PG, testSchemaName, TEST_PG_URL, urlInSchema } from './helpers/postgres.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';

describe.skipIf(SKIP_PG)('two daemons on one PostgreSQL database share their documents', () => {
  let mirakl: RunningMiraklSimulator;
  let schema: string;
  let store: Store;
  const dirs: string[] = [];
  const daemons: Spawned[] = [];

  beforeAll(async () => {
    mirakl = await startMiraklSimulator({ orders: 0, seed: 73, speed: 0, start: new Date(Date.now() - 3_600_000) });
    schema = testSchemaName('shareddocs');
    await createSchema(TEST_PG_URL!, schema);
    store = await openPostgresStore(TEST_PG_URL!, { schema, max: 2 });
    await store.migrate();
  }, 60_000);

  afterAll(async () => {
    for (const d of daemons) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGTERM');
    await Promise.all(daemons.map((d) => d.exited));
    await store?.close();
    if (schema) await dropSchemas(TEST_PG_URL!, [schema]);
    await mirakl?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  /** A daemon in a folder of its own, on the shared schema, documents in the database. */
  async function startDaemon(name: string): Promise<{ daemon: Spawned; api: string; dir: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), `orderwire-shared-${name}-`));
    dirs.push(dir);
    const config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, [
      'store: { env: SHARED_DOCS_STORE }',
      `channels_dir: ${CHANNELS_DIR}`,
      'documents: { store: database }',
      'accounts:',
      '  - id: pt',
      '    channel: printemps',
      `    base_url: ${mirakl.baseUrl}`,
      '    credentials: { api_key: { env: SHARED_DOCS_KEY } }',
      '    options: { budgets: { OR11: { limit: 600, per: PT1M } } }',
      'daemon:',
      '  http: { host: 127.0.0.1, port: 0 }',
      '',
    ].join('\n'));
    const daemon = spawnCli(['run', '--config', config], {
      env: { SHARED_DOCS_STORE: urlInSchema(TEST_PG_URL!, schema), SHARED_DOCS_KEY: mirakl.credentials.apiKey!, ORDERWIRE_LOG_LEVEL: 'info' },
      cwd: dir,
    });
    daemons.push(daemon);
    let api = '';
    await waitFor(() => {
      api = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(daemon.stdout())?.[1] ?? '';
      return api !== '';
    }, 30_000, `daemon ${name}'s API`);
    return { daemon, api, dir };
  }

  it('one downloads the delivery slip once, the other serves it', async () => {
    const order = (await adminCreateOrder(mirakl.baseUrl, { state: 'SHIPPED', lines: 1 })).order_id;
    const { token } = await createToken(store, { name: 'shared', accounts: ['pt'] });

    const first = await startDaemon('a');
    // The simulator makes the slip when the order's documents are first listed (OR72).
    const slipOf = () => mirakl.documents.list(order).find((d) => d.typeCode === 'SYSTEM_DELIVERY_BILL');
    await waitFor(() => slipOf() !== undefined, 30_000, 'the slip listed');
    const slip = slipOf()!;
    const fileId = marketplaceDocumentFileId({ account: 'pt', channel: 'printemps', marketplace_order_id: order, document_id: slip.id });
    await waitFor(async () => (await store.getStoredFile(fileId)) !== undefined, 30_000, 'the slip stored');
    const second = await startDaemon('b');

    // Exactly one of them downloaded it (the sync lease lets one daemon at a time poll the account), once.
    const downloaders = [first, second].filter((d) => d.daemon.stdout().includes('marketplace document stored'));
    const server = downloaders[0] === second ? first : second;
    expect(downloaders).toHaveLength(1);
    const downloads = (await adminCalls(mirakl.baseUrl)).filter((c) => c.path === '/api/orders/documents/download' && c.query.document_ids === slip.id);
    expect(downloads.map((c) => c.status)).toEqual([200]);

    // The daemon that did not download it serves it: the marketplace's bytes, with its content type.
    const res = await fetch(`${server.api}/v1/documents/${fileId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(slip.sha256);
    expect(res.headers.get('x-content-sha256')).toBe(slip.sha256);

    // And lists it on the order, with where to fetch it.
    const stored = (await store.getOrder('pt', 'printemps', order))!;
    const resource = (await fetch(`${server.api}/v1/orders/${stored.id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as { documents: unknown[] };
    expect(resource.documents).toEqual([expect.objectContaining({ id: fileId, source: 'marketplace', url: `/v1/documents/${fileId}`, content_type: 'application/pdf' })]);

    // Nothing on either daemon's file system.
    for (const d of [first, second]) expect(existsSync(path.join(d.dir, 'documents'))).toBe(false);
  }, 90_000);
});
