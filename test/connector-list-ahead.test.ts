/**
 * The listing asks for the next page before it maps the page it has (engine/connector/listing.ts),
 * so the marketplace prepares it meanwhile; a page that shows a gap drops that request (counted,
 * never used) and reads again from further back. The real Mirakl platform (offset_total paging,
 * one record of overlap) and paginator, with a recording client and normalizer.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import type { OrderPage } from '../engine/connector/connector.ts';
import { loadPlatform } from '../engine/connector/declarative.ts';
import { HttpClient, type Exchange, type HttpRequest } from '../engine/connector/http/client.ts';
import { AccountLimiter } from '../engine/connector/http/limiter.ts';
import { listWindow } from '../engine/connector/listing.ts';
import type { Normalize } from '../engine/connector/normalize.ts';
import { createPaginator } from '../engine/connector/paginate/index.ts';
import type { Platform } from '../engine/connector/platform/model.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { testServers } from './helpers/http-server.ts';

const WINDOW = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z'), kind: 'incremental' as const };

let channel: Channel;
let platform: Platform;
beforeAll(async () => {
  channel = await loadChannel('worten');
  platform = await loadPlatform(channel.platform);
});

const servers = testServers();
afterEach(() => servers.close());

/** A marketplace list served by offset: `pages(offset)` gives the order ids at that offset. */
function world(at: (offset: number, max: number) => string[], total: number) {
  const requests: number[] = [];
  const events: string[] = [];
  const client = {
    async send(request: HttpRequest): Promise<Exchange> {
      const offset = Number(request.query?.offset);
      requests.push(offset);
      events.push(`request ${offset}`);
      const ids = at(offset, Number(request.query?.max));
      return { final: 'success', status: 200, attempts: 1, message: 'ok', body: { orders: ids.map((order_id) => ({ order_id })), total_count: total } };
    },
  } as unknown as HttpClient;
  const normalize: Normalize = (record) => {
    const id = (record as { order_id: string }).order_id;
    events.push(`map ${id}`);
    return { order: { marketplace_order_id: id } as NormalizedOrder };
  };
  const paginator = createPaginator(platform.spec.list_orders.pagination);
  const deps = { platform, client, paginator, normalize, baseUrl: 'http://127.0.0.1:1', channel };
  return { deps, requests, events };
}

const ids = (from: number, to: number): string[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => `o${from + i}`);

describe('listing one page ahead', () => {
  it('asks for the next page before mapping the one it has, and hands every order over once', async () => {
    // 250 orders in pages of 100 with one of overlap: offsets 0, 99, 198.
    const { deps, requests, events } = world((offset, max) => ids(offset, Math.min(250, offset + max)), 250);
    const pages: OrderPage[] = [];
    const result = await listWindow(deps, WINDOW, async (page) => void pages.push(page));
    expect(requests).toEqual([0, 99, 198]);
    expect(result).toMatchObject({ pages: 3, requests: 3, distinct: 250, total: 250 });
    expect(result.unstable).toBeUndefined();
    expect(pages.flatMap((p) => p.orders.map((o) => o.marketplace_order_id))).toEqual(ids(0, 250));
    // Page 2 was asked before any order of page 1 was mapped; page 3 before page 2's.
    expect(events.indexOf('request 99')).toBeLessThan(events.indexOf('map o0'));
    expect(events.indexOf('request 198')).toBeLessThan(events.indexOf('map o100'));
  });

  it('drops the page asked ahead when the page it has shows a gap, counts it, and reads from further back', async () => {
    // The first read at offset 99 comes after the list moved: it shares no order with page 1.
    let moved = true;
    const { deps, requests } = world((offset, max) => {
      if (offset === 99 && moved) {
        moved = false;
        return ids(1000, 1100);
      }
      return ids(offset, Math.min(250, offset + max));
    }, 250);
    const pages: OrderPage[] = [];
    const result = await listWindow(deps, WINDOW, async (page) => void pages.push(page));
    // 0; 99 (the gap) with 198 asked ahead of it; then 74 (a quarter page back) and 173, the last.
    expect(requests).toEqual([0, 99, 198, 74, 173]);
    expect(result.requests).toBe(requests.length);
    expect(result.backSteps).toBe(1);
    const listed = pages.flatMap((p) => p.orders.map((o) => o.marketplace_order_id));
    // Every order of the list once; the moved page's orders were handed over as read, the page asked ahead never.
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.filter((id) => Number(id.slice(1)) < 250).sort()).toEqual(ids(0, 250).sort());
  });

  it('puts the page asked ahead on the wire before mapping the page it has (the real client, over HTTP)', async () => {
    const base = await servers.serve((app) =>
      app.get('/api/orders', async (req) => {
        const { offset, max } = req.query as { offset: string; max: string };
        return { orders: ids(Number(offset), Math.min(250, Number(offset) + Number(max))).map((order_id) => ({ order_id })), total_count: 250 };
      }),
    );
    const client = new HttpClient({ limiter: new AccountLimiter({ concurrency: 2 }), redact: (text) => text });
    const { deps, events } = world(() => [], 250);
    // Node publishes http.client.request.start once a request's headers are handed to its socket.
    const onWire = (message: unknown): void => void events.push(`wire ${new URL((message as { request: ClientRequest }).request.path, base).searchParams.get('offset')}`);
    subscribe('http.client.request.start', onWire);
    try {
      const result = await listWindow({ ...deps, client, baseUrl: base }, WINDOW, async () => undefined);
      expect(result).toMatchObject({ pages: 3, requests: 3, distinct: 250 });
    } finally {
      unsubscribe('http.client.request.start', onWire);
      await client.close();
    }
    // Without a turn of the event loop after asking, the request left only once the page was mapped.
    expect(events.indexOf('wire 99')).toBeGreaterThan(-1);
    expect(events.indexOf('wire 99')).toBeLessThan(events.indexOf('map o0'));
    expect(events.indexOf('wire 198')).toBeLessThan(events.indexOf('map o100'));
  });
});
