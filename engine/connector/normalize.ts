/**
 * From a mapped marketplace record to the normalized order, with what only the channel knows:
 * statuses through the channel's exact (case-sensitive) maps, `unknown` + status_unknown for a
 * status it does not map (the order is kept, never dropped), the sales-channel scope, and the
 * delivered-by-marketplace flag from the channel's fulfilment modes. The result is checked against
 * the normalized order's schema (order/conform.ts): an order the back office could not trust (a
 * currency that is no ISO code, a negative quantity) comes back unmapped, to be quarantined.
 */
import type { Channel } from '../channel/model.ts';
import type { LineRefund, NormalizedOrder, OrderLine, RefundTotals } from '../order/model.ts';
import { conformOrder } from '../order/conform.ts';
import { sortKeys } from '../order/key-order.ts';
import type { MappedOrder, OrderMapper } from './map/index.ts';
import type { OrderPage, RecordOutcome } from './connector.ts';
import { collectParcels } from './parcels.ts';

export type Skip = OrderPage['skipped'][number];

type MappedLine = MappedOrder['lines'][number];

/** A mapped order's fields the normalizer sets itself on the order (after the others, in this order). */
const REBUILT_FIELDS: ReadonlySet<string> = new Set(['fulfillment_code', 'lines', 'parcels', 'documents']);

/** Never throws: a record that cannot become an order comes back `unmapped`, with why. */
export type Normalize = (record: unknown) => RecordOutcome;

/** Problems named in an unmapped record's reason at most (the first ones, in the schema's order). */
const MAX_PROBLEMS_NAMED = 5;

/** Money sums without binary noise (0.1 + 0.2). */
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

export function refundTotals(list: readonly LineRefund[]): RefundTotals {
  let quantity = 0;
  let amount = 0;
  let shipping = 0;
  for (const r of list) {
    quantity += r.quantity;
    amount += r.amount;
    shipping += r.shipping_amount ?? 0;
  }
  return { amount: round(amount), quantity, shipping_amount: round(shipping) };
}

/** What normalizedLine sets itself: a mapped line's own values for these are not copied. */
const SET_BY_NORMALIZER: ReadonlySet<string> = new Set(['parcels', 'refunds', 'cancelations', 'taxes', 'status']);

/**
 * The normalized line of a mapped one, in one copy (then sorted): its status, its taxes (a list,
 * empty when none), its refunds and cancelations added up (empty lists are left out), and the units
 * in parcels when the order has parcels. The parcels it lists go to the order's.
 */
function normalizedLine(line: MappedLine, status: OrderLine['status'], shipped: number | undefined): OrderLine {
  const out: Record<string, unknown> = {};
  for (const key in line) if (!SET_BY_NORMALIZER.has(key)) out[key] = line[key as keyof MappedLine];
  out.taxes = line.taxes ?? [];
  out.status = status;
  const { refunds, cancelations } = line;
  if (refunds?.length) {
    out.refunds = refunds;
    out.refunded = refundTotals(refunds);
  }
  if (cancelations?.length) {
    out.cancelations = cancelations;
    out.canceled = refundTotals(cancelations);
  }
  if (shipped !== undefined) out.shipped_quantity = shipped;
  return sortedKeys(out as unknown as OrderLine);
}

/**
 * The object with its keys in sorted order. Lines leave the normalizer so (the mapper builds nested
 * objects sorted already, the store sorts the order's own keys): the store's canonical JSON of the
 * order is then one JSON.stringify instead of a walk that sorts (store/shared/canonical-json.ts).
 */
function sortedKeys<T extends object>(value: T): T {
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!;
  if (sorted) return value;
  sortKeys(keys);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key];
    // An own "__proto__" key stays a key (an assignment would set the prototype).
    if (key === '__proto__') Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true });
    else out[key] = member;
  }
  return out as T;
}

function withoutUnresolved<A extends { country_unresolved?: string }>(address: A): A {
  const { country_unresolved: _dropped, ...rest } = address;
  return rest as A;
}

export function createNormalizer(channel: Channel, account: string, mapper: OrderMapper): Normalize {
  const statusIndex = channel.statusIndex;
  const lineStatusIndex = channel.lineStatusIndex;
  const fromLines = new Set(channel.statusFromLines);
  const scope = channel.scope ? new Set(channel.scope.salesChannels) : undefined;
  const fulfilmentModes = new Set((channel.fulfillment?.modes ?? []).map((m) => m.code));
  const channelId = channel.id;
  const acceptanceMs = channel.deadlines?.acceptanceMs;

  const unmapped = (record: unknown, reason: string, known?: string): RecordOutcome => {
    let id = known;
    try {
      id ??= mapper.orderId(record);
    } catch {
      id = undefined;
    }
    return { unmapped: { ...(id !== undefined && { marketplace_order_id: id }), code: 'ORDER_UNMAPPABLE', reason, raw: record } };
  };

  return (record) => {
    try {
      return normalizeOne(record);
    } catch (err) {
      // A record shaped so oddly that a mapping step threw: it is one record's problem, never the page's.
      return unmapped(record, `mapping failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  function normalizeOne(record: unknown): RecordOutcome {
    const result = mapper.map(record);
    if (!result.ok) return unmapped(record, result.reason, result.marketplace_order_id);
    const mapped: MappedOrder = result.order;
    if (scope && (mapped.sales_channel === undefined || !scope.has(mapped.sales_channel))) {
      return {
        skip: {
          marketplace_order_id: mapped.marketplace_order_id,
          code: 'ORDER_OUT_OF_SCOPE',
          reason: `sales channel ${mapped.sales_channel === undefined ? '(none)' : JSON.stringify(mapped.sales_channel)} is not in the channel's scope (${[...scope].join(', ')})`,
        },
      };
    }
    let status = statusIndex.get(mapped.marketplace_status);
    const lines: OrderLine[] = new Array(mapped.lines.length);
    const withParcels = mapped.parcels !== undefined || mapped.lines.some((l) => l.parcels !== undefined);
    const shipping = withParcels ? collectParcels(mapped.parcels, mapped.lines) : undefined;
    for (let i = 0; i < mapped.lines.length; i++) {
      const line = mapped.lines[i]!;
      const lineStatus = lineStatusIndex.get(line.marketplace_status) ?? 'unknown';
      lines[i] = normalizedLine(line, lineStatus, shipping?.parcels ? (shipping.shipped.get(line.id) ?? 0) : undefined);
    }
    // A status the marketplace keeps on lines only (status_from_lines): the order has it when every line does.
    const common = lines[0]?.status;
    if (common !== undefined && common !== 'unknown' && fromLines.has(common) && lines.every((l) => l.status === common)) status = common;
    const { fulfillment_code, documents } = mapped;
    const delivered = fulfillment_code !== undefined && fulfilmentModes.has(fulfillment_code);
    // One copy of the mapped order's own fields (an object rest would be a slower runtime copy).
    const built: Record<string, unknown> = { channel: channelId, account };
    for (const key in mapped) if (!REBUILT_FIELDS.has(key)) built[key] = mapped[key as keyof MappedOrder];
    const order = built as unknown as NormalizedOrder;
    for (const key of ['billing_address', 'shipping_address'] as const) {
      const address = order[key];
      // The flag is for a country that resolved to no code; another field that did resolve wins.
      if (address?.country !== undefined && address.country_unresolved !== undefined) order[key] = withoutUnresolved(address);
    }
    if (order.acceptance_deadline === undefined && acceptanceMs !== undefined) {
      order.acceptance_deadline = new Date(Date.parse(order.created_at) + acceptanceMs).toISOString();
    }
    built.status = status ?? 'unknown';
    if (status === undefined) built.status_unknown = true;
    built.lines = lines;
    if (shipping?.parcels) built.parcels = shipping.parcels;
    // Documents listed (attached read): absent when there are none, like parcels.
    if (documents && documents.length > 0) built.documents = documents;
    built.delivered_by_marketplace = delivered;
    if (delivered) built.fulfillment_code = fulfillment_code;
    built.raw = record;
    const conformed = conformOrder(order);
    if ('problems' in conformed) {
      const { problems } = conformed;
      const named = problems.slice(0, MAX_PROBLEMS_NAMED).map((p) => p.message);
      if (problems.length > named.length) named.push(`and ${problems.length - named.length} more`);
      return unmapped(record, `the normalized order breaks its schema (schemas/order.schema.json): ${named.join('; ')}`, order.marketplace_order_id);
    }
    return { order: conformed.order };
  }
}
