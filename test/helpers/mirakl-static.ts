/**
 * Real-shaped Mirakl data served as it is, poison and all: `realShapedMiraklOrders` takes orders
 * from the Mirakl simulator's OR11 (whose every response is checked against Mirakl's OpenAPI),
 * and `startStaticMirakl` serves any list of raw orders as OR11 does (update-date window, offset
 * paging, total_count), so a test can plant the odd record among good ones.
 */
import Fastify from 'fastify';
import { startSimulator } from '@orderwire/simulators';

export type RawOrder = Record<string, unknown>;

export const STATIC_API_KEY = 'static-mirakl-key';

/** `count` orders of the Mirakl simulator (seeded), as its OR11 renders them, with the time the simulator stood at. */
export async function realShapedMiraklOrders(count: number, seed = 12): Promise<{ orders: RawOrder[]; now: Date }> {
  const sim = await startSimulator('mirakl', { orders: count, seed, speed: 0, historyDays: 3 });
  try {
    const res = await fetch(`${sim.baseUrl}/api/orders?paginate=false`, { headers: { authorization: sim.credentials.apiKey ?? '' } });
    const body = (await res.json()) as { orders: RawOrder[] };
    return { orders: body.orders, now: sim.clock.nowDate() };
  } finally {
    await sim.close();
  }
}

export interface StaticMirakl {
  baseUrl: string;
  /** Every OR11 query received. */
  queries: Array<Record<string, string>>;
  close(): Promise<void>;
}

/** OR11 over `orders()` (read on every request): records whose update date does not parse are always listed. */
export async function startStaticMirakl(orders: () => readonly RawOrder[]): Promise<StaticMirakl> {
  const app = Fastify({ forceCloseConnections: true });
  const queries: Array<Record<string, string>> = [];
  app.get('/api/orders', async (req, reply) => {
    if (req.headers.authorization !== STATIC_API_KEY) return reply.code(401).send({ status: 401, message: 'Unauthorized' });
    const q = req.query as Record<string, string>;
    queries.push(q);
    const from = q.start_update_date ? Date.parse(q.start_update_date) : -Infinity;
    const to = q.end_update_date ? Date.parse(q.end_update_date) : Infinity;
    const ids = q.order_ids?.split(',');
    const list = orders().filter((o) => {
      if (ids) return ids.includes(String(o.order_id));
      const updated = typeof o.last_updated_date === 'string' ? Date.parse(o.last_updated_date) : Number.NaN;
      return Number.isNaN(updated) || (updated >= from && updated <= to);
    });
    const offset = Number(q.offset ?? 0);
    const max = Number(q.max ?? 10);
    return { orders: list.slice(offset, offset + max), total_count: list.length };
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl, queries, close: () => app.close() };
}
