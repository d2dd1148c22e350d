/**
 * Listing orders from the Octopia simulator over HTTP: paging without a total (the short page
 * ends the list), every filter and sort checked against the full list, determinism by seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctopiaClient } from '../octopia/client.ts';
import { startOctopiaSimulator, type RunningOctopiaSimulator } from '../octopia/index.ts';
import type { ApiOrder } from '../octopia/render.ts';
import { assertValid, octopiaValidators } from '../octopia/schemas.ts';

const v = octopiaValidators();
const START = new Date('2024-05-15T10:00:00Z');
const HOUR = 3_600_000;

let sim: RunningOctopiaSimulator;
let client: OctopiaClient;
let everything: ApiOrder[];

beforeAll(async () => {
  sim = await startOctopiaSimulator({ orders: 250, seed: 8, speed: 0, start: START });
  client = new OctopiaClient(sim);
  everything = await client.listAll<ApiOrder>();
});
afterAll(async () => sim.close());

const ids = (orders: ApiOrder[]) => orders.map((o) => o.orderId);
const t = (iso: string) => Date.parse(iso);

describe('paging', () => {
  it('has no total; full pages then a short last page hold every order once, oldest first', async () => {
    const sizes = [];
    for (let pageIndex = 1; pageIndex <= 4; pageIndex++) {
      const page = await client.get<{ itemsPerPage: number; items: ApiOrder[] }>('/orders', { pageSize: 100, pageIndex });
      assertValid(v.orderList, page.body, 'page');
      expect(page.body.itemsPerPage).toBe(100);
      sizes.push(page.body.items.length);
    }
    expect(sizes).toEqual([100, 100, 50, 0]);
    expect(new Set(ids(everything)).size).toBe(250);
    const created = everything.map((o) => t(o.createdAt));
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('answers an empty page after an exactly full last page', async () => {
    const two = await startOctopiaSimulator({ orders: 200, seed: 8, speed: 0, start: START });
    try {
      const c = new OctopiaClient(two);
      expect((await c.get<{ items: unknown[] }>('/orders', { pageSize: 100, pageIndex: 2 })).body.items).toHaveLength(100);
      expect((await c.get<{ items: unknown[] }>('/orders', { pageSize: 100, pageIndex: 3 })).body.items).toHaveLength(0);
    } finally {
      await two.close();
    }
  });
});

describe('filters', () => {
  it('status takes a comma list', async () => {
    const got = await client.listAll<ApiOrder>({ status: 'Shipped,Delivered' }, 30);
    expect(got.length).toBeGreaterThan(0);
    expect(ids(got)).toEqual(ids(everything.filter((o) => o.status === 'Shipped' || o.status === 'Delivered')));
  });

  it('salesChannelId selects Cdiscount or another Octopia partner; an unknown id gives nothing', async () => {
    const channels = new Set(everything.map((o) => o.salesChannel.id));
    expect(channels.has('CDISCOUNT')).toBe(true);
    expect(channels.size).toBeGreaterThan(1);
    for (const id of channels) expect(ids(await client.listAll<ApiOrder>({ salesChannelId: id }))).toEqual(ids(everything.filter((o) => o.salesChannel.id === id)));
    expect(await client.listAll({ salesChannelId: 'AMAZON' })).toEqual([]);
  });

  it('createdAtMin/Max are inclusive bounds', async () => {
    const a = everything[40] as ApiOrder;
    const b = everything[90] as ApiOrder;
    const got = await client.listAll<ApiOrder>({ createdAtMin: a.createdAt, createdAtMax: b.createdAt });
    expect(ids(got)).toEqual(ids(everything.filter((o) => t(o.createdAt) >= t(a.createdAt) && t(o.createdAt) <= t(b.createdAt))));
    expect(got[0]?.orderId).toBe(a.orderId);
    expect(got.at(-1)?.orderId).toBe(b.orderId);
  });

  it('updatedAtMin/Max select by last change, with time-zone offsets honoured', async () => {
    for (const [fromH, toH] of [[-30, -24], [-2, 0], [-170, -100]] as const) {
      const min = new Date(START.getTime() + fromH * HOUR);
      const max = new Date(START.getTime() + toH * HOUR);
      // The same instants written in +02:00.
      const local = (d: Date) => new Date(d.getTime() + 2 * HOUR).toISOString().replace('Z', '+02:00');
      const got = await client.listAll<ApiOrder>({ updatedAtMin: local(min), updatedAtMax: local(max) });
      const expected = everything.filter((o) => t(o.updatedAt) >= min.getTime() && t(o.updatedAt) <= max.getTime());
      expect(new Set(ids(got))).toEqual(new Set(ids(expected)));
    }
  });

  it('businessOrder finds the one order of that purchase', async () => {
    const o = everything[123] as ApiOrder;
    expect(ids(await client.listAll<ApiOrder>({ businessOrder: o.businessOrder }))).toEqual([o.orderId]);
    expect(await client.listAll({ businessOrder: 'B000000000000XX' })).toEqual([]);
  });
});

describe('sort', () => {
  it('sorts by createdAt or updatedAt, ascending or descending', async () => {
    const byUpdate = await client.listAll<ApiOrder>({ sort: 'asc:updatedAt' });
    const updated = byUpdate.map((o) => t(o.updatedAt));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
    expect(new Set(ids(byUpdate))).toEqual(new Set(ids(everything)));
    expect(ids(await client.listAll<ApiOrder>({ sort: 'desc:updatedAt' }))).toEqual(ids(byUpdate).reverse());
    expect(ids(await client.listAll<ApiOrder>({ sort: 'desc:createdAt' }))).toEqual(ids(everything).reverse());
    expect(ids(await client.listAll<ApiOrder>({ sort: 'createdAt' }))).toEqual(ids(everything));
  });
});

describe('determinism', () => {
  it('the same seed and start give the same orders; another seed gives others', async () => {
    const again = await startOctopiaSimulator({ orders: 250, seed: 8, speed: 0, start: START });
    const other = await startOctopiaSimulator({ orders: 250, seed: 9, speed: 0, start: START });
    try {
      expect(await new OctopiaClient(again).listAll<ApiOrder>()).toEqual(everything);
      const others = await new OctopiaClient(other).listAll<ApiOrder>();
      expect(others).toHaveLength(250);
      expect(ids(others).filter((id) => ids(everything).includes(id))).toEqual([]);
    } finally {
      await again.close();
      await other.close();
    }
  });
});
