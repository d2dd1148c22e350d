/**
 * OR11 listing over up to millions of generated orders without looking at each one. For every
 * profile, an order's state, last update and debit depend only on its creation time c, and they
 * change only at a few breakpoints (now - offset, start - seller offset). Between breakpoints
 * everything is constant, so each filter becomes a set of c-intervals, hence index ranges
 * ("streams") of that profile; counting and paging work on the streams. Stored orders (the few
 * the client changed) are filtered one by one and merged in.
 */
import type { OrderState } from './catalog.ts';
import type { CompiledProfile, Summary } from './profiles.ts';
import { PROFILE_COUNT } from './profiles.ts';
import type { Schedule } from './schedule.ts';
import type { OrderBook, OrderRecord } from './store.ts';
import { summaryAt } from './timeline.ts';

/** Inclusive ms bounds; missing sides are open. */
export interface Range {
  from?: number;
  to?: number;
}

export interface OrderFilters {
  orderIds?: string[];
  states?: ReadonlySet<OrderState>;
  channels?: ReadonlySet<string>;
  onlyNullChannel?: boolean;
  created?: Range;
  updated?: Range;
  customerDebited?: boolean;
  paymentWorkflow?: string;
  hasIncident?: boolean;
  fulfillmentCenters?: ReadonlySet<string>;
  taxMode?: string;
  referencesForCustomer?: ReadonlySet<string>;
  referencesForSeller?: ReadonlySet<string>;
}

/** Indices in [a, b) that follow `profile` (-1: every profile). */
export interface Stream {
  profile: number;
  a: number;
  b: number;
}

function profileMatches(cp: CompiledProfile, f: OrderFilters): boolean {
  const p = cp.profile;
  if (f.onlyNullChannel) {
    if (p.channel !== null) return false;
  } else if (f.channels && (p.channel === null || !f.channels.has(p.channel.code))) return false;
  if (f.fulfillmentCenters && !f.fulfillmentCenters.has(p.fulfillmentCenter)) return false;
  if (f.paymentWorkflow !== undefined && f.paymentWorkflow !== p.paymentWorkflow) return false;
  if (f.taxMode !== undefined && f.taxMode !== p.taxMode) return false;
  return true;
}

function summaryMatches(s: Summary | { state: OrderState; debited: boolean }, f: OrderFilters): boolean {
  if (f.states && !f.states.has(s.state)) return false;
  if (f.customerDebited !== undefined && f.customerDebited !== s.debited) return false;
  return true;
}

/** A stretch of creation times (inclusive) over which a profile's orders read the same at `now`. */
interface Piece {
  lo: number;
  hi: number;
  summary: Summary;
}

/** Pieces depend only on (profile, start, now): the last computation is kept for repeated reads. */
const pieceCache = new WeakMap<CompiledProfile, { start: number; now: number; pieces: Piece[] }>();

function piecesOf(cp: CompiledProfile, start: number, now: number): Piece[] {
  const cached = pieceCache.get(cp);
  if (cached && cached.start === start && cached.now === now) return cached.pieces;
  const cuts = new Set<number>();
  for (const off of cp.eventOffsets) cuts.add(now - off);
  for (const off of cp.sellerOffsets) cuts.add(start - off);
  const bounds = [...cuts].sort((x, y) => x - y);
  const pieces: Piece[] = [];
  // Pieces: (-inf, b0], (b0, b1], ..., (b_last, +inf); every condition has the form c <= bound.
  for (let j = 0; j <= bounds.length; j++) {
    const lo = j === 0 ? -Infinity : (bounds[j - 1] as number) + 1;
    const hi = j === bounds.length ? Infinity : (bounds[j] as number);
    const rep = j === bounds.length ? (bounds[j - 1] as number) + 1 : hi;
    pieces.push({ lo, hi, summary: cp.summary(rep, start, now) });
  }
  pieceCache.set(cp, { start, now, pieces });
  return pieces;
}

/** c-intervals (inclusive) of one profile's orders that match, before creation/visibility limits. */
function matchingCreationIntervals(cp: CompiledProfile, f: OrderFilters, start: number, now: number): [number, number][] {
  // Without state, debit or update filters every order of the profile matches.
  if (!f.states && f.customerDebited === undefined && !f.updated) return [[-Infinity, Infinity]];
  const out: [number, number][] = [];
  for (const { lo, hi, summary: s } of piecesOf(cp, start, now)) {
    if (!summaryMatches(s, f)) continue;
    let from = lo;
    let to = hi;
    if (f.updated?.from !== undefined) from = Math.max(from, f.updated.from - s.lastOff);
    if (f.updated?.to !== undefined) to = Math.min(to, f.updated.to - s.lastOff);
    if (from > to) continue;
    const prev = out[out.length - 1];
    if (prev && prev[1] + 1 >= from) prev[1] = Math.max(prev[1], to);
    else out.push([from, to]);
  }
  return out;
}

export class GeneratedSet {
  readonly streams: Stream[];
  readonly #schedule: Schedule;
  readonly #excluded: number[];

  constructor(schedule: Schedule, streams: Stream[], excluded: number[]) {
    this.#schedule = schedule;
    this.streams = streams;
    this.#excluded = excluded;
  }

  #streamCountBelow(s: Stream, x: number): number {
    const end = Math.min(s.b, x);
    if (end <= s.a) return 0;
    if (s.profile < 0) return end - s.a;
    return this.#schedule.countProfileBelow(s.profile, end) - this.#schedule.countProfileBelow(s.profile, s.a);
  }

  /** Matching generated orders with index < x. */
  countBelow(x: number): number {
    let n = 0;
    for (const s of this.streams) n += this.#streamCountBelow(s, x);
    let lo = 0;
    let hi = this.#excluded.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#excluded[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return n - lo;
  }

  get total(): number {
    let end = 0;
    for (const s of this.streams) end = Math.max(end, s.b);
    return this.countBelow(end);
  }

  contains(index: number): boolean {
    for (const s of this.streams) {
      if (index < s.a || index >= s.b) continue;
      if (s.profile < 0 || this.#schedule.profileOf(index) === s.profile) return true;
    }
    return false;
  }

  #next(s: Stream, x: number): number {
    const from = Math.max(x, s.a);
    if (from >= s.b) return Infinity;
    const i = s.profile < 0 ? from : this.#schedule.nextOfProfile(s.profile, from);
    return i < s.b ? i : Infinity;
  }

  /** Index of the matching generated order at 0-based rank r (r < total). */
  indexAtRank(r: number): number {
    let lo = 0;
    let hi = 0;
    for (const s of this.streams) hi = Math.max(hi, s.b);
    // Smallest x with countBelow(x + 1) > r.
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.countBelow(mid + 1) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Up to `count` matching indices >= x, ascending, skipping stored ones. */
  *from(x: number): Generator<number> {
    const excluded = new Set(this.#excluded);
    const heads = this.streams.map((s) => this.#next(s, x));
    for (;;) {
      let best = Infinity;
      for (const h of heads) if (h < best) best = h;
      if (best === Infinity) return;
      for (let k = 0; k < heads.length; k++) if (heads[k] === best) heads[k] = this.#next(this.streams[k] as Stream, best + 1);
      if (!excluded.has(best)) yield best;
    }
  }
}

/** The generated orders (not stored) matching the filters, as streams. */
export function generatedSet(book: OrderBook, f: OrderFilters, now: number): GeneratedSet {
  const schedule = book.schedule;
  const start = book.start;
  const visible = schedule.visibleCount(now);
  const none = new GeneratedSet(schedule, [], []);
  // Generated orders carry no references, no incidents, and one workflow/tax mode per profile.
  if (f.referencesForCustomer || f.referencesForSeller || f.hasIncident === true || visible === 0) return none;
  const perProfile: [number, number][][] = [];
  for (const cp of book.profiles) {
    if (!profileMatches(cp, f)) {
      perProfile.push([]);
      continue;
    }
    const ranges: [number, number][] = [];
    for (const [cFrom, cTo] of matchingCreationIntervals(cp, f, start, now)) {
      const lo = Math.max(cFrom, f.created?.from ?? -Infinity);
      const hi = Math.min(cTo, f.created?.to ?? Infinity, now);
      if (lo > hi) continue;
      const a = Number.isFinite(lo) ? schedule.lowerBound(lo) : 0;
      const b = Math.min(visible, schedule.lowerBound(hi + 1));
      if (a < b) ranges.push([a, b]);
    }
    perProfile.push(ranges);
  }
  const streams: Stream[] = [];
  const first = JSON.stringify(perProfile[0]);
  if (perProfile.length === PROFILE_COUNT && perProfile.every((r) => JSON.stringify(r) === first)) {
    for (const [a, b] of perProfile[0] ?? []) streams.push({ profile: -1, a, b });
  } else {
    perProfile.forEach((ranges, profile) => {
      for (const [a, b] of ranges) streams.push({ profile, a, b });
    });
  }
  const set = new GeneratedSet(schedule, streams, []);
  const excluded = book.storedIndices().filter((i) => set.contains(i));
  return new GeneratedSet(schedule, streams, excluded);
}

/** Full filter on one materialised order (stored orders, order_ids lookups). */
export function recordMatches(order: OrderRecord, f: OrderFilters, now: number): boolean {
  if (order.created > now) return false;
  if (!profileMatches(order.profile, f)) return false;
  if (f.hasIncident === true) return false;
  if (f.referencesForCustomer && !(order.references?.customer && f.referencesForCustomer.has(order.references.customer))) return false;
  if (f.referencesForSeller && !(order.references?.seller && f.referencesForSeller.has(order.references.seller))) return false;
  if (f.created?.from !== undefined && order.created < f.created.from) return false;
  if (f.created?.to !== undefined && order.created > f.created.to) return false;
  const s = summaryAt(order.timeline, now);
  if (!summaryMatches(s, f)) return false;
  if (f.updated?.from !== undefined && s.lastUpdated < f.updated.from) return false;
  return !(f.updated?.to !== undefined && s.lastUpdated > f.updated.to);
}

function compareRecords(a: OrderRecord, b: OrderRecord): number {
  return a.created - b.created || a.rank - b.rank;
}

export interface Page {
  orders: OrderRecord[];
  total: number;
}

/** Orders in ascending (created, id) order at ranks [offset, offset + max). */
export function listOrders(book: OrderBook, f: OrderFilters, offset: number, max: number, now: number): Page {
  if (f.orderIds) {
    const seen = new Set<string>();
    const found: OrderRecord[] = [];
    for (const id of f.orderIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      const order = book.get(id, now);
      if (order && recordMatches(order, f, now)) found.push(order);
    }
    found.sort(compareRecords);
    return { orders: found.slice(offset, offset + max), total: found.length };
  }
  const g = generatedSet(book, f, now);
  const others = [...book.storedOrders()].filter((o) => recordMatches(o, f, now)).sort(compareRecords);
  const gTotal = g.total;
  const total = gTotal + others.length;
  if (max <= 0 || offset >= total) return { orders: [], total };
  // Global rank of each stored match = its position + generated orders sorting before it.
  const schedule = book.schedule;
  const boundary = (o: OrderRecord) => {
    const lb = schedule.lowerBound(o.created);
    const ub = schedule.lowerBound(o.created + 1);
    return Math.min(Math.max(o.rank, lb), ub);
  };
  let before = 0;
  while (before < others.length && before + g.countBelow(boundary(others[before] as OrderRecord)) < offset) before++;
  const gStart = offset - before;
  const out: OrderRecord[] = [];
  const gen = gStart < gTotal ? g.from(g.indexAtRank(gStart)) : null;
  let nextG = gen?.next();
  let k = before;
  while (out.length < max) {
    const gi = nextG && !nextG.done ? nextG.value : undefined;
    const other = others[k];
    if (gi === undefined && !other) break;
    if (other && (gi === undefined || boundary(other) <= gi)) {
      out.push(other);
      k++;
    } else {
      out.push(book.generated(gi as number));
      nextG = gen?.next();
    }
  }
  return { orders: out, total };
}
