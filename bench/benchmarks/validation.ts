/**
 * Issue 8 part 3: action validation on one core, through bench/validation.ts (kept runnable on
 * its own) in a fresh process per run: validations/s and p99 latency over a realistic mix.
 */
import { benchScript, runJsonScript } from '../lib/child.ts';
import type { Benchmark, Size } from '../lib/types.ts';

const COUNT: Record<Size, number> = { quick: 5_000, default: 40_000, full: 40_000 };

interface ValidationOutput {
  runs: Array<{ perSecond: number; p50Us: number; p99Us: number; maxUs: number }>;
}

export const validation: Benchmark = {
  name: 'validation',
  title: 'Action validation on one core',
  description: 'bench/validation.ts: a weighted mix of accept/refuse/ship/refund/cancel over both channels, awaited one after the other after a warm-up.',
  figures: [
    { key: 'validations_per_s', label: 'validations', unit: '/s', target: { op: '>=', value: 50_000 } },
    { key: 'p50_us', label: 'p50 latency', unit: 'µs' },
    { key: 'p99_us', label: 'p99 latency', unit: 'µs', target: { op: '<=', value: 100 } },
  ],
  parameters: (size, orders) => ({ validations_per_run: orders ?? COUNT[size] }),
  async run(ctx) {
    const count = ctx.orders ?? COUNT[ctx.size];
    const out = await runJsonScript<ValidationOutput>(benchScript('validation.ts'), ['--runs', '1', '--count', String(count), '--json']);
    const r = out.runs[0];
    if (!r) throw new Error('bench/validation.ts reported no run');
    return { values: { validations_per_s: r.perSecond, p50_us: r.p50Us, p99_us: r.p99Us }, details: { max_us: r.maxUs } };
  },
};
