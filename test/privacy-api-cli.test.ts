/**
 * Erasure requests through the API (both stores, scoped to the token's accounts) and the CLI
 * (`orderwire privacy erase|retention`, as a user runs it), and the retention sweep's schedule.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../engine/log.ts';
import { openStore } from '../engine/store/open.ts';
import { RetentionSweeper } from '../engine/sync/retention.ts';
import { startApiHarness } from './helpers/api-server.ts';
import { runCli, waitFor } from './helpers/cli-process.ts';
import { PG_SKIP_REASON, SKIP_PG } from './helpers/postgres.ts';
import { order } from './store-suite.ts';

const EMAIL = 'joana.pereira@example.pt';
const buyer = { first_name: 'Joana', last_name: 'Pereirinha', email: EMAIL, phone: '+351912345678' };
const shipping_address = { name: 'Joana Pereirinha', street_1: 'Avenida da Liberdade 200', zip_code: '1250-147', city: 'Lisboa', country: 'PT' };
const raw = { order_id: 'x', customer: { firstname: 'Joana', lastname: 'Pereirinha', shipping_address: { street_1: 'Avenida da Liberdade 200' } }, customer_notification_email: EMAIL };

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && SKIP_PG)(`POST /v1/privacy/erasures on ${kind}${kind === 'postgres' && SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, () => {
    it("redacts the buyer's orders within the token's accounts, and answers problems for the rest", async () => {
      const h = await startApiHarness({ store: kind });
      try {
        await h.store.commitOrders([
          order('P-1', { buyer, shipping_address, raw }),
          order('P-2', { account: 'worten-es', buyer, shipping_address, raw }),
        ]);
        const token = await h.token(['worten-pt']);
        const res = await h.call('POST', '/v1/privacy/erasures', { token, body: { buyer_email: EMAIL.toUpperCase() } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.orders).toBe(1);
        const [id] = res.body.order_ids as string[];

        const one = await h.call('GET', `/v1/orders/${id}?include=raw`, { token });
        expect(one.body.personal_data_redacted_at).toMatch(/^\d{4}-/);
        expect(one.body.buyer).toEqual({});
        expect(one.body.shipping_address).toEqual({ country: 'PT' });
        expect(JSON.stringify(one.body)).not.toMatch(/joana|pereirinha|liberdade|912345678/i);

        const everyAccount = await h.token(['worten-pt', 'worten-es']);
        const other = (await h.call('GET', '/v1/orders?account=worten-es', { token: everyAccount })).body.items[0];
        expect(other.buyer.email).toBe(EMAIL);
        expect(other.personal_data_redacted_at).toBeNull();

        const forbidden = await h.call('POST', '/v1/privacy/erasures', { token, body: { buyer_email: EMAIL, account: 'worten-es' } });
        expect(forbidden.status).toBe(403);
        expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
        expect(forbidden.body.code).toBe('API_ACCOUNT_FORBIDDEN');
        const invalid = await h.call('POST', '/v1/privacy/erasures', { token, body: { buyer_email: 'not-an-email' } });
        expect(invalid.status).toBe(400);
        expect(invalid.body.errors[0].field).toBe('/body/buyer_email');
        expect((await h.call('POST', '/v1/privacy/erasures', { body: { buyer_email: EMAIL } })).status).toBe(401);
        // Done once: nothing left to redact.
        expect((await h.call('POST', '/v1/privacy/erasures', { token, body: { buyer_email: EMAIL } })).body).toEqual({ orders: 0, order_ids: [], documents_deleted: 0 });
      } finally {
        await h.close();
      }
    });
  });
}

describe('orderwire privacy (CLI) and the retention schedule', () => {
  it('erase and retention as a user runs them; usage errors exit 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-privacy-cli-'));
    try {
      const config = path.join(dir, 'orderwire.yaml');
      await writeFile(config, 'store: orders.sqlite\naccounts:\n  - id: worten-pt\n    channel: worten\n    base_url: http://127.0.0.1:9\n    credentials:\n      api_key: { env: PRIVACY_TEST_KEY }\nprivacy:\n  retention: P30D\n');
      const store = await openStore(path.join(dir, 'orders.sqlite'));
      await store.migrate();
      await store.commitOrders([
        order('C-1', { buyer, shipping_address, raw }),
        order('C-2', { status: 'closed', marketplace_status: 'CLOSED', buyer: { ...buyer, email: 'other@example.pt' }, shipping_address, raw: {} }),
      ]);
      await store.close();

      const erased = await runCli(['privacy', 'erase', '--config', config, '--buyer-email', EMAIL, '--json']);
      expect(erased.code, erased.stderr).toBe(0);
      expect(JSON.parse(erased.stdout).orders).toBe(1);
      const unknownAccount = await runCli(['privacy', 'erase', '--config', config, '--buyer-email', EMAIL, '--account', 'nope']);
      expect(unknownAccount.code).toBe(2);
      expect((await runCli(['privacy', 'erase', '--config', config, '--buyer-email', 'nobody'])).code).toBe(2);
      expect((await runCli(['privacy', 'retention', '--config', config, '--retention', 'soon'])).code).toBe(2);

      // privacy.retention is 30 days: C-2 closed just now is kept; a one-off shorter retention takes it.
      const kept = await runCli(['privacy', 'retention', '--config', config, '--json']);
      expect(kept.code, kept.stderr).toBe(0);
      expect(JSON.parse(kept.stdout)).toEqual({ orders: 0, retention_ms: 30 * 86_400_000 });
      await new Promise((r) => setTimeout(r, 20));
      const swept = await runCli(['privacy', 'retention', '--config', config, '--retention', 'PT0.01S']);
      expect(swept.code, swept.stderr).toBe(0);
      expect(swept.stdout).toMatch(/^personal data redacted in 1 order /);

      const after = await openStore(path.join(dir, 'orders.sqlite'));
      try {
        for (const id of ['C-1', 'C-2']) expect((await after.getOrder('worten-pt', 'worten', id))!.personal_data_redacted_at).toBeDefined();
      } finally {
        await after.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the sweep runs at start and then every period, until stopped', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-privacy-sweep-'));
    const store = await openStore(path.join(dir, 'orders.sqlite'));
    try {
      await store.migrate();
      await store.commitOrders([order('S-1', { status: 'canceled', marketplace_status: 'CANCELED', buyer, shipping_address, raw })]);
      const sweeper = new RetentionSweeper({ store, log: silentLogger(), retentionMs: 50, everyMs: 30 });
      sweeper.start();
      await waitFor(async () => (await store.getOrder('worten-pt', 'worten', 'S-1'))?.personal_data_redacted_at !== undefined, 5_000, 'the first sweep');
      await store.commitOrders([order('S-2', { status: 'refused', marketplace_status: 'REFUSED', buyer, shipping_address, raw })]);
      await waitFor(async () => (await store.getOrder('worten-pt', 'worten', 'S-2'))?.personal_data_redacted_at !== undefined, 5_000, 'a later sweep');
      await sweeper.stop();
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
