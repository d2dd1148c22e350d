/**
 * Mirakl simulator listing throughput: orders served per second by OR11 in pages of 100, so we
 * know the simulator is never a benchmark's bottleneck. The simulator runs in its own process
 * (as a marketplace would); this process drives it with `--connections` parallel fetch loops:
 *  - scan:   pages at random offsets over the whole history, no filter;
 *  - state:  order_state_codes=SHIPPED,RECEIVED at random offsets;
 *  - update: an incremental poll, start_update_date=<now - 15 min>, pages from the start.
 *
 *   npx node bench/simulator-mirakl.ts [--orders 1000000] [--seconds 5] [--connections 1,8]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1,8' },
  },
});
const orders = Number(values.orders);
const seconds = Number(values.seconds);
const connections = String(values.connections).split(',').map(Number);

const START = '2025-03-10T12:00:00Z';
const child = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { startMiraklSimulator } from ${JSON.stringify(import.meta.resolve('@orderwire/simulators'))};
     const sim = await startMiraklSimulator({ orders: ${orders}, seed: 1, speed: 0, start: new Date(${JSON.stringify(START)}), historyDays: 30 });
     console.log(JSON.stringify({ baseUrl: sim.baseUrl, apiKey: sim.credentials.apiKey }));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
const { baseUrl, apiKey } = JSON.parse(first) as { baseUrl: string; apiKey: string };

async function total(query: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/orders?max=1&${query}`, { headers: { authorization: apiKey } });
  return ((await res.json()) as { total_count: number }).total_count;
}

interface Scenario {
  name: string;
  query: string;
  randomOffset: boolean;
}
const since = new Date(Date.parse(START) - 15 * 60_000).toISOString();
const scenarios: Scenario[] = [
  { name: 'scan', query: '', randomOffset: true },
  { name: 'state', query: 'order_state_codes=SHIPPED,RECEIVED', randomOffset: true },
  { name: 'update', query: `start_update_date=${since}`, randomOffset: false },
];

async function run(s: Scenario, conns: number): Promise<{ ordersPerSecond: number; p50: number; p99: number; errors: number }> {
  const count = await total(s.query);
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let served = 0;
  let errors = 0;
  let page = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const offset = s.randomOffset ? Math.floor(Math.random() * Math.max(1, count - 100)) : (page++ % Math.max(1, Math.ceil(count / 100))) * 100;
      const t0 = performance.now();
      const res = await fetch(`${baseUrl}/api/orders?max=100&offset=${offset}&${s.query}`, { headers: { authorization: apiKey } });
      const body = (await res.json()) as { orders?: unknown[] };
      latencies.push(performance.now() - t0);
      if (res.status !== 200 || !body.orders) errors++;
      else served += body.orders.length;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: conns }, loop));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10;
  return { ordersPerSecond: Math.round(served / elapsed), p50: pct(0.5), p99: pct(0.99), errors };
}

console.log(`Mirakl simulator, ${orders.toLocaleString('en')} generated orders, pages of 100, ${seconds}s per run`);
try {
  for (const s of scenarios) {
    for (const conns of connections) {
      const r = await run(s, conns);
      console.log(`${s.name.padEnd(7)} connections=${String(conns).padEnd(3)} ${String(r.ordersPerSecond).padStart(8)} orders/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}`);
    }
  }
} finally {
  child.kill();
}
