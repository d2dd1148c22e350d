/**
 * Mirakl's multiple shipments on the simulator: ST01 creates parcels of some units of some lines,
 * each with its tracking, answering 201 with per-shipment successes and errors; ST11 lists them;
 * the order is SHIPPED once every open unit is in a shipped shipment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiraklSimulator } from '../mirakl/index.ts';
import type { RunningMiraklSimulator } from '../mirakl/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: RunningMiraklSimulator;
beforeAll(async () => {
  sim = await startMiraklSimulator({ orders: 0, seed: 5, speed: 0, start: new Date('2025-03-10T12:00:00Z') });
});
afterAll(async () => {
  await sim.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: sim.credentials.apiKey as string, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function order(state: string): Promise<string> {
  const res = await fetch(`${sim.baseUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lines: 2, quantity: 3, state }) });
  const created = (await res.json()) as Json;
  return (created.order_id ?? created.order?.order_id ?? created.id) as string;
}

const read = async (id: string) => (await api('GET', `/api/orders?order_ids=${id}`)).json.orders[0] as Json;
const ups = (n: string) => ({ carrier_code: 'UPS', tracking_number: n });

describe('ST01 and ST11', () => {
  it('ships an order in two parcels: some units first (still SHIPPING), the rest later (SHIPPED); ST11 lists both', async () => {
    const id = await order('SHIPPING');
    const first = await api('POST', '/api/shipments', { shipments: [{ order_id: id, shipped: true, tracking: ups('1Z1'), shipment_lines: [{ order_line_id: `${id}-1`, quantity: 2 }] }] });
    expect(first.status).toBe(201);
    expect(first.json.shipment_errors).toEqual([]);
    expect(first.json.shipment_success).toMatchObject([{ order_id: id, status: 'SHIPPED', shipment_lines: [{ order_line_id: `${id}-1`, quantity: 2 }], tracking: { carrier_code: 'UPS', tracking_number: '1Z1' } }]);
    expect((await read(id)).order_state).toBe('SHIPPING');

    const rest = await api('POST', '/api/shipments', { shipments: [{ order_id: id, shipped: true, tracking: { carrier_name: 'Own van', tracking_url: 'https://van.example/t/2' }, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }, { order_line_id: `${id}-2`, quantity: 3 }] }] });
    expect(rest.json.shipment_errors).toEqual([]);
    const after = await read(id);
    expect(after.order_state).toBe('SHIPPED');
    expect(after.order_lines.map((l: Json) => l.order_line_state)).toEqual(['SHIPPED', 'SHIPPED']);

    const listed = await api('GET', `/api/shipments?order_id=${id}&limit=1`);
    expect(listed.json.data).toHaveLength(1);
    expect(listed.json.next_page_token).toEqual(expect.any(String));
    const page2 = await api('GET', `/api/shipments?order_id=${id}&limit=1&page_token=${listed.json.next_page_token}`);
    expect(page2.json).toMatchObject({ data: [{ tracking: { carrier_name: 'Own van' } }], next_page_token: null });
  });

  it('refuses more units than a line has left, an unknown line, an order not in SHIPPING: per shipment, in a 201', async () => {
    const id = await order('SHIPPING');
    const waiting = await order('WAITING_ACCEPTANCE');
    const res = await api('POST', '/api/shipments', {
      shipments: [
        { order_id: id, shipped: true, tracking: ups('A'), shipment_lines: [{ order_line_id: `${id}-1`, quantity: 4 }] },
        { order_id: id, shipped: true, tracking: ups('B'), shipment_lines: [{ order_line_id: `${id}-9`, quantity: 1 }] },
        { order_id: waiting, shipped: true, tracking: ups('C'), shipment_lines: [{ order_line_id: `${waiting}-1`, quantity: 1 }] },
        { order_id: id, shipped: true, tracking: ups('D'), shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }] },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.json.shipment_errors).toEqual([
      { order_id: id, message: expect.stringMatching(/^Shipment quantity is invalid\. Order line .*-1 has 3 unit\(s\) left to ship, 4 asked\.$/) },
      { order_id: id, message: expect.stringContaining('does not belong to order') },
      { order_id: waiting, message: "The order status must be 'SHIPPING' but it is 'WAITING_ACCEPTANCE'." },
    ]);
    expect(res.json.shipment_success).toHaveLength(1);
    expect((await api('GET', `/api/shipments?order_id=${id}`)).json.data).toHaveLength(1);
  });
});
