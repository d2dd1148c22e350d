/**
 * Detail requests: a listing whose records are summaries (bol.com lists order ids and items,
 * without prices, addresses or buyer) is completed by one get-one request per listed order,
 * `concurrency` at a time, each answer mapped by the get-one mapping. A detail request that
 * fails fails the page, so its cursor does not move past an order read only in part.
 */
import { OrderwireError } from '../errors.ts';
import { exchangeError } from './exchange-error.ts';
import type { HttpClient } from './http/client.ts';
import type { Platform } from './platform/model.ts';
import { joinUrl, renderQuery } from './request-url.ts';

export async function fetchDetails(deps: { platform: Platform; client: HttpClient; baseUrl: string }, summaries: readonly unknown[], concurrency: number, signal?: AbortSignal): Promise<{ records: unknown[]; requests: number }> {
  const { platform, client, baseUrl } = deps;
  const { request, records, mapper } = platform.get;
  const out: unknown[] = new Array(summaries.length);
  let requests = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < summaries.length) {
      const index = next++;
      const id = platform.mapper.orderId(summaries[index]);
      if (id === undefined) {
        out[index] = summaries[index]; // mapped as is: its missing id sends it to quarantine
        continue;
      }
      const ctx = { id };
      const exchange = await client.send({ endpoint: request.endpoint, method: request.method, url: joinUrl(baseUrl, String(request.path(ctx))), query: renderQuery(request, ctx), idempotent: true, ...(request.headers && { headers: request.headers }) }, signal);
      requests += exchange.attempts;
      if (exchange.final !== 'success') throw exchangeError(exchange);
      const record = records(exchange.body)?.find((r) => mapper.orderId(r) === id);
      if (record === undefined) {
        throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `${request.method} ${request.endpoint}: the detail of listed order ${id} has no record where the platform file says (get_order.records)`, { endpoint: request.endpoint, marketplace_order_id: id });
      }
      out[index] = record;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, summaries.length)) }, worker));
  return { records: out, requests };
}
