/**
 * Order identifiers that encode the order's ref, so GET /orders/{id} finds an order among a
 * million without an index: YYMMDD (creation day, UTC) + ref in base 36 (6 characters) + two check
 * letters derived from the seed. An id from another seed or a typo fails the check -> 404.
 */
import type { World } from './world.ts';

const ID_PATTERN = /^(\d{6})([0-9A-Z]{6})([A-Z]{2})$/;
const BUSINESS_PREFIX = 'B';

function yymmdd(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate());
}

function checkLetters(world: World, ref: number): string {
  const h = world.hash(ref, 99);
  return String.fromCharCode(65 + (h % 26), 65 + ((h >>> 8) % 26));
}

export function orderIdOf(world: World, ref: number, createdAt: number): string {
  return `${yymmdd(createdAt)}${ref.toString(36).toUpperCase().padStart(6, '0')}${checkLetters(world, ref)}`;
}

/** The ref an order id names, or undefined when it is not one of this simulator's ids. */
export function refOfOrderId(world: World, id: string, createdAtOf: (ref: number) => number | undefined): number | undefined {
  const m = ID_PATTERN.exec(id);
  if (!m) return undefined;
  const ref = parseInt(m[2] as string, 36);
  if (checkLetters(world, ref) !== m[3]) return undefined;
  const createdAt = createdAtOf(ref);
  if (createdAt === undefined || yymmdd(createdAt) !== m[1]) return undefined;
  return ref;
}

/** The customer's purchase number (Octopia's businessOrder): one per generated order. */
export function businessOrderOf(orderId: string): string {
  return `${BUSINESS_PREFIX}${orderId}`;
}

export function orderIdOfBusinessOrder(businessOrder: string): string | undefined {
  return businessOrder.startsWith(BUSINESS_PREFIX) ? businessOrder.slice(BUSINESS_PREFIX.length) : undefined;
}
