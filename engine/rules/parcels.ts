/**
 * Ship with parcels (channel `parcels` on ship): each parcel lists its lines and units and carries
 * its own values of the action's fields (carrier, tracking number, URL), the request's `data`
 * giving defaults for every parcel. Units are bounded by what each line has left to ship: its
 * quantity less what was cancelled and what earlier parcels shipped. A ship without parcels on
 * such a channel is one parcel of every unit left, so the platform always sees parcels.
 */
import type { ParcelsSpec } from '../channel/model.ts';
import type { NormalizedOrder, OrderLine, ParcelLine } from '../order/model.ts';
import { mapLineStatus } from '../order/status.ts';
import { show } from './field-types.ts';
import { checkData } from './fields.ts';
import { FindingList } from './findings.ts';
import { isPartItem, orderLines } from './lines.ts';
import type { ActionPlan } from './plan.ts';
import type { ActionValue, ParcelRequest } from './request.ts';

/** Units of a line not yet shipped nor cancelled. */
export function leftToShip(line: OrderLine): number {
  return Math.max(0, line.quantity - (line.canceled?.quantity ?? 0) - (line.shipped_quantity ?? 0));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field findings of one parcel, located in the parcel when it gave the value, else at `data`. */
function relocate(from: FindingList, into: FindingList, own: ReadonlySet<string>, i: number, seen: Set<string>): void {
  for (const [list, add] of [[from.errors, into.error.bind(into)], [from.warnings, into.warning.bind(into)]] as const) {
    for (const f of list) {
      const name = f.field?.startsWith('data.') ? f.field.slice(5).split('.')[0]! : undefined;
      const field = name !== undefined && own.has(name) ? `parcels[${i}].${f.field!.slice(5)}` : name === undefined && f.field === 'data' ? `parcels[${i}]` : f.field;
      const key = `${f.code}|${field}|${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { code, message, field: _f, ...extra } = f;
      add(code, message, { ...extra, ...(field !== undefined && { field }) });
    }
  }
}

function parseParcelLines(raw: unknown, i: number, byId: ReadonlyMap<string, OrderLine>, order: NormalizedOrder, findings: FindingList): ParcelLine[] | undefined {
  const at = `parcels[${i}].lines`;
  if (!Array.isArray(raw) || raw.length === 0) {
    findings.error('ACTION_PARCELS_INVALID', `parcels[${i}] has no lines: list the lines it holds, as ids or {id, quantity}`, { field: at });
    return undefined;
  }
  const out: ParcelLine[] = [];
  let ok = true;
  raw.forEach((item: unknown, j) => {
    const where = `${at}[${j}]`;
    const id = isPartItem(item) ? item.id : item;
    if (isPartItem(item)) {
      const extra = Object.keys(item).filter((k) => k !== 'id' && k !== 'quantity');
      if (extra.length > 0) {
        findings.error('ACTION_PARCELS_INVALID', `${where} takes id and quantity, not ${extra.join(', ')}`, { field: `${where}.${extra[0]}` });
        ok = false;
        return;
      }
    }
    if (typeof id !== 'string' || id === '') {
      findings.error('ACTION_PARCELS_INVALID', `${where} must be a line id or {id, quantity}, got ${show(item)}`, { field: where });
      ok = false;
      return;
    }
    const line = byId.get(id);
    if (!line) {
      findings.error('ACTION_LINE_UNKNOWN', `order ${order.marketplace_order_id} has no line ${show(id)} (its lines: ${[...byId.keys()].join(', ') || 'none'})`, { field: where });
      ok = false;
      return;
    }
    if (out.some((l) => l.id === id)) {
      findings.error('ACTION_PARCELS_INVALID', `line ${id} is listed twice in parcels[${i}]; give its units once`, { field: where });
      ok = false;
      return;
    }
    const quantity = isPartItem(item) && item.quantity !== undefined && item.quantity !== null ? item.quantity : leftToShip(line);
    if (!Number.isInteger(quantity) || (quantity as number) < 1) {
      const why = isPartItem(item) && item.quantity !== undefined ? `must be a whole number of units of at least 1 (got ${show(item.quantity)})` : `has no unit left to ship`;
      findings.error(isPartItem(item) && item.quantity !== undefined ? 'ACTION_PARCELS_INVALID' : 'ACTION_PARCEL_QUANTITY_EXCEEDED', `${where}: line ${id} ${why}`, { field: isPartItem(item) && item.quantity !== undefined ? `${where}.quantity` : where });
      ok = false;
      return;
    }
    out.push({ id, quantity: quantity as number });
  });
  return ok ? out : undefined;
}

export interface ParcelsOutcome {
  parcels: ParcelRequest[];
  /** The first parcel's values: what templates written for one parcel read as request.data. */
  data: Record<string, ActionValue>;
}

/**
 * Checks `rawParcels` against the plan and the order. Returns undefined where the channel takes
 * no parcels (the request keeps its one-parcel shape); else the parcels to send.
 */
export function checkParcels(plan: ActionPlan, order: NormalizedOrder, rawParcels: unknown, rawLines: unknown, data: Readonly<Record<string, unknown>>, findings: FindingList): ParcelsOutcome | undefined {
  const spec: ParcelsSpec | undefined = plan.rules.parcels;
  const given = rawParcels !== undefined && rawParcels !== null;
  const what = `${plan.action.name} at ${plan.status} on ${plan.channel.id}`;
  if (!spec) {
    if (given) findings.error('ACTION_PARCELS_NOT_ALLOWED', `${what} ships the order in one parcel: it takes no parcels`, { field: 'parcels', suggestion: 'remove parcels and give the fields of the shipment in data' });
    return undefined;
  }
  const lines = orderLines(order);
  const byId = new Map(lines.map((l) => [String(l.id), l]));
  if (rawLines !== undefined && rawLines !== null && given) {
    findings.error('ACTION_PARCELS_INVALID', 'give the lines inside each parcel, not at the top of the request', { field: 'lines', suggestion: 'move lines into parcels[].lines' });
  }
  if (!given) {
    // One parcel of every unit left.
    const all = lines.filter((l) => leftToShip(l) > 0).map((l) => ({ id: String(l.id), quantity: leftToShip(l) }));
    const normalized = checkData(plan, data, order, findings);
    if (all.length === 0) {
      findings.error('ACTION_NOTHING_TO_SHIP', `every unit of order ${order.marketplace_order_id} is already shipped or cancelled`, { field: 'action' });
      return { parcels: [], data: normalized };
    }
    return { parcels: [{ lines: all, data: normalized }], data: normalized };
  }
  if (!Array.isArray(rawParcels) || rawParcels.length === 0) {
    findings.error('ACTION_PARCELS_INVALID', `parcels must be a non-empty list of {lines, and the action's fields} (got ${show(rawParcels)})`, { field: 'parcels' });
    return { parcels: [], data: {} };
  }
  if (spec.max !== undefined && rawParcels.length > spec.max) {
    findings.error('ACTION_PARCELS_INVALID', `${what} takes at most ${spec.max} parcel(s) per request; ${rawParcels.length} given`, { field: 'parcels', suggestion: 'send the others in another request' });
  }
  const parcels: ParcelRequest[] = [];
  const totals = new Map<string, number>();
  const seen = new Set<string>();
  rawParcels.forEach((raw: unknown, i) => {
    if (!isRecord(raw)) {
      findings.error('ACTION_PARCELS_INVALID', `parcels[${i}] must be an object {lines, and the action's fields}`, { field: `parcels[${i}]` });
      return;
    }
    const { lines: rawParcelLines, ...fields } = raw;
    const parcelLines = parseParcelLines(rawParcelLines, i, byId, order, findings);
    for (const l of parcelLines ?? []) {
      const line = byId.get(l.id)!;
      const mapped = mapLineStatus(plan.channel, line.marketplace_status);
      if (mapped.unknown || !plan.action.allowedIn.includes(mapped.status as never)) {
        findings.error('ACTION_LINE_STATUS_NOT_ALLOWED', `line ${l.id} is ${mapped.unknown ? `in marketplace status ${show(line.marketplace_status)}, which ${plan.channel.id} does not map` : `${mapped.status} (${line.marketplace_status})`}; ${plan.action.name} applies to lines in ${plan.action.allowedIn.join(', ')}`, { field: `parcels[${i}].lines` });
      }
      totals.set(l.id, (totals.get(l.id) ?? 0) + l.quantity);
    }
    const own = new Set(Object.keys(fields));
    const sub = new FindingList();
    const normalized = checkData(plan, { ...data, ...fields }, order, sub);
    relocate(sub, findings, own, i, seen);
    if (parcelLines) parcels.push({ lines: parcelLines, data: normalized });
  });
  for (const [id, quantity] of totals) {
    const line = byId.get(id)!;
    const left = leftToShip(line);
    if (quantity > left) {
      findings.error('ACTION_PARCEL_QUANTITY_EXCEEDED', `line ${id} has ${left} of its ${line.quantity} unit(s) left to ship (not yet shipped or cancelled); the parcels hold ${quantity}`, { field: 'parcels' });
    }
  }
  if (!spec.partial) {
    const missing = lines.filter((l) => leftToShip(l) > (totals.get(String(l.id)) ?? 0)).map((l) => `${l.id} (${leftToShip(l) - (totals.get(String(l.id)) ?? 0)} unit(s))`);
    if (missing.length > 0) findings.error('ACTION_PARCELS_INCOMPLETE', `${what} ships every unit left at once; the parcels leave out ${missing.join(', ')}`, { field: 'parcels' });
  }
  return { parcels, data: parcels[0]?.data ?? {} };
}
