/**
 * The Mirakl simulator as its own process, so its CPU is not counted against the engine (as a
 * real marketplace would not be). Started by bench/lib/simulator-handle.ts with its options as one
 * JSON argument; prints one JSON line {baseUrl, apiKey, now} once listening, then answers
 * "usage" lines on stdin with its CPU time and peak RSS. Exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { startSimulator } from '@orderwire/simulators';

interface SimulatorProcessOptions {
  orders: number;
  seed: number;
  historyDays: number;
  start: string;
  /** Orders placed after the start, per simulated hour (freshness); default none. */
  newOrdersPerHour?: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as SimulatorProcessOptions;
// speed 0: simulated time is frozen, so only the benchmark moves it (POST /_admin/clock).
const sim = await startSimulator('mirakl', { orders: opts.orders, seed: opts.seed, historyDays: opts.historyDays, start: new Date(opts.start), speed: 0, ...(opts.newOrdersPerHour !== undefined && { newOrdersPerHour: opts.newOrdersPerHour }) });
console.log(JSON.stringify({ baseUrl: sim.baseUrl, apiKey: sim.credentials.apiKey, now: sim.clock.nowDate().toISOString() }));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'usage') return;
  const u = process.resourceUsage();
  console.log(JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
});
lines.on('close', () => {
  void sim.close().then(() => process.exit(0));
});
