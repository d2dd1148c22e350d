/**
 * The SQLite store's write path alone, through bench/store-commit.ts (kept runnable on its own)
 * in a fresh process per run: generated orders committed in pages of 100 as new, unchanged and
 * updated. Not part of the default run (it isolates one engine stage; first-sync covers it).
 */
import { benchScript, runJsonScript } from '../lib/child.ts';
import type { Benchmark, Size } from '../lib/types.ts';

const ORDERS: Record<Size, number> = { quick: 5_000, default: 100_000, full: 100_000 };

interface StoreCommitOutput {
  passes: Array<{ store: string; pass: string; perSecond: number; p99: number }>;
}

export const storeCommit: Benchmark = {
  name: 'store-commit',
  title: 'SQLite store commit throughput (pages of 100)',
  description: 'bench/store-commit.ts on SQLite: new, unchanged and updated orders committed page by page (generation and hashing included).',
  inDefaultRun: false,
  figures: [
    { key: 'new_per_s', label: 'new orders', unit: 'orders/s' },
    { key: 'unchanged_per_s', label: 'unchanged orders', unit: 'orders/s' },
    { key: 'update_per_s', label: 'updated orders', unit: 'orders/s' },
    { key: 'new_page_p99_ms', label: 'page of new orders, p99', unit: 'ms', decimals: 2 },
  ],
  parameters: (size, orders) => ({ orders: orders ?? ORDERS[size], page_size: 100 }),
  async run(ctx) {
    const orders = ctx.orders ?? ORDERS[ctx.size];
    // --pg= keeps it on SQLite: the PostgreSQL store is issue 8 part 6's benchmark.
    const out = await runJsonScript<StoreCommitOutput>(benchScript('store-commit.ts'), ['--orders', String(orders), '--pg=', '--json']);
    const pass = (name: string) => {
      const p = out.passes.find((x) => x.store === 'sqlite' && x.pass === name);
      if (!p) throw new Error(`bench/store-commit.ts reported no sqlite ${name} pass`);
      return p;
    };
    return {
      values: { new_per_s: pass('new').perSecond, unchanged_per_s: pass('unchanged').perSecond, update_per_s: pass('update').perSecond, new_page_p99_ms: pass('new').p99 },
    };
  },
};
