/**
 * Parts of lines: a refund (or a line cancellation) of some units of a line and/or of part of its
 * amount, where the channel's `partial_lines` allows it. Each part is bounded by what the line has
 * left: units not yet refunded or cancelled, and what was paid for the line less what was already
 * refunded or cancelled (the order's own `refunded` and `canceled` totals of the line).
 */
import type { LinePart } from '../channel/model.ts';
import type { NormalizedOrder, OrderLine } from '../order/model.ts';
import { show } from './field-types.ts';
import type { FindingList } from './findings.ts';
import { isPartItem, orderLines } from './lines.ts';
import type { ActionPlan } from './plan.ts';
import type { LinePartRequest } from './request.ts';

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** The shipping a line has left: its shipping price less what its refunds and cancelations took. */
export function shippingLeft(line: OrderLine): number {
  return Math.max(0, round2(line.shipping_price - (line.refunded?.shipping_amount ?? 0) - (line.canceled?.shipping_amount ?? 0)));
}

/** What a line has left to refund or cancel: units and amount. */
export function lineLeft(line: OrderLine): { quantity: number; amount: number } {
  const quantity = line.quantity - (line.refunded?.quantity ?? 0) - (line.canceled?.quantity ?? 0);
  const amount = round2(line.unit_price * line.quantity - (line.refunded?.amount ?? 0) - (line.canceled?.amount ?? 0));
  return { quantity: Math.max(0, quantity), amount: Math.max(0, amount) };
}

function isCents(n: number): boolean {
  return Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;
}

/**
 * Checks the parts given in `rawLines` against the plan and the order; returns the resolved part
 * of each line given with one (quantity 0 for an amount alone; the units' price for a quantity
 * alone). Lines given as bare ids are whole and absent from the result.
 */
export function checkLineParts(plan: ActionPlan, order: NormalizedOrder, rawLines: unknown, findings: FindingList): Record<string, LinePartRequest> {
  const out: Record<string, LinePartRequest> = {};
  if (!Array.isArray(rawLines)) return out;
  const allowed = new Set<LinePart>(plan.rules.partialLines);
  const byId = new Map(orderLines(order).map((l) => [String(l.id), l]));
  const what = `${plan.action.name} at ${plan.status} on ${plan.channel.id}`;
  rawLines.forEach((item: unknown, i) => {
    if (!isPartItem(item) || typeof item.id !== 'string') return;
    const given = (['quantity', 'amount'] as const).filter((k) => item[k] !== undefined && item[k] !== null);
    if (given.length === 0) return;
    let ok = true;
    for (const part of given) {
      if (allowed.has(part)) continue;
      ok = false;
      const takes = allowed.size > 0 ? `it takes a line's ${[...allowed].join(' or ')} only` : 'it takes whole lines only';
      findings.error('ACTION_LINE_PARTIAL_NOT_ALLOWED', `${what} takes no ${part} per line: ${takes}`, { field: `lines[${i}].${part}`, suggestion: `remove ${part}` });
    }
    const quantity = item.quantity;
    const amount = item.amount;
    if (quantity !== undefined && quantity !== null && !(Number.isInteger(quantity) && (quantity as number) >= 1)) {
      findings.error('ACTION_LINE_PART_INVALID', `lines[${i}].quantity must be a whole number of units of at least 1 (got ${show(quantity)})`, { field: `lines[${i}].quantity` });
      ok = false;
    }
    if (amount !== undefined && amount !== null && !(typeof amount === 'number' && Number.isFinite(amount) && amount > 0 && isCents(amount))) {
      findings.error('ACTION_LINE_PART_INVALID', `lines[${i}].amount must be an amount above 0 with at most two decimals (got ${show(amount)})`, { field: `lines[${i}].amount` });
      ok = false;
    }
    const line = byId.get(item.id);
    if (!ok || !line) return; // an unknown line is reported by checkLines
    const left = lineLeft(line);
    const q = typeof quantity === 'number' ? quantity : undefined;
    const a = typeof amount === 'number' ? amount : undefined;
    if (q !== undefined && q > left.quantity) {
      findings.error('ACTION_LINE_QUANTITY_EXCEEDED', `line ${item.id} has ${left.quantity} of its ${line.quantity} unit(s) left (not yet refunded or cancelled); ${q} asked`, { field: `lines[${i}].quantity` });
      ok = false;
    }
    const unitsPrice = q === undefined ? undefined : round2(line.unit_price * q);
    if (a !== undefined && a > left.amount + 1e-9) {
      findings.error('ACTION_LINE_AMOUNT_EXCEEDED', `line ${item.id} has ${left.amount} ${order.currency} left of what was paid for it (not yet refunded or cancelled); ${a} asked`, { field: `lines[${i}].amount` });
      ok = false;
    } else if (a !== undefined && unitsPrice !== undefined && a > unitsPrice + 1e-9) {
      findings.error('ACTION_LINE_AMOUNT_EXCEEDED', `${a} is more than the price of ${q} unit(s) of line ${item.id} (${unitsPrice} ${order.currency})`, { field: `lines[${i}].amount` });
      ok = false;
    }
    if (ok) out[item.id] = { quantity: q ?? 0, amount: a ?? Math.min(unitsPrice ?? 0, left.amount) };
  });
  return out;
}

/**
 * A line named whole (a bare id, or every line of a whole-order action) that already had units or
 * part of its amount refunded or cancelled: the action asks for what the line has left, not the
 * whole line again, which the marketplace would refuse as more than the line holds. Only where
 * the channel takes parts of lines (its platform then sends `line.requested`). A line named by id
 * with nothing left is refused; in a whole-order action it is left out of the parts.
 */
export function remainderParts(plan: ActionPlan, order: NormalizedOrder, selected: readonly string[] | null, rawLines: unknown, parts: Record<string, LinePartRequest>, findings: FindingList): void {
  if (plan.rules.partialLines.length === 0) return;
  const named = selected === null ? undefined : new Set(selected);
  for (const line of orderLines(order)) {
    const id = String(line.id);
    if ((named && !named.has(id)) || parts[id]) continue;
    const left = lineLeft(line);
    const touched = left.quantity !== line.quantity || Math.abs(left.amount - round2(line.unit_price * line.quantity)) >= 0.005;
    if (!touched) continue;
    if (left.quantity > 0 || left.amount > 0) {
      parts[id] = { quantity: left.quantity, amount: left.amount, shipping_amount: shippingLeft(line) };
    } else if (named) {
      const i = Array.isArray(rawLines) ? rawLines.findIndex((item) => item === id) : -1;
      findings.error('ACTION_LINE_QUANTITY_EXCEEDED', `line ${id} has nothing left to ${plan.action.name === 'refund' ? 'refund' : 'cancel'}: its ${line.quantity} unit(s) and amount were already refunded or cancelled`, { field: i >= 0 ? `lines[${i}]` : 'lines' });
    }
  }
}

/**
 * What an action asks of one line, as the platform's templates and effect checks see it
 * (`line.requested`): its part when it has one, else the whole line. `share` is the part of the
 * line's price, to scale the line's taxes; `shipping_amount` the part's share of the shipping,
 * never more than the line has left (two rounded halves must not add up to a cent too many);
 * `shipping_left` all the shipping the line has left (a part's line; a whole line: its shipping).
 */
export function requestedOf(parts: Readonly<Record<string, LinePartRequest>> | undefined, line: OrderLine): { quantity: number; amount: number; share: number; shipping_amount: number; shipping_left: number } {
  const whole = Math.round(line.unit_price * line.quantity * 1e6) / 1e6;
  const part = parts?.[line.id];
  // A whole line is the whole line, as the marketplace shows it (a channel taking whole lines only).
  if (!part) return { quantity: line.quantity, amount: whole, share: 1, shipping_amount: line.shipping_price, shipping_left: line.shipping_price };
  const left = shippingLeft(line);
  const share = whole > 0 ? part.amount / whole : 0;
  return { quantity: part.quantity, amount: part.amount, share, shipping_amount: part.shipping_amount ?? Math.min(round2(line.shipping_price * share), left), shipping_left: left };
}
