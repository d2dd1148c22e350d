/**
 * Checks a normalized order for what the store keys and compares on, and precomputes everything
 * the upsert needs (canonical instants, JSON texts, content hash, line statuses) before any SQL
 * runs, so a bad page fails with a field path and stores nothing.
 */
import { NORMALIZED_STATUSES } from '../../channel/model.ts';
import { OrderwireError } from '../../errors.ts';
import { sortKeys } from '../../order/key-order.ts';
import type { NormalizedOrder, OrderStatus } from '../../order/model.ts';
import type { OrderToCommit } from '../store.ts';
import { canonicalJson } from './canonical-json.ts';
import { contentHash } from './content-hash.ts';
import { type ArenaTexts, TextArena } from './text-arena.ts';
import { instantText, parseInstant } from './time.ts';

/** What a line's refunds (r) and cancelations (c) add up to: [quantity, amount, shipping amount]. */
export interface LineMoney {
  r?: [number, number, number];
  c?: [number, number, number];
  /** Units in parcels (shipped_quantity), as [quantity, 0, 0]. */
  s?: [number, number, number];
}

/**
 * Line id -> [normalized status, marketplace status, money]: what the upsert compares to record
 * events. Money only for lines with refunds or cancelations (older rows have none).
 */
export type LineStatuses = Record<string, [OrderStatus, string] | [OrderStatus, string, LineMoney]>;

/** An order's canonical document and raw text: as strings, or as UTF-8 in a sync's text arena. */
export type OrderTexts = { readonly document: string; readonly raw: string } | ArenaTexts;

/**
 * An order as the store writes it (see prepareOrder); its texts read as strings through `document`
 * and `raw`. Only the store makes one: no JSON or normalized order is an instance.
 */
export class PreparedOrder {
  /** For callers of Store.prepareOrder (PreparedOrderToCommit). */
  readonly prepared = true;
  /** account, channel and marketplace order id joined: the natural key. */
  declare readonly key: string;
  declare readonly account: string;
  declare readonly channel: string;
  declare readonly marketplace_order_id: string;
  declare readonly status: OrderStatus;
  declare readonly marketplace_status: string;
  declare readonly status_unknown: boolean;
  declare readonly delivered_by_marketplace: boolean;
  /** For the API feed (migration 022): the order's has_invoice, and whether its document has a `documents` member. */
  declare readonly has_invoice: boolean | undefined;
  declare readonly lists_documents: boolean;
  declare readonly created_at: string;
  declare readonly updated_at: string;
  declare readonly updatedMs: number;
  /** sha256 of the canonical document and the raw text: equal hashes mean nothing changed. */
  declare readonly hash: string;
  /**
   * The order without raw, keys sorted (PostgreSQL jsonb does not keep key order either), and the
   * marketplace's order as received, key order kept.
   */
  declare readonly texts: OrderTexts;
  declare readonly lines: LineStatuses;
  /** The canonical deadlines (also in document): PostgreSQL keeps them in columns of their own. */
  declare readonly acceptance_deadline?: string;
  declare readonly shipping_deadline?: string;

  constructor(fields: PreparedFields) {
    Object.assign(this, fields);
  }

  get document(): string {
    return isArenaTexts(this.texts) ? TextArena.bytesOf(this.texts).document.toString('utf8') : this.texts.document;
  }

  get raw(): string {
    return isArenaTexts(this.texts) ? TextArena.bytesOf(this.texts).raw.toString('utf8') : this.texts.raw;
  }

  /** The same order with other texts (its hash left as it was: what change detection compares). */
  withTexts(texts: { document: string; raw: string }): PreparedOrder {
    return new PreparedOrder({ ...fieldsOf(this), texts });
  }
}

/** What prepareOrder computes: every field of a PreparedOrder but what the class itself gives. */
type PreparedFields = { [K in Exclude<keyof PreparedOrder, 'prepared' | 'document' | 'raw' | 'withTexts'>]: PreparedOrder[K] };

function fieldsOf(order: PreparedOrder): PreparedFields {
  const { prepared: _prepared, ...fields } = order;
  return fields as PreparedFields;
}

function isArenaTexts(texts: OrderTexts): texts is ArenaTexts {
  return 'bytes' in texts;
}

/** The texts as SQLite binds them: the arena's bytes as they are (the INSERT casts them to TEXT), or the strings. */
export function textParams(order: PreparedOrder): { document: string | Uint8Array; raw: string | Uint8Array } {
  return isArenaTexts(order.texts) ? TextArena.bytesOf(order.texts) : order.texts;
}

const STATUSES: ReadonlySet<string> = new Set([...NORMALIZED_STATUSES, 'unknown']);

export function orderKey(account: string, channel: string, marketplaceOrderId: string): string {
  return `${account}\u0000${channel}\u0000${marketplaceOrderId}`;
}

export function isPrepared(order: unknown): order is PreparedOrder {
  return order instanceof PreparedOrder;
}

/**
 * Store.prepareOrder: the order prepared as commitOrders would prepare it, or the order itself
 * when it is not one the store can key and compare (commitOrders then refuses it, located).
 */
export function prepareForCommit(order: NormalizedOrder, arena?: unknown): OrderToCommit {
  try {
    return prepareOrder(order, 'order', arena instanceof TextArena ? arena : undefined);
  } catch (err) {
    if (err instanceof OrderwireError && err.code === 'STORE_ORDER_INVALID') return order;
    throw err;
  }
}

/** An order to commit as the store writes it: prepared already, or prepared now (may throw STORE_ORDER_INVALID). */
export function preparedFrom(order: OrderToCommit, path: string): PreparedOrder {
  return isPrepared(order) ? order : prepareOrder(order as NormalizedOrder, path);
}

/** Every order of a page, or STORE_ORDER_INVALID for the first that is not (nothing is stored then). */
export function prepareOrders(orders: readonly OrderToCommit[]): PreparedOrder[] {
  if (!Array.isArray(orders)) throw invalid('orders', 'must be an array of normalized orders');
  try {
    return orders.map((order, i) => preparedFrom(order, `orders[${i}]`));
  } catch (err) {
    if (err instanceof OrderwireError && err.code === 'STORE_ORDER_INVALID') {
      throw new OrderwireError('STORE_ORDER_INVALID', `${err.message}; nothing of the page was stored`, { ...err.details });
    }
    throw err;
  }
}

/** `arena`: where the texts go until the batch commits (a sync's, text-arena.ts); strings without one. */
export function prepareOrder(order: NormalizedOrder, path: string, arena?: TextArena): PreparedOrder {
  // Field paths are joined only for an error message: this runs on every order of a sync.
  if (typeof order !== 'object' || order === null) throw invalid(path, 'must be an object');
  const account = text(order.account, path, 'account');
  const channel = text(order.channel, path, 'channel');
  const marketplaceOrderId = text(order.marketplace_order_id, path, 'marketplace_order_id');
  const status = statusOf(order.status, path, 'status');
  const marketplaceStatus = stringOf(order.marketplace_status, path, 'marketplace_status');
  const createdMs = instant(order.created_at, path, 'created_at');
  const updatedMs = instant(order.updated_at, path, 'updated_at');
  if (order.delivered_by_marketplace !== undefined && typeof order.delivered_by_marketplace !== 'boolean') {
    throw invalid(`${path}.delivered_by_marketplace`, 'must be a boolean');
  }
  if (order.has_invoice !== undefined && typeof order.has_invoice !== 'boolean') throw invalid(`${path}.has_invoice`, 'must be a boolean');
  if (!Array.isArray(order.lines)) throw invalid(`${path}.lines`, 'must be an array');
  const lines: LineStatuses = {};
  for (let i = 0; i < order.lines.length; i++) {
    const line = order.lines[i]!;
    if (line === undefined && !(i in order.lines)) continue; // a hole, skipped as forEach did
    if (typeof line !== 'object' || line === null) throw invalid(`${path}.lines[${i}]`, 'must be an object');
    const id = text(line.id, path, 'id', i);
    if (Object.hasOwn(lines, id)) throw invalid(`${path}.lines[${i}].id`, `duplicates line id ${JSON.stringify(id)}`);
    const status = statusOf(line.status, path, 'status', i);
    const marketplaceStatus = stringOf(line.marketplace_status, path, 'marketplace_status', i);
    const { refunded, canceled } = line;
    const shipped = typeof line.shipped_quantity === 'number' && line.shipped_quantity > 0 ? line.shipped_quantity : 0;
    lines[id] = refunded || canceled || shipped
      ? [status, marketplaceStatus, { ...(refunded && { r: money(refunded, `${path}.lines[${i}].refunded`) }), ...(canceled && { c: money(canceled, `${path}.lines[${i}].canceled`) }), ...(shipped && { s: [shipped, 0, 0] as [number, number, number] }) }]
      : [status, marketplaceStatus];
  }
  // The document: the order without raw, its keys in sorted order (with the normalizer's sorted
  // lines and nested objects, canonicalJson is then one JSON.stringify).
  const rest: Record<string, unknown> = {};
  for (const key of sortKeys(Object.keys(order))) if (key !== 'raw') setOwn(rest, key, order[key as keyof NormalizedOrder]);
  // Deadlines are compared as text by the due_before filter: stored canonical (UTC, ms, Z).
  for (const key of ['acceptance_deadline', 'shipping_deadline'] as const) {
    if (rest[key] !== undefined) rest[key] = instantText(rest[key], instant(rest[key], path, key));
  }
  const document = canonicalJson(rest);
  const rawText = JSON.stringify(order.raw === undefined ? null : order.raw);
  // raw is compared as it is stored, as received: a marketplace that reorders its keys makes an
  // `order.updated` (rare); sorting it too would double the cost of every commit.
  const inArena = arena?.put(document, rawText);
  return new PreparedOrder({
    key: orderKey(account, channel, marketplaceOrderId),
    account,
    channel,
    marketplace_order_id: marketplaceOrderId,
    status,
    marketplace_status: marketplaceStatus,
    has_invoice: order.has_invoice,
    lists_documents: order.documents !== undefined,
    status_unknown: order.status_unknown === true,
    delivered_by_marketplace: order.delivered_by_marketplace === true,
    created_at: instantText(order.created_at, createdMs),
    updated_at: instantText(order.updated_at, updatedMs),
    updatedMs,
    hash: inArena ? inArena.hash : contentHash(document, rawText),
    texts: inArena ? inArena.texts : { document, raw: rawText },
    lines,
    acceptance_deadline: rest.acceptance_deadline as string | undefined,
    shipping_deadline: rest.shipping_deadline as string | undefined,
  });
}

/** obj[key] = value, also for an own "__proto__" key (an assignment would set the prototype). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function money(totals: { quantity: number; amount: number; shipping_amount: number }, path: string): [number, number, number] {
  const out = [totals.quantity, totals.amount, totals.shipping_amount] as [number, number, number];
  if (!out.every((n) => typeof n === 'number' && Number.isFinite(n))) throw invalid(path, 'must have numeric quantity, amount and shipping_amount');
  return out;
}

function invalid(path: string, problem: string): OrderwireError {
  return new OrderwireError('STORE_ORDER_INVALID', `${path} ${problem}`, { path });
}

/** The path of a field of the order, or of its line `line`, for a message (only when there is a problem). */
function at(path: string, field: string, line: number | undefined): string {
  return line === undefined ? `${path}.${field}` : `${path}.lines[${line}].${field}`;
}

function text(value: unknown, path: string, field: string, line?: number): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(at(path, field, line), 'must be a non-empty string');
  return value;
}

function stringOf(value: unknown, path: string, field: string, line?: number): string {
  if (typeof value !== 'string') throw invalid(at(path, field, line), 'must be a string');
  return value;
}

function statusOf(value: unknown, path: string, field: string, line?: number): OrderStatus {
  if (typeof value !== 'string' || !STATUSES.has(value)) {
    throw invalid(at(path, field, line), `must be a normalized status (${[...STATUSES].join(', ')}), got ${JSON.stringify(value)}`);
  }
  return value as OrderStatus;
}

function instant(value: unknown, path: string, field: string, line?: number): number {
  const ms = parseInstant(value);
  if (ms === undefined) throw invalid(at(path, field, line), `must be an ISO-8601 timestamp with a time zone, got ${JSON.stringify(value)}`);
  return ms;
}
