/**
 * Reading a reference list (platform `lists`: Mirakl SH21 carriers, RE01 reasons; Octopia
 * carriers) from the account's marketplace. The request is sent without taking the endpoint's
 * budget here: the refresher (engine/sync/reference-lists.ts) decides whether a fetch is due and
 * takes the budget through the store first, on the daemon's clock, so a daily budget never makes
 * a request wait a day.
 */
import { OrderwireError } from '../errors.ts';
import { exchangeError } from './exchange-error.ts';
import type { HttpClient } from './http/client.ts';
import type { Platform } from './platform/model.ts';
import { joinUrl } from './request-url.ts';

/** One value as the marketplace serves it; `type` when the platform list declares one (RE01's reason type). */
export interface FetchedValue {
  code: string;
  label: string;
  tracking_url?: string;
  type?: string;
}

export interface FetchedList {
  values: FetchedValue[];
  /** Records without a code or a label, left out. */
  skipped: number;
}

export async function fetchReferenceList(platform: Platform, client: HttpClient, baseUrl: string, name: string, signal?: AbortSignal): Promise<FetchedList> {
  const list = platform.lists[name];
  if (!list) {
    const known = Object.keys(platform.lists);
    throw new OrderwireError('CONNECTOR_LIST_NOT_DECLARED', `platform ${platform.id} declares no reference list "${name}"${known.length ? ` (it declares ${known.join(', ')})` : ''}`, { platform: platform.id, list: name });
  }
  const exchange = await client.send(
    { endpoint: list.endpoint, method: 'GET', url: joinUrl(baseUrl, list.path), query: list.query, idempotent: true, budget: false },
    signal,
  );
  if (exchange.final !== 'success') throw exchangeError(exchange, `reference list ${name}`);
  const records = list.records(exchange.body);
  if (!records) throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `GET ${list.endpoint} (reference list ${name}): the response has no records where the platform file says (records)`, { endpoint: list.endpoint });
  const values: FetchedValue[] = [];
  let skipped = 0;
  for (const record of records) {
    const code = list.code(record);
    const label = list.label(record) ?? code;
    if (code === undefined || code === '' || label === undefined || label === '') {
      skipped += 1;
      continue;
    }
    const trackingUrl = list.trackingUrl?.(record);
    const type = list.type?.(record);
    values.push({ code, label, ...(trackingUrl && { tracking_url: trackingUrl }), ...(type !== undefined && { type }) });
  }
  return { values, skipped };
}
