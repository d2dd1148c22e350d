/**
 * Marketplace status -> normalized status, for orders and their lines. Matching is exact, letter
 * case included: Mirakl's `SHIPPING` is not `Shipping`, and guessing would file an order under
 * the wrong status (Lengow's own plugins lost Mirakl orders that way). A status the channel does
 * not map is never dropped: the order is kept as `unknown`, flagged, and an ORDER_STATUS_UNKNOWN
 * finding tells the caller (the sync engine logs and counts it).
 */
import type { Channel, NormalizedStatus } from '../channel/model.ts';
import { NORMALIZED_STATUSES } from '../channel/model.ts';
import { closest } from '../documents/suggest.ts';
import type { NormalizedOrder, OrderLine, OrderStatus } from './model.ts';

export interface StatusFinding {
  code: 'ORDER_STATUS_UNKNOWN';
  /** Where the status was read: `marketplace_status` or `lines[2].marketplace_status`. */
  field: string;
  message: string;
  suggestion?: string;
}

export interface StatusMapping {
  status: OrderStatus;
  unknown: boolean;
  /** Present exactly when `unknown` is true. */
  finding?: StatusFinding;
}

type StatusSource = Pick<Channel, 'id' | 'statusIndex' | 'lineStatusIndex'>;

function unknownStatus(channel: StatusSource, index: ReadonlyMap<string, NormalizedStatus>, marketplaceStatus: unknown, field: string, what: string): StatusMapping {
  const shown = typeof marketplaceStatus === 'string' ? JSON.stringify(marketplaceStatus) : `a ${marketplaceStatus === null ? 'null' : typeof marketplaceStatus} value`;
  const finding: StatusFinding = {
    code: 'ORDER_STATUS_UNKNOWN',
    field,
    message: `${what} status ${shown} is not mapped by channel ${channel.id}; the order is kept with status "unknown"`,
  };
  if (typeof marketplaceStatus === 'string') {
    const known = [...index.keys()];
    const sameLetters = known.find((k) => k.toLowerCase() === marketplaceStatus.toLowerCase());
    if (sameLetters !== undefined) {
      finding.suggestion = `"${sameLetters}" differs only in letter case; statuses are matched exactly, so map "${marketplaceStatus}" in the channel file if the marketplace really sends it`;
    } else {
      const near = closest(marketplaceStatus, known);
      finding.suggestion = near !== undefined
        ? `did you mean "${near}"? If the marketplace sends "${marketplaceStatus}", add it to the channel's statuses`
        : `add it to the channel's statuses if the marketplace really sends it (mapped: ${known.join(', ')})`;
    }
  }
  return { status: 'unknown', unknown: true, finding };
}

function lookup(index: ReadonlyMap<string, NormalizedStatus>, marketplaceStatus: unknown): NormalizedStatus | undefined {
  return typeof marketplaceStatus === 'string' ? index.get(marketplaceStatus) : undefined;
}

/** The normalized status of an order, from the marketplace's order status. */
export function mapOrderStatus(channel: StatusSource, marketplaceStatus: unknown): StatusMapping {
  const status = lookup(channel.statusIndex, marketplaceStatus);
  if (status !== undefined) return { status, unknown: false };
  return unknownStatus(channel, channel.statusIndex, marketplaceStatus, 'marketplace_status', `${channel.id} order`);
}

/** The normalized status of one order line (line statuses include the order statuses). */
export function mapLineStatus(channel: StatusSource, marketplaceStatus: unknown, index?: number): StatusMapping {
  const status = lookup(channel.lineStatusIndex, marketplaceStatus);
  if (status !== undefined) return { status, unknown: false };
  const field = index === undefined ? 'marketplace_status' : `lines[${index}].marketplace_status`;
  return unknownStatus(channel, channel.lineStatusIndex, marketplaceStatus, field, `${channel.id} order line`);
}

/**
 * Sets `status`, `status_unknown` and each line's `status` from the marketplace statuses the order
 * carries. Returns a new order (the input is not modified) and one finding per unmapped status.
 */
export function applyStatusMapping(channel: StatusSource, order: NormalizedOrder): { order: NormalizedOrder; findings: StatusFinding[] } {
  const findings: StatusFinding[] = [];
  const mapped = mapOrderStatus(channel, order.marketplace_status);
  if (mapped.finding) findings.push(mapped.finding);
  const lines = order.lines.map((line, i): OrderLine => {
    const lineMapped = mapLineStatus(channel, line.marketplace_status, i);
    if (lineMapped.finding) findings.push(lineMapped.finding);
    return { ...line, status: lineMapped.status };
  });
  const { status_unknown: _previous, ...rest } = order;
  return {
    order: { ...rest, status: mapped.status, ...(mapped.unknown && { status_unknown: true }), lines },
    findings,
  };
}

export function isNormalizedStatus(value: unknown): value is NormalizedStatus {
  return typeof value === 'string' && (NORMALIZED_STATUSES as readonly string[]).includes(value);
}

/** Normalized statuses the channel maps, in the model's order (new ... refunded). */
export function mappedStatuses(channel: Pick<Channel, 'statuses'>): NormalizedStatus[] {
  return NORMALIZED_STATUSES.filter((s) => (channel.statuses[s]?.length ?? 0) > 0);
}
