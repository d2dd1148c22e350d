/**
 * `orderwire documents` (issue 16): upload a real PDF with the action that sends it, list what is
 * kept, download it byte for byte; a status where the channel forbids the action exits 1 with its
 * code and keeps no file.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import { runCliInProcess } from './helpers/cli-process.ts';
import { DOCUMENT_BACKENDS, type DocumentBackendSetup } from './helpers/document-backends.ts';
import { adminCreateOrder } from './helpers/sim-admin.ts';

const PDF = path.resolve(import.meta.dirname, 'fixtures/documents/invoice-F2025-0042.pdf');
for (const backend of DOCUMENT_BACKENDS) describe.skipIf(backend.skip)(`orderwire documents (${backend.name})`, () => {
  let sim: StartedSimulator;
  let dir: string;
  let config: string;
  const orders: Record<string, string> = {};
  let backendSetup: DocumentBackendSetup;

  beforeAll(async () => {
    sim = await startSimulator('mirakl', { orders: 0, seed: 71, speed: 0, start: new Date(Date.now() - 3_600_000) });
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-documents-cli-'));
    backendSetup = await backend.setup(dir, 'cli');
    await mkdir(path.join(dir, 'channels', 'platforms'), { recursive: true });
    await copyFile(path.join(CHANNELS_DIR, 'pccomponentes.yaml'), path.join(dir, 'channels', 'pccomponentes.yaml'));
    await copyFile(path.join(CHANNELS_DIR, 'platforms', 'mirakl.yaml'), path.join(dir, 'channels', 'platforms', 'mirakl.yaml'));
    config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, `${backendSetup.lines.join('\n')}\nchannels_dir: channels\naccounts:\n  - id: pcc\n    channel: pccomponentes\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: CLI_DOC_KEY }\n`);
    process.env.CLI_DOC_KEY = sim.credentials.apiKey;
    Object.assign(process.env, backendSetup.env);
    const runtime = await openRuntime(await loadConfigFile(config), silentLogger(), { env: { CLI_DOC_KEY: sim.credentials.apiKey!, ...backendSetup.env } });
    try {
      for (const state of ['SHIPPING', 'WAITING_ACCEPTANCE']) {
        const { order_id } = await adminCreateOrder(sim.baseUrl, { state, lines: 1 });
        await runtime.store.commitOrders([(await runtime.accounts.get('pcc')!.connector.getOrder(order_id))!]);
        orders[state] = order_id;
      }
    } finally {
      await runtime.close();
    }
  }, 60_000);

  afterAll(async () => {
    delete process.env.CLI_DOC_KEY;
    for (const name of Object.keys(backendSetup?.env ?? {})) delete process.env[name];
    await backendSetup?.close();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('orderwire documents', () => {
    it('uploads an invoice with upload_invoice, lists it and downloads the same bytes', async () => {
      const up = await runCliInProcess('documents', 'upload', 'pcc', orders.SHIPPING!, PDF, '--config', config, '--json');
      expect(up.code, up.stderr).toBe(0);
      const outcome = JSON.parse(up.stdout) as { kind: string; action: { action: string; request: { data: { invoice: { id: string; sha256: string } } } } };
      expect(outcome).toMatchObject({ kind: 'queued', action: { action: 'upload_invoice' } });
      const listed = await runCliInProcess('documents', 'list', '--config', config, '--json');
      const docs = JSON.parse(listed.stdout) as Array<{ id: string; file_name: string; content_type: string }>;
      expect(docs).toEqual([expect.objectContaining({ id: outcome.action.request.data.invoice.id, file_name: 'invoice-F2025-0042.pdf', content_type: 'application/pdf' })]);
      const target = path.join(dir, 'out.pdf');
      const down = await runCliInProcess('documents', 'download', docs[0]!.id, '--config', config, '--output', target);
      expect(down.code, down.stderr).toBe(0);
      expect((await readFile(target)).equals(await readFile(PDF))).toBe(true);
      expect(await backendSetup.holds(docs[0]!.id)).toBe(true);
    });

    it('exits 1 with the code where the channel forbids the action, keeping no file', async () => {
      const before = JSON.parse((await runCliInProcess('documents', 'list', '--config', config, '--json')).stdout) as unknown[];
      const held = await backendSetup.footprint();
      const up = await runCliInProcess('documents', 'upload', 'pcc', orders.WAITING_ACCEPTANCE!, PDF, '--config', config);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain('error[ACTION_NOT_ALLOWED_IN_STATUS]');
      const after = JSON.parse((await runCliInProcess('documents', 'list', '--config', config, '--json')).stdout) as unknown[];
      expect(after).toHaveLength(before.length);
      expect(await backendSetup.footprint()).toEqual(held);
    });
  });
});
