/**
 * The Octopia seller API's vocabulary (statuses, supply and logistics modes, sales channels) and
 * the timing of marketplace life. Every value the simulator serves comes from these tables, so
 * the README and the JSON Schemas in ./schemas stay in step with the code.
 */

/** Order and line statuses, spelled exactly as Octopia sends them. */
export const ORDER_STATUSES = [
  'Processing',
  'WaitingAcceptance',
  'Accepted',
  'InPreparation',
  'Shipped',
  'Delivered',
  'Refused',
  'Rejected',
  'Cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Dense numeric codes so scans over a million orders compare small integers, not strings. */
export const STATUS_CODE: Readonly<Record<OrderStatus, number>> = Object.freeze(
  Object.fromEntries(ORDER_STATUSES.map((s, i) => [s, i])) as Record<OrderStatus, number>,
);

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

export const SUPPLY_MODES = ['Seller', 'Fulfillment', 'Xdock'] as const;
export type SupplyMode = (typeof SUPPLY_MODES)[number];

/**
 * Logistics mode (Cdiscount's ModGesLog): MKPCDS for orders the seller ships, MKPFBC (fulfilment
 * by Cdiscount) and EXTFBC (external fulfilment) for the Fulfillment programme, XDOCK for
 * cross-docking (the seller delivers to a marketplace hub, the marketplace ships to the customer).
 */
export const LOGISTICS_MODES = ['MKPCDS', 'MKPFBC', 'EXTFBC', 'XDOCK'] as const;
export type LogisticsMode = (typeof LOGISTICS_MODES)[number];

/** The four kinds of order the generator produces; each fixes supply and logistics mode. */
export const ORDER_KINDS = [
  { supplyMode: 'Seller', logisticsMode: 'MKPCDS' },
  { supplyMode: 'Fulfillment', logisticsMode: 'MKPFBC' },
  { supplyMode: 'Fulfillment', logisticsMode: 'EXTFBC' },
  { supplyMode: 'Xdock', logisticsMode: 'XDOCK' },
] as const satisfies readonly { supplyMode: SupplyMode; logisticsMode: LogisticsMode }[];
export const KIND_SELLER = 0;
export const KIND_MKPFBC = 1;
export const KIND_EXTFBC = 2;
export const KIND_XDOCK = 3;

export function kindOf(supplyMode: SupplyMode, logisticsMode?: LogisticsMode): number {
  if (supplyMode === 'Xdock') return KIND_XDOCK;
  if (supplyMode === 'Fulfillment') return logisticsMode === 'EXTFBC' ? KIND_EXTFBC : KIND_MKPFBC;
  return KIND_SELLER;
}

export interface SalesChannel {
  readonly id: string;
  readonly name: string;
  /** Share of generated orders. */
  readonly weight: number;
  /** Country of the channel's customers (ISO 3166-1 alpha-2). */
  readonly country: 'FR' | 'ES' | 'PT';
}

/**
 * Cdiscount plus other Octopia "marketplace as a service" partners. The partner ids and names are
 * invented (no public list was found); they exist so a channel's sales-channel scope matters.
 */
export const SALES_CHANNELS: readonly SalesChannel[] = Object.freeze([
  { id: 'CDISCOUNT', name: 'Cdiscount', weight: 0.76, country: 'FR' },
  { id: 'OCTOPIA-FR-PARTNER', name: 'Octopia partner store (France)', weight: 0.1, country: 'FR' },
  { id: 'OCTOPIA-ES-PARTNER', name: 'Octopia partner store (Spain)', weight: 0.08, country: 'ES' },
  { id: 'OCTOPIA-PT-PARTNER', name: 'Octopia partner store (Portugal)', weight: 0.06, country: 'PT' },
]);

export function salesChannelIndex(id: string): number {
  return SALES_CHANNELS.findIndex((c) => c.id === id);
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Marketplace life on the simulated clock. Delays are fixed so date windows map to index ranges. */
export const TIMING = Object.freeze({
  /** Processing (payment checks) -> WaitingAcceptance. */
  processingMs: 15 * MINUTE,
  /** WaitingAcceptance not answered within this delay -> Rejected. */
  acceptanceDeadlineMs: 48 * HOUR,
  /** Accepted -> InPreparation. */
  preparationMs: 5 * MINUTE,
  /** Shipped -> Delivered. */
  deliveryMs: 48 * HOUR,
  /** Cross-docked orders: InPreparation -> Shipped by the marketplace. */
  xdockShipMs: 24 * HOUR,
  /** An OAuth2 access token lives this long. */
  tokenLifetimeMs: 2 * HOUR,
});
