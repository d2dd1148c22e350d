/**
 * OR28 on generated orders: they are rebuilt from (seed, index) on every read until an action
 * stores them, so every refund of one call must land on the one stored order (a refund of
 * several lines used to keep only the last line's refund, although the answer listed them all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiraklSimulator } from '../mirakl/index.ts';
import type { RunningMiraklSimulator } from '../mirakl/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: RunningMiraklSimulator;
beforeAll(async () => {
  sim = await startMiraklSimulator({ orders: 300, seed: 21, speed: 0, start: new Date('2025-03-10T12:00:00Z') });
});
afterAll(async () => {
  await sim.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json | undefined }> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: sim.credentials.apiKey as string, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as Json) };
}
const list = async (query: string) => (await api('GET', `/api/orders?${query}`)).json as { orders: Json[]; total_count: number };
const one = async (id: string) => (await list(`order_ids=${id}`)).orders[0] as Json;

describe('refunds of generated orders', () => {
  it('a refund of several lines of a generated order keeps every line\'s refund (the answer and the order agree)', async () => {
    // Generated orders are rebuilt on every read until an action stores them: the lines of one
    // call must all land on the one stored order.
    const shipped = (await list('order_state_codes=SHIPPED,TO_COLLECT,RECEIVED&paginate=false')).orders.find((o) => o.order_lines.length >= 2 && o.order_id.startsWith('SIM0') && o.order_lines.every((l: Json) => l.can_refund && l.refunds.length === 0));
    expect(shipped, 'a generated shipped order with several lines').toBeDefined();
    const o = shipped as Json;
    const refunds = o.order_lines.map((l: Json) => ({
      order_line_id: l.order_line_id,
      amount: l.price,
      shipping_amount: 0,
      quantity: l.quantity,
      reason_code: '15',
      taxes: (l.taxes ?? []).map((t: Json) => ({ code: t.code, amount: 0 })),
      shipping_taxes: (l.shipping_taxes ?? []).map((t: Json) => ({ code: t.code, amount: 0 })),
    }));
    const res = await api('PUT', '/api/orders/refund', { refunds });
    expect(res.status).toBe(200);
    expect(res.json?.refunds).toHaveLength(o.order_lines.length);
    const after = await one(o.order_id);
    expect(after.order_lines.map((l: Json) => l.refunds.map((r: Json) => [r.amount, r.quantity]))).toEqual(o.order_lines.map((l: Json) => [[l.price, l.quantity]]));
    // Stored once: the order is listed once.
    expect((await list(`order_ids=${o.order_id}`)).total_count).toBe(1);
  });
});
