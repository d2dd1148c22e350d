/**
 * The listing lets go of each page once it is handed over (engine/connector/listing.ts): while it
 * waits for the next page, the records, the parsed body and the normalized orders of the page
 * before are unreachable, so they die young instead of being promoted with the next page's parse.
 * Checked with weak references and a full collection while the next page is held back.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { loadPlatform } from '../engine/connector/declarative.ts';
import type { Exchange, HttpClient, HttpRequest } from '../engine/connector/http/client.ts';
import { listWindow } from '../engine/connector/listing.ts';
import type { Normalize } from '../engine/connector/normalize.ts';
import { createPaginator } from '../engine/connector/paginate/index.ts';
import type { Platform } from '../engine/connector/platform/model.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';

const WINDOW = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z'), kind: 'incremental' as const };

let channel: Channel;
let platform: Platform;
let gc: () => void;
beforeAll(async () => {
  channel = await loadChannel('worten');
  platform = await loadPlatform(channel.platform);
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
});

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the listing and the pages it handed over', () => {
  it('holds nothing of a page while it waits for the next one', async () => {
    // 150 orders in pages of 100 with one of overlap: offsets 0 and 99; the second is held back.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const page = (offset: number) => ({
      orders: Array.from({ length: Math.min(100, 150 - offset) }, (_, i) => ({ order_id: `o${offset + i}`, lines: [{ text: 'x'.repeat(100) }] })),
      total_count: 150,
    });
    const client = {
      async send(request: HttpRequest): Promise<Exchange> {
        const offset = Number(request.query?.offset);
        if (offset > 0) await held;
        return { final: 'success', status: 200, attempts: 1, message: 'ok', body: page(offset) };
      },
    } as unknown as HttpClient;
    const normalize: Normalize = (record) => ({ order: { marketplace_order_id: (record as { order_id: string }).order_id, raw: record } as NormalizedOrder });
    const deps = { platform, client, paginator: createPaginator(platform.spec.list_orders.pagination), normalize, baseUrl: 'http://127.0.0.1:1', channel };

    let firstPage: { order: WeakRef<object>; record: WeakRef<object>; orders: WeakRef<object> } | undefined;
    let handedOver!: () => void;
    const firstHandedOver = new Promise<void>((resolve) => (handedOver = resolve));
    const listing = listWindow(deps, WINDOW, async (p) => {
      if (firstPage) return;
      const order = p.orders[0]!;
      firstPage = { order: new WeakRef(order), record: new WeakRef(order.raw as object), orders: new WeakRef(p.orders) };
      handedOver();
    });
    await firstHandedOver;
    await turns(3); // the listing is now waiting for the page at offset 99
    gc();
    expect(firstPage!.orders.deref()).toBeUndefined();
    expect(firstPage!.order.deref()).toBeUndefined();
    expect(firstPage!.record.deref()).toBeUndefined();
    release();
    await expect(listing).resolves.toMatchObject({ pages: 2, distinct: 150 });
  });
});
