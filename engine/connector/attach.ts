/**
 * Attached reads (`attach:` in a platform file): a resource the marketplace keeps apart from the
 * order, read for a page of orders at once and set on each order record under `as` before it is
 * mapped, so the mapping sees it like any field (Mirakl's multiple shipments: ST11 lists the
 * shipments of up to 100 orders by `order_id`, in seek pages). Only orders whose status is in
 * `statuses` are asked for, and only on channels that use it (`for: ship_parcels`: the channel's
 * ship takes parcels). A failed read fails the page, like a failed detail request.
 */
import type { Channel } from '../channel/model.ts';
import { exchangeError } from './exchange-error.ts';
import type { HttpClient } from './http/client.ts';
import type { CompiledAttach, Platform } from './platform/model.ts';
import { joinUrl } from './request-url.ts';
import { OrderwireError } from '../errors.ts';

/** Does the channel use this attached read? */
export function attachApplies(attach: CompiledAttach, channel: Channel): boolean {
  if (attach.for === 'ship_parcels') return Object.values(channel.actions.ship?.byStatus ?? {}).some((s) => s?.parcels !== undefined);
  if (attach.for === 'documents') return channel.documents !== undefined;
  return true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads every attached resource for `records` (order records, changed in place). Returns the requests spent. */
export async function attachReads(deps: { platform: Platform; client: HttpClient; baseUrl: string; channel: Channel }, records: readonly unknown[], signal?: AbortSignal): Promise<number> {
  let requests = 0;
  for (const attach of deps.platform.attach) {
    if (!attachApplies(attach, deps.channel)) continue;
    const byId = new Map<string, Record<string, unknown>>();
    for (const record of records) {
      if (!isRecord(record)) continue;
      const id = deps.platform.mapper.orderId(record);
      if (id === undefined) continue;
      const status = attach.status(record);
      if (attach.statuses && !attach.statuses.has(String(status))) continue;
      record[attach.as] = [];
      byId.set(id, record);
    }
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += attach.batch) {
      const chunk = ids.slice(i, i + attach.batch);
      let token: string | undefined;
      do {
        const params = new URLSearchParams(attach.query);
        if (attach.idsStyle === 'comma') params.set(attach.idsParam, chunk.join(','));
        else for (const id of chunk) params.append(attach.idsParam, id);
        if (token !== undefined && attach.nextPage) params.set(attach.nextPage.param, token);
        const url = `${joinUrl(deps.baseUrl, attach.path)}?${params.toString()}`;
        const exchange = await deps.client.send({ endpoint: attach.endpoint, method: 'GET', url, idempotent: true }, signal);
        requests += exchange.attempts;
        if (exchange.final !== 'success') throw exchangeError(exchange, `attached read ${attach.as}`);
        const list = attach.records(exchange.body);
        if (!list) throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `GET ${attach.endpoint}: the response has no record list where the platform file says (attach ${attach.as}: records)`, { endpoint: attach.endpoint });
        for (const item of list) {
          const owner = byId.get(String(attach.orderId(item)));
          if (owner) (owner[attach.as] as unknown[]).push(item);
        }
        const next = attach.nextPage ? attach.nextPage.token(exchange.body) : undefined;
        token = typeof next === 'string' && next !== '' ? next : undefined;
      } while (token !== undefined);
    }
  }
  return requests;
}

