/**
 * Freshness on the simulator's clock: how long after an order is placed at the marketplace it is
 * in the back office's feed and in a webhook. In its own process, against a Mirakl simulator
 * process whose clock is frozen and moved only from here (POST /_admin/clock):
 *
 * - the simulator creates orders at a steady rate after its start (`newOrdersPerHour`);
 * - the real scheduler's `pollAccount` runs the worten account every poll period, as its timer
 *   would (the next poll a period after the previous one ended);
 * - the real webhook dispatcher ticks every second (its daemon default), again at once while it
 *   finds work, as `WebhookDispatcher.start` does; a loopback receiver records each
 *   `order.created` delivery;
 * - after each poll the back office reads the "new for you" feed through the real API on
 *   loopback (`GET /v1/orders?acknowledged=false`, then PUT each acknowledgement), as an
 *   integration does.
 *
 * Time is virtual: between events the clock jumps (both here and at the simulator); an event's
 * own real duration (the poll, the reads, the deliveries) is added to it, so processing time is
 * counted. The virtual clock starts at the real current time, because webhook deliveries are
 * timestamped by the database's own clock and must be due on the dispatcher's.
 *
 * Counted: the orders the simulator says were placed from the start until one poll period and
 * the safety margin before the end; the run goes on (up to 10 more periods) until each of them is
 * in the feed and at the receiver. Windows end at the poll's now (the safety margin widens the
 * next window's start instead, engine/sync/windows.ts), so an order is listed by the first poll
 * after its last update.
 *
 * Prints one JSON line: per counted order, its feed and webhook latencies (null: never arrived).
 *
 *   ORDERWIRE_BENCH_API_KEY=... npx node bench/workers/freshness.ts --base-url URL --store FILE --start ISO \
 *     --poll-every-ms 60000 --safety-margin-ms 30000 --duration-ms 3600000
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { buildApiServer } from '../../engine/api/server.ts';
import { createToken } from '../../engine/api/tokens.ts';
import { loadChannel } from '../../engine/channel/load.ts';
import { createConnector, loadPlatform } from '../../engine/connector/declarative.ts';
import { silentLogger } from '../../engine/log.ts';
import { openStore } from '../../engine/store/open.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import { Scheduler } from '../../engine/sync/scheduler.ts';
import { DestinationPolicy } from '../../engine/webhooks/destination.ts';
import { WebhookDispatcher } from '../../engine/webhooks/dispatcher.ts';
import { BENCH_ACCOUNT } from '../lib/window.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    store: { type: 'string' },
    start: { type: 'string' },
    'poll-every-ms': { type: 'string' },
    'safety-margin-ms': { type: 'string', default: '30000' },
    'overlap-ms': { type: 'string', default: '120000' },
    'duration-ms': { type: 'string' },
    'dispatch-every-ms': { type: 'string', default: '1000' },
  },
});
const apiKey = process.env.ORDERWIRE_BENCH_API_KEY;
if (!values['base-url'] || !values.store || !values.start || !values['poll-every-ms'] || !values['duration-ms'] || !apiKey) {
  throw new Error('freshness needs --base-url, --store, --start, --poll-every-ms, --duration-ms and ORDERWIRE_BENCH_API_KEY');
}
const baseUrl = values['base-url'];
const pollEveryMs = Number(values['poll-every-ms']);
const safetyMarginMs = Number(values['safety-margin-ms']);
const dispatchEveryMs = Number(values['dispatch-every-ms']);
const start = Date.parse(values.start);
const end = start + Number(values['duration-ms']);
/** Poll periods the run may go on after the end for the counted orders to arrive; then they count as lost. */
const DRAIN_POLLS = 10;

/** The virtual clock: frozen during an event's decisions, moved by jumps and by events' real durations. */
let virtual = start;
let simAt = start;
const now = (): Date => new Date(virtual);
/** Virtual time of something happening inside an event that began at real time `began`. */
const during = (began: number): number => virtual + (performance.now() - began);
async function syncSimulator(): Promise<void> {
  if (virtual <= simAt) return;
  const res = await fetch(`${baseUrl}/_admin/clock`, { method: 'POST', body: JSON.stringify({ advance_ms: virtual - simAt }), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`simulator clock: ${res.status}`);
  simAt = virtual;
}
/** Runs an event at the current virtual time and adds its real duration to the clock. */
async function timed<T>(event: (began: number) => Promise<T>): Promise<T> {
  const began = performance.now();
  const result = await event(began);
  virtual += Math.ceil(performance.now() - began);
  return result;
}

const channel = await loadChannel('worten');
const platform = await loadPlatform(channel.platform);
const store = await openStore(values.store);
await store.migrate();
const account: AccountRuntime = {
  id: BENCH_ACCOUNT,
  channel,
  baseUrl,
  credentials: { api_key: apiKey },
  enabled: true,
  // Every order placed counts, marketplace-fulfilled ones too (the feed hides them otherwise).
  importFulfilledOrders: true,
  pollEveryMs,
  concurrency: 2,
};
const log = silentLogger();
// Budgets off: a poll a minute is within OR11's once-a-minute contract by construction.
const connector = createConnector({ account: account.id, channel, baseUrl, credentials: account.credentials }, platform, { budgets: false });
const scheduler = new Scheduler({
  store,
  accounts: new Map([[account.id, { account, connector }]]),
  log,
  owner: 'freshness',
  leaseMs: 60_000,
  windows: { overlapMs: Number(values['overlap-ms']), safetyMarginMs },
  now,
});

// The back office: the API on loopback, and a webhook receiver.
const api = await buildApiServer(
  { store, channels: new Map([[channel.id, channel]]), accounts: new Map([[account.id, account]]), secretKey: undefined },
  { rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 } },
);
await api.listen({ host: '127.0.0.1', port: 0 });
const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
const { token } = await createToken(store, { name: 'freshness', accounts: [account.id] });
const auth = { authorization: `Bearer ${token}` };

const webhookAt = new Map<string, number>();
let deliveryBegan = 0;
const receiver = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
    const event = JSON.parse(body) as { type: string; data: { marketplace_order_id: string } };
    if (event.type === 'order.created' && !webhookAt.has(event.data.marketplace_order_id)) webhookAt.set(event.data.marketplace_order_id, during(deliveryBegan));
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const dispatcher = new WebhookDispatcher({
  store,
  log,
  owner: 'freshness',
  secretKey: 'f'.repeat(32),
  now,
  policy: new DestinationPolicy({ allowed: ['127.0.0.1'] }),
});

/** Reads the "new for you" feed to its end, acknowledging each order; records when each first shows. */
const feedAt = new Map<string, number>();
async function readFeed(began: number): Promise<void> {
  for (;;) {
    const res = await fetch(`${apiUrl}/v1/orders?acknowledged=false&limit=100`, { headers: auth });
    if (!res.ok) throw new Error(`feed: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: Array<{ id: string; version: number; marketplace_order_id: string; created_at: string }> };
    if (page.items.length === 0) return;
    for (const o of page.items) {
      if (!feedAt.has(o.marketplace_order_id)) {
        feedAt.set(o.marketplace_order_id, during(began));
      }
      const ack = await fetch(`${apiUrl}/v1/orders/${o.id}/acknowledgement`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ reference: `bo-${o.marketplace_order_id}`, version: o.version }),
      });
      if (!ack.ok) throw new Error(`acknowledgement: ${ack.status} ${await ack.text()}`);
    }
  }
}

// The first poll backfills the lookback (history orders; not measured), then the endpoint is
// registered, so only orders placed from now on are delivered.
await syncSimulator();
await timed(async () => {
  await scheduler.pollAccount(account.id);
});
await timed(readFeed);
const backfilled = feedAt.size;
await store.createWebhookEndpoint({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, accounts: [account.id], events: ['order.created'] });

/** The marketplace's own list of the orders placed in [start, until] (OR11 by creation date). */
async function placedBetween(until: number): Promise<Map<string, number>> {
  const placed = new Map<string, number>();
  const iso = (t: number) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  for (let offset = 0; ; offset += 100) {
    const query = new URLSearchParams({ start_date: iso(start), end_date: iso(until), max: '100', paginate: 'true', offset: String(offset) });
    const res = await fetch(`${baseUrl}/api/orders?${query}`, { headers: { authorization: apiKey! } });
    if (!res.ok) throw new Error(`OR11 by creation date: ${res.status}`);
    const page = (await res.json()) as { orders: Array<{ order_id: string; created_date: string }>; total_count: number };
    for (const o of page.orders) placed.set(o.order_id, Date.parse(o.created_date));
    if (offset + 100 >= page.total_count) return placed;
  }
}

let nextPoll = virtual + pollEveryMs;
let nextTick = virtual + dispatchEveryMs;
let polls = 0;
/** Set at the end: the orders placed early enough to count; the loop goes on until each arrived. */
let placed: Map<string, number> | undefined;
const drainUntil = end + DRAIN_POLLS * pollEveryMs;
const arrived = (): boolean => [...placed!.keys()].every((id) => feedAt.has(id) && webhookAt.has(id));
for (;;) {
  const at = Math.min(nextPoll, nextTick);
  if (at >= end && !placed) {
    // Orders placed in the last poll period and margin may not be listable yet: not counted
    // (chosen by creation time, not by outcome, so slow ones are not left out).
    await syncSimulator();
    placed = await placedBetween(end - pollEveryMs - safetyMarginMs);
  }
  if (placed && (arrived() || at >= drainUntil)) break;
  if (nextPoll <= nextTick) {
    virtual = Math.max(virtual, nextPoll);
    await syncSimulator();
    const outcome = await timed(async () => scheduler.pollAccount(account.id));
    if (!outcome) throw new Error(`poll ${polls + 1} at ${now().toISOString()} did not run`);
    polls += 1;
    await timed(readFeed);
    nextPoll = virtual + pollEveryMs;
  } else {
    virtual = Math.max(virtual, nextTick);
    // WebhookDispatcher.start: tick again at once while a tick found work, else after the interval.
    let found: number;
    do {
      found = await timed(async (began) => {
        deliveryBegan = began;
        return dispatcher.runOnce();
      });
    } while (found > 0);
    nextTick = virtual + dispatchEveryMs;
  }
}

const orders = [...placed!.entries()].map(([id, at]) => ({
  id,
  created: at,
  feedMs: feedAt.has(id) ? feedAt.get(id)! - at : null,
  webhookMs: webhookAt.has(id) ? webhookAt.get(id)! - at : null,
}));
await api.close();
receiver.close();
await connector.close();
await store.close();
console.log(JSON.stringify({ polls, backfilled, end: new Date(end).toISOString(), drained_ms: Math.max(0, virtual - end), orders }));
