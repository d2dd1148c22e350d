/**
 * A million generated orders in bounded memory: orders are derived from (seed, index) on demand,
 * so starting the simulator, paging to the end, reading one order, filtering by update date and
 * by status keep the heap small. No timing is asserted (see bench/simulator-octopia.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { OctopiaClient } from '../octopia/client.ts';
import { startOctopiaSimulator } from '../octopia/index.ts';
import type { ApiOrder } from '../octopia/render.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

describe('Octopia simulator with 1,000,000 orders', () => {
  it('serves the first, a deep and the last page, one order and filtered lists in bounded memory', async () => {
    const before = heapMb();
    const sim = await startOctopiaSimulator({ orders: 1_000_000, seed: 2, speed: 0, start: new Date('2024-05-15T10:00:00Z') });
    try {
      const client = new OctopiaClient(sim);
      const page = async (query: Record<string, string | number>) => (await client.get<{ items: ApiOrder[] }>('/orders', query)).body.items;
      expect(await page({ pageSize: 100 })).toHaveLength(100);
      const deep = await page({ pageSize: 100, pageIndex: 6543 });
      expect(deep).toHaveLength(100);
      expect(await page({ pageSize: 100, pageIndex: 10_000 })).toHaveLength(100);
      expect(await page({ pageSize: 100, pageIndex: 10_001 })).toHaveLength(0);
      const one = deep[21] as ApiOrder;
      expect((await client.get<ApiOrder>(`/orders/${one.orderId}`)).body).toEqual(one);

      const now = sim.clock.now();
      const recent = await client.listAll<ApiOrder>({ updatedAtMin: new Date(now - 3 * 60_000).toISOString(), sort: 'asc:updatedAt' });
      expect(recent.length).toBeGreaterThan(0);
      for (const o of recent) expect(Date.parse(o.updatedAt)).toBeGreaterThanOrEqual(now - 3 * 60_000);
      const waiting = await page({ pageSize: 100, status: 'WaitingAcceptance' });
      expect(waiting.length).toBe(100);
      expect(waiting.every((o) => o.status === 'WaitingAcceptance')).toBe(true);
      // An action on one order is stored; the other 999,999 stay derived.
      expect((await client.post(`/orders/${(waiting[0] as ApiOrder).orderId}/approval-status`, { approval_status: 'Accepted' })).status).toBe(200);
      expect(sim.book.recordCount).toBe(1);

      const grown = heapMb() - before;
      // Storing the orders would take gigabytes (about 2 KB of JSON each); the simulator keeps
      // only cached index lists (a few bytes per matching order) and the call log.
      expect(grown).toBeLessThan(64);
    } finally {
      await sim.close();
    }
  });
});
