/**
 * orderwire's normalized order statuses, declared once. The channel model, the API, the JSON
 * Schemas (`npm run generated`, engine/vocabulary/schemas.ts) and the store read this list; the
 * store keeps no copy of it in SQL (migration 011).
 */
export const NORMALIZED_STATUSES = [
  'new',
  'waiting_acceptance',
  'accepted',
  'waiting_shipment',
  'shipped',
  'closed',
  'refused',
  'canceled',
  'refunding',
  'refunded',
] as const;
export type NormalizedStatus = (typeof NORMALIZED_STATUSES)[number];

/** What a stored order's status may be: a normalized status, or `unknown` when the channel maps none. */
export const ORDER_STATUSES = [...NORMALIZED_STATUSES, 'unknown'] as const;

/** The statuses after which nothing more happens to an order (diagram end states, personal data retention). */
export const FINAL_STATUSES = ['closed', 'refused', 'canceled', 'refunded'] as const satisfies readonly NormalizedStatus[];
