/**
 * The seller's actions on an order, with Octopia's rules: approval only while WaitingAcceptance;
 * shipment only while InPreparation and for Seller supply mode, with a carrier from the list;
 * cancellation (Octopia's word for the seed's "refund") of the whole order from Accepted,
 * InPreparation, Shipped or Delivered, with a reason valid for that status, or of whole lines
 * before shipment (Accepted, InPreparation). Business errors are
 * 400 problems (Octopia documents 400/401/403/404/500 only, no 409).
 */
import { ORDER_KINDS, STATUS_CODE, type OrderStatus } from './domain.ts';
import type { OrderBook, RecordedParcel } from './order-book.ts';
import { ProblemError } from './problems.ts';
import { CANCELLABLE_STATUSES, type CancellationReason, type Carrier, type CarrierList, reasonByCode, reasonsFor } from './reference-data.ts';
import { statusName } from './render.ts';

const S = STATUS_CODE;

function badBody(detail: string): ProblemError {
  return new ProblemError(400, 'invalid-body', detail);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rejectUnknown(body: Record<string, unknown>, known: readonly string[], where: string): void {
  const extra = Object.keys(body).find((k) => !known.includes(k));
  if (extra !== undefined) throw badBody(`${where}${extra} is not a known field (known: ${known.join(', ')})`);
}

function currentStatus(book: OrderBook, ref: number, now: number): number {
  const state = { status: 0, updatedAt: 0, createdAt: 0, channel: 0 };
  if (!book.scanState(ref, now, state)) throw new Error(`order ref ${ref} does not exist yet`);
  return state.status;
}

function invalidState(action: string, status: number, allowed: readonly OrderStatus[]): ProblemError {
  return new ProblemError(
    400,
    'invalid-state',
    `Cannot ${action}: the order is ${statusName(status)}; allowed only when ${allowed.join(' or ')}`,
  );
}

/** POST /orders/{id}/approval-status {approval_status: Accepted|Refused}. */
export function approve(book: OrderBook, ref: number, body: unknown, now: number): void {
  if (!isObject(body)) throw badBody('body must be a JSON object {"approval_status": "Accepted" | "Refused"}');
  rejectUnknown(body, ['approval_status'], '');
  const decision = body.approval_status;
  if (decision !== 'Accepted' && decision !== 'Refused') {
    throw badBody(`approval_status must be "Accepted" or "Refused", got ${JSON.stringify(decision)}`);
  }
  const status = currentStatus(book, ref, now);
  if (status !== S.WaitingAcceptance) throw invalidState(`switch to ${decision} status`, status, ['WaitingAcceptance']);
  book.transition(ref, decision === 'Accepted' ? S.Accepted : S.Refused, now);
}

interface ShipmentRequest {
  parcelNumber: string;
  carrier: Carrier;
  trackingUrl?: string;
  items: { line: number; quantity: number }[];
}

/**
 * POST /orders/{id}/shipments. Octopia's published shape (changelog "Cdiscount now supports
 * shipping CancelRequest lines"): a parcel `{parcelNumber, carrierName, trackingUrl?,
 * orderLineIds}` shipping whole lines, or an array of them ("one or more parcels"). Also taken:
 * `carrierCode` beside or instead of `carrierName`, and `items[{orderLineId, quantity}]` instead
 * of `orderLineIds` for part of a line (an SDK's shape; Octopia's pages do not show it).
 */
export function ship(book: OrderBook, ref: number, body: unknown, now: number): void {
  const facts = book.facts(ref);
  const content = book.orderContent(ref, facts);
  const lineIndex = new Map(content.lines.map((l, i) => [l.orderLineId, i]));
  const parcels = parseShipments(body, lineIndex, content.lines.map((l) => l.quantity), book.carriers);
  const status = currentStatus(book, ref, now);
  if (status !== S.InPreparation) throw invalidState('switch to shipped status', status, ['InPreparation']);
  const supplyMode = (ORDER_KINDS[facts.kind] ?? ORDER_KINDS[0]).supplyMode;
  if (supplyMode !== 'Seller') {
    throw new ProblemError(400, 'invalid-state', `Cannot switch to shipped status: the lines have supply mode ${supplyMode}; only Seller lines are shipped by the seller`);
  }
  const record = book.record(ref);
  const shipped = content.lines.map(() => 0);
  const known = new Set<string>();
  for (const p of record?.parcels ?? []) {
    known.add(p.parcelNumber);
    for (const item of p.items) shipped[item.line] = (shipped[item.line] ?? 0) + item.quantity;
  }
  const request = record?.cancelRequest;
  const cancelled = new Set((record?.cancelledLines ?? []).map((c) => c.line));
  parcels.forEach((p, n) => {
    for (const item of p.items) {
      if (cancelled.has(item.line)) {
        throw new ProblemError(400, 'invalid-state', `Cannot switch to shipped status: line ${content.lines[item.line]?.orderLineId} is Cancelled`);
      }
      if (request?.lines.includes(item.line) && request.requestedBy !== 'Customer') {
        throw new ProblemError(400, 'invalid-state', `Cannot switch to shipped status: line ${content.lines[item.line]?.orderLineId} is CancelRequest, requested by ${request.requestedBy}; only a line whose cancellation the customer requested may still be shipped`);
      }
    }
    if (known.has(p.parcelNumber)) throw badBody(`[${n}].parcelNumber ${p.parcelNumber} is already used on this order`);
    known.add(p.parcelNumber);
    for (const item of p.items) {
      shipped[item.line] = (shipped[item.line] ?? 0) + item.quantity;
      const line = content.lines[item.line];
      if (line && (shipped[item.line] as number) > line.quantity) {
        throw badBody(`[${n}].items: line ${line.orderLineId} would ship ${shipped[item.line]} items, more than its quantity ${line.quantity}`);
      }
    }
  });
  const all = content.lines.every((l, i) => cancelled.has(i) || (shipped[i] as number) >= l.quantity);
  // A partial shipment keeps the order InPreparation but still updates it (a new event, same status).
  const rec = book.transition(ref, all ? S.Shipped : S.InPreparation, now);
  for (const p of parcels) {
    const parcel: RecordedParcel = { parcelNumber: p.parcelNumber, carrierCode: p.carrier.code, carrierName: p.carrier.name, shippedAt: now, items: p.items };
    if (p.trackingUrl !== undefined) parcel.trackingUrl = p.trackingUrl;
    rec.parcels.push(parcel);
  }
}

function parseShipments(body: unknown, lineIndex: Map<string, number>, quantities: readonly number[], carriers: CarrierList): ShipmentRequest[] {
  const parcels = isObject(body) ? [body] : body;
  if (!Array.isArray(parcels) || parcels.length === 0) {
    throw badBody('body must be a parcel {"parcelNumber", "carrierCode" or "carrierName", "trackingUrl"?, "orderLineIds": [...]} or a non-empty JSON array of them');
  }
  return parcels.map((given: unknown, n): ShipmentRequest => {
    const at = `[${n}]`;
    if (!isObject(given)) throw badBody(`${at} must be an object`);
    let raw: Record<string, unknown> = given;
    rejectUnknown(raw, ['parcelNumber', 'carrierCode', 'carrierName', 'trackingUrl', 'orderLineIds', 'items'], `${at}.`);
    if (raw.orderLineIds !== undefined && raw.items !== undefined) throw badBody(`${at}: give orderLineIds (whole lines) or items (lines and quantities), not both`);
    if (raw.orderLineIds !== undefined) {
      const ids = raw.orderLineIds;
      if (!Array.isArray(ids) || ids.length === 0) throw badBody(`${at}.orderLineIds must list the lines in the parcel`);
      raw = { ...raw, orderLineIds: undefined, items: ids.map((id: unknown) => ({ orderLineId: id, quantity: typeof id === 'string' && lineIndex.has(id) ? quantities[lineIndex.get(id)!] : 1 })) };
    }
    // JSON null in an optional field means "not given", as most APIs read it.
    const { parcelNumber, items } = raw;
    const carrierCode = raw.carrierCode ?? undefined;
    const carrierName = raw.carrierName ?? undefined;
    const trackingUrl = raw.trackingUrl ?? undefined;
    if (typeof parcelNumber !== 'string' || parcelNumber.trim() === '') throw badBody(`${at}.parcelNumber (the tracking number) is required`);
    const carrier = parseCarrier(carrierCode, carrierName, at, carriers);
    if (trackingUrl !== undefined && (typeof trackingUrl !== 'string' || !/^https?:\/\/\S+$/i.test(trackingUrl))) {
      throw badBody(`${at}.trackingUrl must be an http(s) URL`);
    }
    if (!Array.isArray(items) || items.length === 0) throw badBody(`${at}.orderLineIds (or items [{"orderLineId", "quantity"}]) must list the lines in the parcel`);
    const seen = new Set<number>();
    const parsed = items.map((item: unknown, k) => {
      const where = `${at}.items[${k}]`;
      if (!isObject(item)) throw badBody(`${where} must be an object`);
      rejectUnknown(item, ['orderLineId', 'quantity'], `${where}.`);
      const line = typeof item.orderLineId === 'string' ? lineIndex.get(item.orderLineId) : undefined;
      if (line === undefined) throw badBody(`${where}.orderLineId ${JSON.stringify(item.orderLineId)} is not a line of this order`);
      if (seen.has(line)) throw badBody(`${where}.orderLineId ${String(item.orderLineId)} appears twice in the parcel`);
      seen.add(line);
      if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity) || item.quantity < 1) {
        throw badBody(`${where}.quantity must be an integer >= 1`);
      }
      return { line, quantity: item.quantity };
    });
    const out: ShipmentRequest = { parcelNumber: parcelNumber.trim(), carrier, items: parsed };
    if (trackingUrl !== undefined) out.trackingUrl = trackingUrl as string;
    return out;
  });
}

function parseCarrier(code: unknown, name: unknown, at: string, carriers: CarrierList): Carrier {
  if (code === undefined && name === undefined) throw badBody(`${at}: carrierCode or carrierName is required (see GET /seller/v2/carriers)`);
  if (code !== undefined && typeof code !== 'string') throw badBody(`${at}.carrierCode must be a string`);
  if (name !== undefined && typeof name !== 'string') throw badBody(`${at}.carrierName must be a string`);
  const byCode = code === undefined ? undefined : carriers.byCode(code);
  const byName = name === undefined ? undefined : carriers.byName(name);
  if (code !== undefined && !byCode) throw new ProblemError(400, 'unsupported-carrier', `${at}.carrierCode "${code}" is not a supported carrier (see GET /seller/v2/carriers)`);
  if (name !== undefined && !byName) throw new ProblemError(400, 'unsupported-carrier', `${at}.carrierName "${name}" is not a supported carrier (see GET /seller/v2/carriers)`);
  if (byCode && byName && byCode !== byName) throw badBody(`${at}: carrierCode "${code}" is ${byCode.name}, not "${name}"`);
  return (byCode ?? byName) as Carrier;
}

/**
 * POST /orders/{id}/cancellation-requests: the whole order `{reasonCode, refundShipping?}`, or
 * whole lines before shipment `{reasonCode, lines: [{orderLineId, reasonCode?}]}`. The line form
 * is the shape of an SDK's "partial cancellation with [{lineId, reason}]" (marketplace-apis.md
 * B2), named like the shipments body; Octopia publishes no body for it.
 */
export function cancel(book: OrderBook, ref: number, body: unknown, now: number): void {
  if (!isObject(body)) throw badBody('body must be a JSON object {"reasonCode", "refundShipping"?} or {"reasonCode", "lines": [{"orderLineId", "reasonCode"?}]}');
  if (body.lines !== undefined) {
    cancelLines(book, ref, body, now);
    return;
  }
  rejectUnknown(body, ['reasonCode', 'refundShipping', 'lines'], '');
  const reasonCode = body.reasonCode;
  const refundShipping = body.refundShipping ?? undefined;
  if (typeof reasonCode !== 'string' || reasonCode === '') throw badBody('reasonCode is required (see GET /seller/v2/cancellation-reasons?status=...)');
  if (refundShipping !== undefined && typeof refundShipping !== 'boolean') throw badBody('refundShipping must be true or false');
  const status = currentStatus(book, ref, now);
  const name = statusName(status);
  if (!CANCELLABLE_STATUSES.includes(name)) throw invalidState('request a cancellation', status, CANCELLABLE_STATUSES);
  const reason = validReason(reasonCode, name, 'reasonCode');
  const rec = book.transition(ref, S.Cancelled, now);
  rec.cancellation = { reasonCode: reason.code, reasonLabel: reason.label, requestedBy: 'Seller', requestedAt: now, refundShipping: refundShipping ?? false };
}

function validReason(code: string, status: OrderStatus, field: string): CancellationReason {
  const reason = reasonByCode(code);
  if (!reason || !reason.statuses.includes(status)) {
    const valid = reasonsFor(status).map((r) => r.code).join(', ');
    throw new ProblemError(400, 'invalid-reason', `${field} "${code}" is not valid for a ${status} order; valid: ${valid}`);
  }
  return reason;
}

const LINE_CANCELLABLE: readonly OrderStatus[] = ['Accepted', 'InPreparation'];

/** Whole lines before shipment; the order becomes Cancelled once every line is. */
function cancelLines(book: OrderBook, ref: number, body: Record<string, unknown>, now: number): void {
  rejectUnknown(body, ['reasonCode', 'lines'], '');
  const { reasonCode, lines } = body;
  if (typeof reasonCode !== 'string' || reasonCode === '') throw badBody('reasonCode is required (see GET /seller/v2/cancellation-reasons?status=...)');
  if (!Array.isArray(lines) || lines.length === 0) throw badBody('lines must list the lines to cancel [{"orderLineId", "reasonCode"?}]');
  const facts = book.facts(ref);
  const content = book.orderContent(ref, facts);
  const record = book.record(ref);
  const cancelled = new Set((record?.cancelledLines ?? []).map((c) => c.line));
  const shipped = new Set((record?.parcels ?? []).flatMap((p) => p.items.map((i) => i.line)));
  const seen = new Set<number>();
  const parsed = lines.map((item: unknown, k) => {
    const where = `lines[${k}]`;
    if (!isObject(item)) throw badBody(`${where} must be an object {"orderLineId", "reasonCode"?}`);
    if ('quantity' in item) throw new ProblemError(400, 'partial-cancellation-not-supported', `${where}.quantity: a line is cancelled whole; part of a line cannot be cancelled`);
    rejectUnknown(item, ['orderLineId', 'reasonCode'], `${where}.`);
    const line = content.lines.findIndex((l) => l.orderLineId === item.orderLineId);
    if (line < 0) throw new ProblemError(400, 'invalid-line', `${where}.orderLineId ${JSON.stringify(item.orderLineId)} is not a line of this order`);
    if (seen.has(line)) throw new ProblemError(400, 'invalid-line', `${where}.orderLineId ${String(item.orderLineId)} appears twice`);
    seen.add(line);
    if (cancelled.has(line)) throw new ProblemError(400, 'invalid-line', `${where}.orderLineId ${String(item.orderLineId)} is already Cancelled`);
    if (shipped.has(line)) throw new ProblemError(400, 'invalid-line', `${where}.orderLineId ${String(item.orderLineId)} is already (partly) shipped`);
    const code = item.reasonCode ?? reasonCode;
    if (typeof code !== 'string' || code === '') throw badBody(`${where}.reasonCode must be a reason code`);
    return { line, code, where: item.reasonCode === undefined ? 'reasonCode' : `${where}.reasonCode` };
  });
  const status = currentStatus(book, ref, now);
  const name = statusName(status);
  if (!LINE_CANCELLABLE.includes(name)) throw invalidState('cancel lines', status, LINE_CANCELLABLE);
  const reasons = parsed.map((p) => ({ ...p, reason: validReason(p.code, name, p.where) }));
  const all = content.lines.every((_, i) => cancelled.has(i) || seen.has(i));
  const rec = book.transition(ref, all ? S.Cancelled : status, now);
  rec.cancelledLines ??= [];
  for (const { line, reason } of reasons) rec.cancelledLines.push({ line, reasonCode: reason.code, reasonLabel: reason.label, requestedAt: now });
  const last = reasons.at(-1)!.reason;
  if (all) rec.cancellation = { reasonCode: last.code, reasonLabel: last.label, requestedBy: 'Seller', requestedAt: now, refundShipping: false };
}
