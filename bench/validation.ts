/**
 * Action validation throughput and latency: `npx node bench/validation.ts [--runs 5] [--count 40000] [--json]`.
 *
 * One process, validations awaited one after the other (one core), over a realistic mix: both
 * channels, allowed and denied actions, all five action names, line selections, a custom rule.
 * Prints validations per second and p50/p99 latency as the median of the runs with min and max.
 * Target on the 2-core reference machine (issue 18): >= 50,000 validations/s, p99 <= 100 µs.
 * --json prints only one JSON line (the per-run figures): `npm run bench -- validation` uses it.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { syntheticOrder, type SyntheticLine } from '../engine/order/synthetic.ts';
import { compiledEngineCount, validateAction, type ActionInput } from '../engine/rules/index.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, count: { type: 'string', default: '40000' }, json: { type: 'boolean', default: false } } });
const RUNS = Number(args.runs);
const COUNT = Number(args.count);
const print = args.json ? () => {} : (line: string) => console.log(line);

interface MixEntry {
  channel: Channel;
  order: NormalizedOrder;
  action: ActionInput;
  allowed: boolean;
}

const cdiscount = await loadChannel('cdiscount');
const worten = await loadChannel('worten');

function order(channel: Channel, status: string, lines?: SyntheticLine[], patch: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return { ...syntheticOrder(channel, status, lines ? { lines } : {}), ...patch };
}

const threeLines = [{ id: '1' }, { id: '2' }, { id: '3' }];
/** Weighted like a seller's day: mostly accepts and shipments, some refunds, some mistakes. */
const mix: Array<[weight: number, entry: MixEntry]> = [
  [4, { channel: worten, order: order(worten, 'WAITING_ACCEPTANCE', threeLines), action: { name: 'accept' }, allowed: true }],
  [2, { channel: worten, order: order(worten, 'WAITING_ACCEPTANCE', threeLines), action: { name: 'accept', lines: ['1', '3'], data: { shipping_from_country: 'ES' } }, allowed: true }],
  [1, { channel: worten, order: order(worten, 'WAITING_ACCEPTANCE'), action: { name: 'refuse' }, allowed: true }],
  [4, { channel: worten, order: order(worten, 'SHIPPING'), action: { name: 'ship', data: { tracking_number: '1Z999AA10123456784', carrier: 'UPS' } }, allowed: true }],
  [2, { channel: worten, order: order(worten, 'SHIPPING'), action: { name: 'ship', data: { tracking_number: 'RR123456785PT', carrier: 'CTT Expresso', tracking_url: 'https://www.ctt.pt/track?o=RR123456785PT' } }, allowed: true }],
  [1, { channel: worten, order: order(worten, 'SHIPPING'), action: { name: 'ship', data: { tracking_number: '1Z9', carrier: 'dhl', tracking_url: 'https://example.com/t/1Z9' } }, allowed: true }],
  [2, { channel: worten, order: order(worten, 'SHIPPED', threeLines), action: { name: 'refund', data: { reason: '16', refund_shipping: true }, lines: ['2'] }, allowed: true }],
  [1, { channel: worten, order: order(worten, 'SHIPPED'), action: { name: 'refund', data: { refund_reason: '16' } }, allowed: false }],
  [1, { channel: worten, order: order(worten, 'SHIPPING'), action: { name: 'refund', data: { reason: '15' } }, allowed: false }],
  [3, { channel: cdiscount, order: order(cdiscount, 'WaitingAcceptance'), action: { name: 'accept' }, allowed: true }],
  [1, { channel: cdiscount, order: order(cdiscount, 'WaitingAcceptance'), action: { name: 'refuse' }, allowed: true }],
  [4, { channel: cdiscount, order: order(cdiscount, 'InPreparation'), action: { name: 'ship', data: { tracking_number: '8R000000001', carrier: 'Colissimo' } }, allowed: true }],
  [1, { channel: cdiscount, order: order(cdiscount, 'InPreparation'), action: { name: 'ship', data: { tracking_number: '8R000000001', carrier: 'Speedy Parcels' } }, allowed: false }],
  [1, { channel: cdiscount, order: order(cdiscount, 'InPreparation', undefined, { delivered_by_marketplace: true, fulfillment_code: 'MKPFBC' }), action: { name: 'ship', data: { tracking_number: '8R1', carrier: 'UPS' } }, allowed: false }],
  [1, { channel: cdiscount, order: order(cdiscount, 'Accepted'), action: { name: 'refund', data: { reason: 'ProductStockUnavailable' } }, allowed: true }],
  [1, { channel: cdiscount, order: order(cdiscount, 'InPreparation'), action: { name: 'refund', data: { reason: 'ClientCancellation' } }, allowed: false }],
  [2, { channel: cdiscount, order: order(cdiscount, 'Delivered'), action: { name: 'refund', data: { refund_reason: 'ClientRetraction' } }, allowed: true }],
  [1, { channel: cdiscount, order: order(cdiscount, 'Accepted'), action: { name: 'cancel' }, allowed: false }],
];
const sequence: MixEntry[] = mix.flatMap(([weight, entry]) => Array.from({ length: weight }, () => entry));

// The mix must say what it claims: check each entry's verdict once.
for (const entry of sequence) {
  const result = await validateAction(entry.channel, entry.order, entry.action);
  if (result.allowed !== entry.allowed) throw new Error(`bench mix is wrong: ${entry.channel.id} ${entry.action.name} ${JSON.stringify(result.errors)}`);
}

interface RunResult {
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(count: number): Promise<RunResult> {
  const latencies = new Float64Array(count);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const entry = sequence[i % sequence.length]!;
    const t0 = process.hrtime.bigint();
    await validateAction(entry.channel, entry.order, entry.action);
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort();
  return { perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[count - 1]! };
}

function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

const cpus = os.cpus();
print(`node ${process.version}, ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} logical CPUs; this benchmark uses one)`);
print(`mix: ${sequence.length} validations per cycle over ${mix.length} cases, ${sequence.filter((e) => e.allowed).length} allowed; ${RUNS} runs of ${COUNT}`);
await run(Math.min(COUNT, 20_000)); // warm-up: JIT and caches

const results: RunResult[] = [];
for (let r = 0; r < RUNS; r++) {
  const result = await run(COUNT);
  results.push(result);
  print(`  run ${r + 1}: ${Math.round(result.perSecond).toLocaleString('en')} validations/s, p50 ${(result.p50 * 1000).toFixed(0)} µs, p99 ${(result.p99 * 1000).toFixed(0)} µs, max ${result.max.toFixed(2)} ms`);
}
const rate = stats(results.map((r) => r.perSecond));
const p99 = stats(results.map((r) => r.p99 * 1000));
print(`validations/s: median ${Math.round(rate.median).toLocaleString('en')} (min ${Math.round(rate.min).toLocaleString('en')}, max ${Math.round(rate.max).toLocaleString('en')})  target >= 50,000`);
print(`p99 latency:   median ${p99.median.toFixed(0)} µs (min ${p99.min.toFixed(0)}, max ${p99.max.toFixed(0)})  target <= 100 µs`);
print(`engines compiled: ${compiledEngineCount()} (one per channel)`);
if (args.json) {
  console.log(JSON.stringify({ count: COUNT, runs: results.map((r) => ({ perSecond: r.perSecond, p50Us: r.p50 * 1000, p99Us: r.p99 * 1000, maxUs: r.max * 1000 })) }));
}
