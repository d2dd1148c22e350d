/**
 * Kaufland Seller API v2 as a platform family written in YAML only (channels/platforms/kaufland.yaml,
 * channels/kaufland.yaml), proven against Kaufland's own published OpenAPI document
 * (test/fixtures/marketplace/kaufland/, cut unchanged from the Seller API v2 document) served by
 * Stoplight Prism as a validating proxy in front of a stateful stand-in for Kaufland
 * (helpers/kaufland-upstream.ts), which checks every request's HMAC signature as Kaufland does:
 * orders synced page by page, each read whole by its detail request; sent unit by unit with carrier
 * and tracking number; cancelled unit by unit; a unit already done never sent again, even when the
 * answer of a send is lost; an order that cannot be mapped quarantined; a request off the contract
 * refused by Prism, a request signed otherwise refused by the stand-in. No request is answered
 * with Prism's `sl-violations` header: every one is within Kaufland's contract.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import { createConnector, loadPlatform, parsePlatform, PLATFORMS_DIR } from '../engine/connector/declarative.ts';
import { silentLogger } from '../engine/log.ts';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { refreshAccountLists } from '../engine/sync/reference-lists.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { runCli } from './helpers/cli-process.ts';
import { KAUFLAND_CLIENT, startKauflandUpstream, type KauflandUpstream } from './helpers/kaufland-upstream.ts';
import { openAccountWorld, type AccountWorld } from './helpers/account-world.ts';
import { startPrism, type Prism } from './helpers/prism.ts';

const SPEC = path.resolve(import.meta.dirname, 'fixtures/marketplace/kaufland/seller-api-v2-orders.openapi.json');
const DAY = 86_400_000;

interface World extends AccountWorld {
  worker: ActionWorker;
}

async function world(baseUrl: string): Promise<World> {
  const w = await openAccountWorld({ channel: 'kaufland', account: 'kaufland-shop', baseUrl, credentials: KAUFLAND_CLIENT });
  const worker = new ActionWorker({ store: w.store, accounts: new Map([[w.account.id, { account: w.account, connector: w.connector }]]), log: silentLogger(), owner: 'kaufland-test', leaseMs: 120_000, maxAttempts: 3, backoffMs: () => 0 });
  return { ...w, worker };
}

interface Spec {
  components: { schemas: { OrderUnitStatus: { enum: string[] }; OrderUnitCancelReason: { enum: string[] } } };
}

it('the kaufland files speak Kaufland\'s vocabulary: unit statuses and cancellation reasons of the document', async () => {
  const spec = JSON.parse(await readFile(SPEC, 'utf8')) as Spec;
  const platform = await loadPlatform('kaufland');
  expect([...(platform.spec.statuses ?? [])].sort()).toEqual([...spec.components.schemas.OrderUnitStatus.enum].sort());
  const channel = await loadChannel('kaufland');
  expect(channel.lists.cancel_reasons!.values.map((v) => v.code)).toEqual(spec.components.schemas.OrderUnitCancelReason.enum);
});

describe('Kaufland: sync, ship and cancel through a Prism proxy validating Kaufland\'s contract', () => {
  let kaufland: KauflandUpstream;
  let prism: Prism;
  let w: World;
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const sync = () => syncWindow(w.deps, 'manual', { since: new Date(Date.now() - DAY) });
  const action = async (submitted: Awaited<ReturnType<typeof submitAction>>) => w.store.getAction(submitted.kind === 'queued' ? submitted.action.id : '');
  // Prism logs each request or answer off the contract as an error or a warning (its
  // `sl-violations`); the last test shows this finds them.
  const violations = () => prism.output().split('\n').filter((l) => /✖|⚠|violation/i.test(l));

  beforeAll(async () => {
    kaufland = await startKauflandUpstream();
    prism = await startPrism({ mode: 'proxy', document: SPEC, upstream: kaufland.url });
    kaufland.signedBase = prism.url;
    w = await world(prism.url);
    // Three units: two still to send, one the buyer already cancelled.
    kaufland.addOrder({ id_order: 'MB7UWL1', ts_created_iso: ago(3_600_000), units: [{ price: 1999, shipping_rate: 490, id_offer: 'SKU-RED' }, { price: 1999, shipping_rate: 0, id_offer: 'SKU-RED' }, { price: 550, status: 'cancelled', cancel_reason: 'BuyerCancelled', id_offer: null }] });
    kaufland.addOrder({ id_order: 'MB7UWL2', ts_created_iso: ago(3_000_000), units: [{ price: 4200 }, { price: 800 }] });
    kaufland.addOrder({ id_order: 'MB7UWL3', ts_created_iso: ago(2_400_000), units: [{ status: 'open' }] });
    kaufland.addOrder({ id_order: 'MB7UWL4', ts_created_iso: ago(2_000_000), units: [{ status: 'sent' }, { status: 'cancelled' }] });
    kaufland.addOrder({ id_order: 'MB7UWL5', ts_created_iso: ago(1_800_000), units: [{ status: 'cancelled' }, { status: 'cancelled' }] });
    kaufland.addOrder({ id_order: 'MB7UWL6', ts_created_iso: ago(1_500_000), fulfillment_type: 'fulfilled_by_kaufland', units: [{}] });
    kaufland.addOrder({ id_order: 'MB7UWL7', ts_created_iso: ago(1_200_000), units: [{ price: 1000 }, { price: 1000 }] });
    // Enough older orders for a second page of 100.
    for (let i = 0; i < 100; i++) kaufland.addOrder({ id_order: `MP${String(i).padStart(5, '0')}`, ts_created_iso: ago(7_200_000 + i * 1000), units: [{ price: 100 + i }] });
  }, 300_000);
  afterAll(async () => {
    await w?.close();
    await prism?.close();
    await kaufland?.close();
  });

  it('syncs every listed order, page by page, each read whole by its own signed detail request', async () => {
    const outcome = await sync();
    expect(outcome).toMatchObject({ inserted: 107, quarantined: 0 });
    const listings = kaufland.calls.filter((c) => c.url.startsWith('/orders?')).map((c) => new URL(c.url, 'http://x'));
    // Pages of 100 (the document's maximum) overlapping by one order: offsets 0, then 99.
    expect(listings.map((u) => u.searchParams.get('offset'))).toEqual(['0', '99']);
    expect([...listings[0]!.searchParams.keys()].sort()).toEqual(['limit', 'offset', 'ts_units_updated_from_iso']);
    expect(listings[0]!.searchParams.get('ts_units_updated_from_iso')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // One detail request per listed order (the order both pages share may be read twice).
    const detailed = kaufland.calls.filter((c) => /^\/orders\/[^?]+$/.test(c.url)).map((c) => c.url);
    expect(new Set(detailed).size).toBe(107);
    expect(detailed.length).toBeLessThanOrEqual(108);
    // Every request reached Kaufland signed as Kaufland documents it, and was answered.
    expect(kaufland.calls.every((c) => c.signed && c.status === 200)).toBe(true);

    const one = (await w.store.getOrder('kaufland-shop', 'kaufland', 'MB7UWL1'))!.order;
    expect(one).toMatchObject({
      status: 'waiting_shipment',
      marketplace_status: 'need_to_be_sent',
      currency: 'EUR',
      // Hundredths to units: 19.99 + 19.99 + 5.50, shipping 4.90.
      totals: { items: 45.48, shipping: 4.9, taxes: 0, total: 50.38 },
      buyer: { id: '21631426', first_name: 'Lena', last_name: 'Schmidt', email: 'lena.schmidt@kaufland-buyer.example', phone: '+4971329400' },
      billing_address: { name: 'Lena Schmidt', street_1: 'Rötelstraße 35', zip_code: '74172', city: 'Neckarsulm', country: 'DE' },
      shipping_address: { name: 'Jonas Schmidt', street_1: 'Rötelstraße 35', street_2: 'Hinterhaus', city: 'Neckarsulm', country: 'DE' },
      delivered_by_marketplace: false,
    });
    const units = kaufland.orders.get('MB7UWL1')!.units;
    expect(one.lines).toMatchObject([
      { id: String(units[0]!.id_order_unit), sku: 'SKU-RED', title: 'Artikel 1', quantity: 1, unit_price: 19.99, shipping_price: 4.9, status: 'waiting_shipment', marketplace_status: 'need_to_be_sent' },
      { id: String(units[1]!.id_order_unit), sku: 'SKU-RED', quantity: 1, unit_price: 19.99, shipping_price: 0 },
      // No offer id: the product's EAN.
      { id: String(units[2]!.id_order_unit), sku: '4006381333932', unit_price: 5.5, status: 'canceled', marketplace_status: 'cancelled' },
    ]);
    // The order's status is its most pressing unit's, through the channel's status map.
    const status = async (id: string) => (await w.store.getOrder('kaufland-shop', 'kaufland', id))!.order;
    expect(await status('MB7UWL3')).toMatchObject({ status: 'new', marketplace_status: 'open' });
    expect(await status('MB7UWL4')).toMatchObject({ status: 'shipped', marketplace_status: 'sent' });
    expect(await status('MB7UWL5')).toMatchObject({ status: 'canceled', marketplace_status: 'cancelled' });
    expect(await status('MB7UWL6')).toMatchObject({ delivered_by_marketplace: true, fulfillment_code: 'fulfilled_by_kaufland' });
    expect(violations()).toEqual([]);
  }, 180_000);

  it('ships unit by unit with carrier and tracking number, leaving out the unit already cancelled', async () => {
    const before = kaufland.calls.length;
    const submitted = await submitAction(w.store, w.account, { marketplaceOrderId: 'MB7UWL1', name: 'ship', data: { tracking_number: '00340434161094042557', carrier: 'DHL' } });
    expect(submitted.kind).toBe('queued');
    expect(await w.worker.runOnce()).toBe(1);
    const done = await action(submitted);
    expect(done?.state, JSON.stringify(done?.error)).toBe('succeeded');
    const units = kaufland.orders.get('MB7UWL1')!.units;
    const sends = kaufland.calls.slice(before).filter((c) => c.method === 'PATCH');
    expect(sends.map((c) => c.url)).toEqual([`/order-units/${units[0]!.id_order_unit}/send`, `/order-units/${units[1]!.id_order_unit}/send`]);
    for (const s of sends) expect(JSON.parse(s.body)).toEqual({ tracking_numbers: '00340434161094042557', carrier_code: 'DHL' });
    expect(sends.every((c) => c.signed && c.status === 204)).toBe(true);
    expect(units.map((u) => u.status)).toEqual(['sent', 'sent', 'cancelled']);
    expect((await w.store.getOrder('kaufland-shop', 'kaufland', 'MB7UWL1'))!.order).toMatchObject({ status: 'shipped', marketplace_status: 'sent' });
    expect(violations()).toEqual([]);
  }, 120_000);

  it('a send whose answer is lost is settled by reading the order back: the unit it sent is never sent again', async () => {
    const units = kaufland.orders.get('MB7UWL7')!.units;
    const before = kaufland.calls.length;
    // Kaufland sends the first unit but its answer is a 500: the worker cannot tell, reads the
    // order back (first unit sent, second still to send) and sends the second unit only.
    kaufland.sendFaults.push('apply-then-500');
    const submitted = await submitAction(w.store, w.account, { marketplaceOrderId: 'MB7UWL7', name: 'ship', data: { tracking_number: 'H1000', carrier: 'Hermes' } });
    expect(submitted.kind).toBe('queued');
    for (let i = 0; i < 4 && (await action(submitted))?.state !== 'succeeded'; i++) await w.worker.runOnce();
    const done = await action(submitted);
    expect(done?.state, JSON.stringify(done?.error)).toBe('succeeded');
    const sends = kaufland.calls.slice(before).filter((c) => c.method === 'PATCH');
    expect(sends.map((c) => [c.url, c.status])).toEqual([
      [`/order-units/${units[0]!.id_order_unit}/send`, 500],
      [`/order-units/${units[1]!.id_order_unit}/send`, 204],
    ]);
    expect(units.map((u) => u.status)).toEqual(['sent', 'sent']);
    expect((await w.store.getOrder('kaufland-shop', 'kaufland', 'MB7UWL7'))!.order.status).toBe('shipped');
  }, 120_000);

  it('a send that fails after another unit went through resumes with the unit left, not past it', async () => {
    kaufland.addOrder({ id_order: 'MB7UWL8', ts_created_iso: ago(900_000), units: [{}, {}] });
    await sync();
    const units = kaufland.orders.get('MB7UWL8')!.units;
    const before = kaufland.calls.length;
    // The first unit is sent (the worker records that step done), the second one's send fails
    // with a 500 and nothing done: read back, the first unit is sent and drops out of the plan
    // (`when`), yet the second keeps its place after it, so the retry sends it.
    kaufland.sendFaults.push('ok', '500');
    const submitted = await submitAction(w.store, w.account, { marketplaceOrderId: 'MB7UWL8', name: 'ship', data: { tracking_number: 'G77', carrier: 'GLS' } });
    expect(submitted.kind).toBe('queued');
    for (let i = 0; i < 4 && (await action(submitted))?.state !== 'succeeded'; i++) await w.worker.runOnce();
    expect((await action(submitted))?.state).toBe('succeeded');
    const sends = kaufland.calls.slice(before).filter((c) => c.method === 'PATCH');
    expect(sends.map((c) => [c.url, c.status])).toEqual([
      [`/order-units/${units[0]!.id_order_unit}/send`, 204],
      [`/order-units/${units[1]!.id_order_unit}/send`, 500],
      [`/order-units/${units[1]!.id_order_unit}/send`, 204],
    ]);
    expect(units.map((u) => u.status)).toEqual(['sent', 'sent']);
    expect((await w.store.getOrder('kaufland-shop', 'kaufland', 'MB7UWL8'))!.order.status).toBe('shipped');
  }, 120_000);

  it('cancels unit by unit with Kaufland\'s reason; a shipped order cannot be cancelled', async () => {
    const before = kaufland.calls.length;
    const submitted = await submitAction(w.store, w.account, { marketplaceOrderId: 'MB7UWL2', name: 'cancel', data: { reason: 'NoInventory' } });
    expect(submitted.kind).toBe('queued');
    expect(await w.worker.runOnce()).toBe(1);
    expect((await action(submitted))?.state).toBe('succeeded');
    const units = kaufland.orders.get('MB7UWL2')!.units;
    const cancels = kaufland.calls.slice(before).filter((c) => c.method === 'PATCH');
    expect(cancels.map((c) => c.url)).toEqual(units.map((u) => `/order-units/${u.id_order_unit}/cancel`));
    for (const c of cancels) expect(JSON.parse(c.body)).toEqual({ reason: 'NoInventory' });
    expect(units.map((u) => [u.status, u.cancel_reason])).toEqual([['cancelled', 'NoInventory'], ['cancelled', 'NoInventory']]);
    expect((await w.store.getOrder('kaufland-shop', 'kaufland', 'MB7UWL2'))!.order.status).toBe('canceled');

    // Refused by the channel before anything is sent.
    const refused = await submitAction(w.store, w.account, { marketplaceOrderId: 'MB7UWL1', name: 'cancel', data: { reason: 'NoInventory' } });
    expect(refused.kind).toBe('denied');
    expect(JSON.stringify(refused)).toContain('ACTION_NOT_ALLOWED_IN_STATUS');
    expect(violations()).toEqual([]);
  }, 120_000);

  it('an order Kaufland sends without offer id nor product is quarantined with its reason; the others are stored; fixed, it is stored', async () => {
    kaufland.addOrder({ id_order: 'MQ00001', ts_created_iso: ago(600_000), units: [{ id_offer: null, product: null }] });
    kaufland.addOrder({ id_order: 'MQ00002', ts_created_iso: ago(600_000), units: [{}] });
    const outcome = await sync();
    expect(outcome.quarantined).toBe(1);
    expect(await w.store.getOrder('kaufland-shop', 'kaufland', 'MQ00002')).toBeDefined();
    expect(await w.store.getOrder('kaufland-shop', 'kaufland', 'MQ00001')).toBeUndefined();
    const held = (await w.store.listQuarantine({ account: 'kaufland-shop' })).items;
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ marketplace_order_id: 'MQ00001', code: 'ORDER_UNMAPPABLE', last_run: outcome.run.id });
    expect(held[0]!.reason).toMatch(/sku/);
    // The record kept is the detail Kaufland answered, not the listing's summary.
    expect(held[0]!.raw).toMatchObject({ id_order: 'MQ00001', order_units: [{ id_offer: null, product: null }] });
    expect((await w.store.listRuns({ account: 'kaufland-shop' }))[0]).toMatchObject({ state: 'succeeded', quarantined: 1 });

    const unit = kaufland.orders.get('MQ00001')!.units[0]!;
    unit.id_offer = 'SKU-BACK';
    unit.ts_updated_iso = new Date().toISOString();
    const again = await sync();
    expect(again.quarantined).toBe(0);
    expect((await w.store.getOrder('kaufland-shop', 'kaufland', 'MQ00001'))?.order.lines[0]?.sku).toBe('SKU-BACK');
    expect((await w.store.listQuarantine({ account: 'kaufland-shop' })).items).toEqual([]);
  }, 120_000);

  it('the carriers are Kaufland\'s own (GET /carriers, signed): a ship is checked against them, the file\'s list the fallback', async () => {
    kaufland.addOrder({ id_order: 'ML00001', ts_created_iso: ago(300_000), units: [{}] });
    await sync();
    const ship = (carrier: string) => submitAction(w.store, w.account, { marketplaceOrderId: 'ML00001', name: 'ship', data: { tracking_number: 'L1', carrier } });
    // Before the list was fetched: the file's values (Fedex is one, Cargo International is not).
    expect((await ship('Cargo International')).kind).toBe('denied');
    const before = kaufland.calls.length;
    const outcomes = await refreshAccountLists({ store: w.store, connector: w.connector, account: w.account, log: silentLogger(), now: () => new Date() });
    expect(outcomes.map((o) => [o.list, o.outcome])).toEqual([['carriers', 'fetched']]);
    expect(kaufland.calls.slice(before).map((c) => [c.url, c.signed, c.status])).toEqual([['/carriers', true, 200]]);
    const stored = await w.store.listReferenceLists({ account: 'kaufland-shop' });
    expect(stored[0]!.values!.map((v) => v.code)).toEqual(['DHL', 'Hermes', 'GLS', 'Cargo International']);
    // Now Kaufland's list decides: Fedex (only in the file) is refused, Cargo International taken.
    const fedex = await ship('Fedex');
    expect(fedex.kind === 'denied' && fedex.validation.errors.map((e) => e.code)).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED']);
    const cargo = await ship('Cargo International');
    expect(cargo.kind).toBe('queued');
    expect(violations()).toEqual([]);
  }, 60_000);

  it('a request off Kaufland\'s contract is refused by Prism, one signed otherwise by Kaufland; neither changes anything', async () => {
    const text = await readFile(path.join(PLATFORMS_DIR, 'kaufland.yaml'), 'utf8');
    kaufland.addOrder({ id_order: 'MX00001', ts_created_iso: ago(60_000), units: [{}] });
    const unit = kaufland.orders.get('MX00001')!.units[0]!;
    const ship = { channel: 'kaufland', account: 'kaufland-shop', marketplace_order_id: 'MX00001', action: 'ship' as const, status: 'waiting_shipment' as const, lines: null, data: { tracking_number: 'T-1', carrier: { code: 'DHL', name: 'DHL', registered: true } }, warnings: [] };
    const variants = [
      // The body says tracking_number where the document says tracking_numbers.
      { text: text.replace('tracking_numbers: ${request.data.tracking_number}', 'tracking_number: ${request.data.tracking_number}'), status: 422 },
      // The path signed instead of the full URL Kaufland signs.
      { text: text.replace('string_to_sign: "${method}\\n${url}\\n', 'string_to_sign: "${method}\\n${path}\\n'), status: 401 },
    ];
    expect(violations()).toEqual([]);
    for (const variant of variants) {
      expect(variant.text).not.toBe(text);
      const broken = createConnector({ account: 'kaufland-shop', channel: w.channel, baseUrl: prism.url, credentials: KAUFLAND_CLIENT }, parsePlatform(variant.text, 'kaufland.yaml'), { budgets: false });
      try {
        const order = (await w.connector.getOrder('MX00001'))!;
        const before = kaufland.calls.length;
        const outcome = await broken.sendAction(ship, order);
        expect(outcome).toMatchObject({ kind: 'rejected', status: variant.status });
        const reached = kaufland.calls.slice(before).filter((c) => c.method === 'PATCH');
        expect(reached.every((c) => c.status === 401)).toBe(true);
        expect(unit.status).toBe('need_to_be_sent');
      } finally {
        await broken.close();
      }
    }
    // The body off the contract is Prism's violation, logged; the bad signature is not its business.
    expect(violations()).toEqual([expect.stringMatching(/patch \/order-units\/\d+\/send .*UNPROCESSABLE_ENTITY/)]);
  }, 60_000);
});

describe('Kaufland from the command line: the keys from the environment, never in a file nor an output', () => {
  let kaufland: KauflandUpstream;
  let prism: Prism;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    kaufland = await startKauflandUpstream();
    prism = await startPrism({ mode: 'proxy', document: SPEC, upstream: kaufland.url });
    kaufland.signedBase = prism.url;
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-kaufland-cli-'));
    config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, `store: orders.sqlite\naccounts:\n  - id: kaufland-de\n    channel: kaufland\n    base_url: ${prism.url}\n    credentials:\n      client_key: { env: KAUFLAND_CLIENT_KEY }\n      secret_key: { env: KAUFLAND_SECRET_KEY }\n`);
    kaufland.addOrder({ id_order: 'MC00001', ts_created_iso: new Date(Date.now() - 3_600_000).toISOString(), units: [{ price: 2490, shipping_rate: 390 }] });
  }, 300_000);
  afterAll(async () => {
    await prism?.close();
    await kaufland?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const since = () => new Date(Date.now() - DAY).toISOString();

  it('orderwire sync signs with the keys of the environment and stores the order', async () => {
    const env = { KAUFLAND_CLIENT_KEY: KAUFLAND_CLIENT.client_key, KAUFLAND_SECRET_KEY: KAUFLAND_CLIENT.secret_key };
    const sync = await runCli(['sync', 'kaufland-de', '--config', config, '--since', since()], { env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(kaufland.calls.length).toBeGreaterThan(0);
    expect(kaufland.calls.every((c) => c.signed)).toBe(true);
    const orders = await runCli(['orders', '--config', config, '--json']);
    expect(orders.code, orders.stderr).toBe(0);
    expect(orders.stdout).toContain('MC00001');
    expect(`${sync.stdout}${sync.stderr}${orders.stdout}`).not.toContain(KAUFLAND_CLIENT.secret_key);
  }, 120_000);

  it('a wrong secret key: Kaufland refuses, the command says so and exits 2, the key in no output', async () => {
    const wrong = 'f'.repeat(64);
    const before = kaufland.calls.length;
    const sync = await runCli(['sync', 'kaufland-de', '--config', config, '--since', since()], { env: { KAUFLAND_CLIENT_KEY: KAUFLAND_CLIENT.client_key, KAUFLAND_SECRET_KEY: wrong } });
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/MARKETPLACE_AUTH_FAILED|401/);
    expect(kaufland.calls.slice(before).every((c) => !c.signed && c.status === 401)).toBe(true);
    expect(`${sync.stdout}${sync.stderr}`).not.toContain(wrong);
    // No key at all: named, before any request.
    const missing = await runCli(['sync', 'kaufland-de', '--config', config, '--since', since()], { env: { KAUFLAND_CLIENT_KEY: KAUFLAND_CLIENT.client_key } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('KAUFLAND_SECRET_KEY');
  }, 120_000);
});
