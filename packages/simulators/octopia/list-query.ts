/**
 * Parsing and validation of GET /seller/v2/orders query parameters. Every bad value is a 400
 * problem naming the parameter. Dates must carry a time zone (Z or ±hh:mm) or be a bare day
 * (midnight UTC): a zone-less time is refused rather than guessed.
 */
import { ORDER_STATUSES, SALES_CHANNELS, STATUS_CODE, isOrderStatus } from './domain.ts';
import { ProblemError } from './problems.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export type SortField = 'createdAt' | 'updatedAt';

export interface ListQuery {
  pageIndex: number;
  pageSize: number;
  /** Bit i set: status ORDER_STATUSES[i] wanted; 0 = any. */
  statusMask: number;
  /** Bit i set: SALES_CHANNELS[i] wanted; 0 = any. */
  channelMask: number;
  /** A filter that no order can match (unknown sales channel). */
  matchesNothing: boolean;
  /** Bounds in marketplace time, inclusive. */
  createdMin?: number;
  createdMax?: number;
  updatedMin?: number;
  updatedMax?: number;
  businessOrder?: string;
  sortField: SortField;
  descending: boolean;
}

const KNOWN = new Set([
  'pageIndex',
  'pageSize',
  'status',
  'salesChannelId',
  'createdAtMin',
  'createdAtMax',
  'updatedAtMin',
  'updatedAtMax',
  'businessOrder',
  'sort',
]);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function bad(detail: string): ProblemError {
  return new ProblemError(400, 'invalid-parameter', detail);
}

type RawQuery = Record<string, string | string[] | undefined>;

function single(query: RawQuery, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) throw bad(`${name} is given ${v.length} times; give it once`);
  return v;
}

/** Comma lists may also be repeated (status=A&status=B). */
function list(query: RawQuery, name: string): string[] | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v.join(',') : v).split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw bad(`${name} has an empty item: "${String(v)}"`);
  return items;
}

function integer(query: RawQuery, name: string, fallback: number, min: number, max: number): number {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw bad(`${name} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, got "${raw}"`);
  }
  return n;
}

export function parseDate(name: string, raw: string): number {
  const text = raw.trim();
  if (DATE.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (Number.isFinite(ms)) return ms;
  } else if (DATE_TIME.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)) {
    throw bad(`${name} has no time zone: "${raw}"; add Z or an offset such as +02:00`);
  }
  throw bad(`${name} must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got "${raw}"`);
}

function date(query: RawQuery, name: string): number | undefined {
  const raw = single(query, name);
  return raw === undefined ? undefined : parseDate(name, raw);
}

/** `asc:updatedAt`, `desc:createdAt`, or a bare field (ascending). Default asc:createdAt. */
function sort(raw: string | undefined): { sortField: SortField; descending: boolean } {
  if (raw === undefined) return { sortField: 'createdAt', descending: false };
  const m = /^(?:(asc|desc):)?(createdAt|updatedAt)$/i.exec(raw.trim());
  const field = m?.[2];
  if (!m || (field !== 'createdAt' && field !== 'updatedAt')) {
    throw bad(`sort must be [asc:|desc:]createdAt or [asc:|desc:]updatedAt (e.g. asc:updatedAt), got "${raw}"`);
  }
  return { sortField: field, descending: (m[1] ?? 'asc').toLowerCase() === 'desc' };
}

/** Parses the query; dates are shifted by `-skewMs` into simulator time. */
export function parseListQuery(query: RawQuery, skewMs = 0): ListQuery {
  const unknown = Object.keys(query).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) throw bad(`${unknown} is not a known parameter (known: ${[...KNOWN].join(', ')})`);
  const pageSizeRaw = single(query, 'pageSize');
  if (pageSizeRaw !== undefined && /^\d+$/.test(pageSizeRaw.trim()) && Number(pageSizeRaw) > MAX_PAGE_SIZE) {
    throw bad(`pageSize must be at most ${MAX_PAGE_SIZE}, got ${pageSizeRaw}`);
  }
  const out: ListQuery = {
    pageIndex: integer(query, 'pageIndex', 1, 1, Number.MAX_SAFE_INTEGER),
    pageSize: integer(query, 'pageSize', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    statusMask: 0,
    channelMask: 0,
    matchesNothing: false,
    ...sort(single(query, 'sort')),
  };
  for (const s of list(query, 'status') ?? []) {
    if (!isOrderStatus(s)) throw bad(`status "${s}" is not an order status (${ORDER_STATUSES.join(', ')}); case matters`);
    out.statusMask |= 1 << STATUS_CODE[s];
  }
  const channels = list(query, 'salesChannelId');
  if (channels) {
    for (const id of channels) {
      const i = SALES_CHANNELS.findIndex((c) => c.id === id);
      if (i >= 0) out.channelMask |= 1 << i;
    }
    // Ids of channels the seller does not sell on give an empty list, not an error.
    if (out.channelMask === 0) out.matchesNothing = true;
  }
  const shift = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms - skewMs);
  out.createdMin = shift(date(query, 'createdAtMin'));
  out.createdMax = shift(date(query, 'createdAtMax'));
  out.updatedMin = shift(date(query, 'updatedAtMin'));
  out.updatedMax = shift(date(query, 'updatedAtMax'));
  if (out.createdMin !== undefined && out.createdMax !== undefined && out.createdMin > out.createdMax) {
    throw bad('createdAtMin is after createdAtMax');
  }
  if (out.updatedMin !== undefined && out.updatedMax !== undefined && out.updatedMin > out.updatedMax) {
    throw bad('updatedAtMin is after updatedAtMax');
  }
  const businessOrder = single(query, 'businessOrder');
  if (businessOrder !== undefined) out.businessOrder = businessOrder.trim();
  return out;
}

/** Cache key: everything but paging. */
export function listKey(q: ListQuery): string {
  return [
    q.statusMask,
    q.channelMask,
    q.matchesNothing ? 1 : 0,
    q.createdMin ?? '',
    q.createdMax ?? '',
    q.updatedMin ?? '',
    q.updatedMax ?? '',
    q.businessOrder ?? '',
    q.sortField,
    q.descending ? 'd' : 'a',
  ].join('|');
}
