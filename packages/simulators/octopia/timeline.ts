/**
 * An order's life as a list of (status, time) events: the marketplace's clock-driven moves
 * (Processing -> WaitingAcceptance -> Rejected when unanswered, Accepted -> InPreparation,
 * Shipped -> Delivered) interleaved with the seller's actions. Generated orders replay the
 * seller's scripted actions dated before the simulator started; later, only real API calls act.
 * Timelines are written into a reusable buffer so scans allocate nothing per order.
 */
import { KIND_MKPFBC, KIND_EXTFBC, KIND_SELLER, KIND_XDOCK, STATUS_CODE, TIMING } from './domain.ts';
import { DECISION_ACCEPT, DECISION_NONE, type DelayChoice, FATE_DELAYS, type Facts } from './world.ts';

const S = STATUS_CODE;
const INITIAL_EVENTS = 16;

export interface Timeline {
  length: number;
  status: Uint8Array;
  at: Float64Array;
}

export function newTimeline(): Timeline {
  return { length: 0, status: new Uint8Array(INITIAL_EVENTS), at: new Float64Array(INITIAL_EVENTS) };
}

function push(tl: Timeline, status: number, at: number): void {
  // Generated orders have at most 8 events; recorded ones grow with each partial shipment.
  if (tl.length === tl.status.length) {
    const status2 = new Uint8Array(tl.length * 2);
    const at2 = new Float64Array(tl.length * 2);
    status2.set(tl.status);
    at2.set(tl.at);
    tl.status = status2;
    tl.at = at2;
  }
  tl.status[tl.length] = status;
  tl.at[tl.length] = at;
  tl.length++;
}

export function isFulfilment(kind: number): boolean {
  return kind === KIND_MKPFBC || kind === KIND_EXTFBC;
}

/** Status an order of this kind is born in: fulfilment orders arrive already Shipped. */
export function initialStatus(kind: number): number {
  return isFulfilment(kind) ? S.Shipped : S.Processing;
}

/** When the marketplace moves an order out of `status` on its own (Infinity: never). */
export function clockNextAt(status: number, since: number, kind: number): number {
  switch (status) {
    case S.Processing:
      return since + TIMING.processingMs;
    case S.WaitingAcceptance:
      return since + TIMING.acceptanceDeadlineMs;
    case S.Accepted:
      return since + TIMING.preparationMs;
    case S.InPreparation:
      return kind === KIND_XDOCK ? since + TIMING.xdockShipMs : Infinity;
    case S.Shipped:
      return since + TIMING.deliveryMs;
    default:
      return Infinity;
  }
}

/** The status the marketplace's own move leads to (only meaningful when clockNextAt is finite). */
export function clockNextStatus(status: number): number {
  switch (status) {
    case S.Processing:
      return S.WaitingAcceptance;
    case S.WaitingAcceptance:
      return S.Rejected;
    case S.Accepted:
      return S.InPreparation;
    case S.InPreparation:
      return S.Shipped;
    case S.Shipped:
      return S.Delivered;
    default:
      return -1;
  }
}

let scriptedStatus = -1;

/** Time of the seller's scripted action from `status` (Infinity: none); sets `scriptedStatus`. */
function scriptedNextAt(f: Facts, status: number, since: number): number {
  if (!f.scripted) return Infinity;
  if (status === S.WaitingAcceptance && f.decision !== DECISION_NONE) {
    scriptedStatus = f.decision === DECISION_ACCEPT ? S.Accepted : S.Refused;
    return since + f.decisionDelay;
  }
  if (status === S.InPreparation && f.kind === KIND_SELLER) {
    scriptedStatus = f.cancelBeforeShipment ? S.Cancelled : S.Shipped;
    return since + (f.cancelBeforeShipment ? f.cancelDelay : f.shipDelay);
  }
  if (status === S.Delivered && f.cancelAfterDelivery) {
    scriptedStatus = S.Cancelled;
    return since + f.cancelAfterDelay;
  }
  return Infinity;
}

/** Runs the clock (and, before `cutoff`, the seller's script) from the timeline's last event. */
function continueTimeline(f: Facts, cutoff: number, tl: Timeline): Timeline {
  for (;;) {
    const last = tl.length - 1;
    const status = tl.status[last] as number;
    const since = tl.at[last] as number;
    let seller = scriptedNextAt(f, status, since);
    if (seller >= cutoff) seller = Infinity;
    const clock = clockNextAt(status, since, f.kind);
    if (seller === Infinity && clock === Infinity) return tl;
    if (seller < clock) push(tl, scriptedStatus, seller);
    else push(tl, clockNextStatus(status), clock);
  }
}

/** Full life of an untouched generated order, with scripted actions dated before `cutoff`. */
export function naturalTimeline(f: Facts, cutoff: number, tl: Timeline): Timeline {
  tl.length = 0;
  push(tl, initialStatus(f.kind), f.createdAt);
  return continueTimeline(f, cutoff, tl);
}

/** Life of an order changed through the API or /_admin: its recorded events, then the clock. */
export function recordedTimeline(
  f: Facts,
  events: readonly { status: number; at: number }[],
  tl: Timeline,
): Timeline {
  tl.length = 0;
  for (const e of events) push(tl, e.status, e.at);
  return continueTimeline(f, -Infinity, tl);
}

/** Index of the event in force at `now` (-1 before the order exists). */
export function eventAt(tl: Timeline, now: number): number {
  let i = tl.length - 1;
  while (i >= 0 && (tl.at[i] as number) > now) i--;
  return i;
}

/**
 * Every offset from creation at which a generated order can change, as merged [lo, hi] ranges.
 * An update-date window [a, b] then maps to creation windows [a - hi, b - lo], i.e. index ranges.
 */
export function eventOffsetRanges(): [number, number][] {
  const ranges: [number, number][] = [];
  const visit = (status: number, kind: number, lo: number, hi: number): void => {
    ranges.push([lo, hi]);
    const clock = clockNextAt(status, 0, kind);
    if (clock !== Infinity) visit(clockNextStatus(status), kind, lo + clock, hi + clock);
    const script = (d: DelayChoice, to: number): void => {
      for (const c of d.choices) visit(to, kind, lo + c, hi + c + d.jitter);
    };
    if (status === S.WaitingAcceptance) {
      script(FATE_DELAYS.decision, S.Accepted);
      script(FATE_DELAYS.decision, S.Refused);
    }
    if (status === S.InPreparation && kind === KIND_SELLER) {
      script(FATE_DELAYS.ship, S.Shipped);
      script(FATE_DELAYS.cancelBeforeShipment, S.Cancelled);
    }
    if (status === S.Delivered) script(FATE_DELAYS.cancelAfterDelivery, S.Cancelled);
  };
  for (const kind of [KIND_SELLER, KIND_MKPFBC, KIND_EXTFBC, KIND_XDOCK]) visit(initialStatus(kind), kind, 0, 0);
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const top = merged[merged.length - 1];
    if (top && r[0] <= top[1]) top[1] = Math.max(top[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
