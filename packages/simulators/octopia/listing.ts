/**
 * Listing orders without scanning a million of them per request. Creation dates are monotonic in
 * the ref, so creation windows are index ranges (binary search); update windows map to a few index
 * ranges because generated orders change only at bounded offsets from creation; orders changed
 * through the API are added from the order book's (small) record index. The matching refs are
 * materialised once per query and cached, so paging is O(page size). A query without status,
 * channel or update filters sorted by creation needs no evaluation at all.
 */
import type { SimClock } from '../shared/clock.ts';
import { type ListQuery, listKey } from './list-query.ts';
import { orderIdOfBusinessOrder } from './ids.ts';
import type { OrderBook, ScanState } from './order-book.ts';
import { eventOffsetRanges } from './timeline.ts';

/** An ordered result: `length` refs, read by position. */
export interface Listing {
  readonly length: number;
  at(pos: number): number;
}

type Range = [number, number];

const CACHE_ENTRIES = 6;
const OFFSET_RANGES = eventOffsetRanges();

interface CacheEntry {
  listing: Listing;
  version: number;
  existing: number;
  now: number;
}

export class OrderLister {
  readonly #book: OrderBook;
  readonly #clock: SimClock;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #state: ScanState = { status: 0, updatedAt: 0, createdAt: 0, channel: 0 };

  constructor(book: OrderBook, clock: SimClock) {
    this.#book = book;
    this.#clock = clock;
  }

  /**
   * The full ordered result of a query at `now`. Reused for up to one real second of simulated
   * time (and until any order changes), so a client paging through sees a stable list.
   */
  list(q: ListQuery, now: number): Listing {
    const key = listKey(q);
    const existing = this.#book.world.existingCount(now);
    const hit = this.#cache.get(key);
    const maxAge = 1000 * this.#clock.speed;
    if (hit && hit.version === this.#book.version && hit.existing === existing && now - hit.now <= maxAge && now >= hit.now) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit.listing;
    }
    const listing = this.#compute(q, now, existing);
    this.#cache.set(key, { listing, version: this.#book.version, existing, now });
    while (this.#cache.size > CACHE_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
    return listing;
  }

  #compute(q: ListQuery, now: number, existing: number): Listing {
    if (q.matchesNothing) return EMPTY;
    const book = this.#book;
    const world = book.world;
    let ranges: Range[] = [[0, existing]];
    let only: number | undefined;
    if (q.businessOrder !== undefined) {
      const orderId = orderIdOfBusinessOrder(q.businessOrder);
      only = orderId === undefined ? undefined : book.refOf(orderId, now);
      if (only === undefined) return EMPTY;
      ranges = intersect(ranges, [[only, only + 1]]);
    }
    if (q.createdMin !== undefined || q.createdMax !== undefined) {
      const from = q.createdMin === undefined ? 0 : world.lowerBound(q.createdMin, existing);
      const to = q.createdMax === undefined ? existing : world.lowerBound(q.createdMax + 1, existing);
      ranges = intersect(ranges, [[from, to]]);
    }
    const byUpdate = q.updatedMin !== undefined || q.updatedMax !== undefined;
    if (byUpdate) {
      const a = q.updatedMin ?? -Infinity;
      const b = q.updatedMax ?? now;
      const windows: Range[] = OFFSET_RANGES.map(([lo, hi]) => [
        a === -Infinity ? 0 : world.lowerBound(a - hi, existing),
        world.lowerBound(b - lo + 1, existing),
      ]);
      ranges = intersect(ranges, union(windows));
    }
    const admin = book.adminRefs.filter((ref) => (only === undefined || ref === only) && book.exists(ref, now) && this.#createdInWindow(ref, q));
    const filtersState = q.statusMask !== 0 || q.channelMask !== 0 || byUpdate;
    if (!filtersState && q.sortField === 'createdAt' && admin.length === 0) return rangeListing(ranges, q.descending);

    // Natural refs changed through the API may have moved outside the update-window ranges.
    const extras: number[] = [];
    if (byUpdate) {
      for (const [ref] of book.records()) {
        if (book.isAdminRef(ref) || inRanges(ranges, ref) || ref >= existing) continue;
        if ((only === undefined || ref === only) && this.#createdInWindow(ref, q)) extras.push(ref);
      }
      extras.sort((x, y) => x - y);
    }
    const refs = new Grow();
    const keys = new GrowF();
    const consider = (ref: number): void => {
      if (this.#matches(ref, q, now)) {
        refs.push(ref);
        keys.push(q.sortField === 'updatedAt' ? this.#state.updatedAt : this.#state.createdAt);
      }
    };
    let e = 0;
    for (const [from, to] of ranges) {
      for (let ref = from; ref < to; ref++) {
        while (e < extras.length && (extras[e] as number) < ref) consider(extras[e++] as number);
        consider(ref);
      }
    }
    while (e < extras.length) consider(extras[e++] as number);
    const naturalCount = refs.length;
    for (const ref of admin) consider(ref);
    return sortListing(refs, keys, naturalCount, q.sortField === 'updatedAt', q.descending, book);
  }

  #createdInWindow(ref: number, q: ListQuery): boolean {
    const c = this.#book.createdAt(ref) as number;
    return (q.createdMin === undefined || c >= q.createdMin) && (q.createdMax === undefined || c <= q.createdMax);
  }

  #matches(ref: number, q: ListQuery, now: number): boolean {
    const s = this.#state;
    if (!this.#book.scanState(ref, now, s)) return false;
    if (q.statusMask !== 0 && (q.statusMask & (1 << s.status)) === 0) return false;
    if (q.channelMask !== 0 && (q.channelMask & (1 << s.channel)) === 0) return false;
    if (q.updatedMin !== undefined && s.updatedAt < q.updatedMin) return false;
    if (q.updatedMax !== undefined && s.updatedAt > q.updatedMax) return false;
    return true;
  }
}

const EMPTY: Listing = { length: 0, at: () => -1 };

function rangeListing(ranges: Range[], descending: boolean): Listing {
  const cum: number[] = [];
  let total = 0;
  for (const [from, to] of ranges) cum.push((total += to - from));
  const ascAt = (pos: number): number => {
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] as number) > pos) hi = mid;
      else lo = mid + 1;
    }
    const before = lo === 0 ? 0 : (cum[lo - 1] as number);
    return (ranges[lo] as Range)[0] + pos - before;
  };
  return { length: total, at: (pos) => ascAt(descending ? total - 1 - pos : pos) };
}

/**
 * Natural refs come in creation order, admin refs after them in creation order; merge the two by
 * (createdAt, ref), then, for update-date sorting, order by (updatedAt, creation position).
 */
function sortListing(refs: Grow, keys: GrowF, naturalCount: number, byUpdate: boolean, descending: boolean, book: OrderBook): Listing {
  const n = refs.length;
  let order = refs.view();
  let sortKeys = keys.view();
  if (naturalCount < n) {
    // Both parts are already in creation order: a linear merge keeps the whole result sorted.
    const created = (i: number): number => (byUpdate ? (book.createdAt(order[i] as number) as number) : (sortKeys[i] as number));
    const mergedRefs = new Uint32Array(n);
    const mergedKeys = new Float64Array(n);
    let a = 0;
    let b = naturalCount;
    for (let out = 0; out < n; out++) {
      const takeNatural = b >= n || (a < naturalCount && created(a) <= created(b));
      const i = takeNatural ? a++ : b++;
      mergedRefs[out] = order[i] as number;
      mergedKeys[out] = sortKeys[i] as number;
    }
    order = mergedRefs;
    sortKeys = mergedKeys;
  }
  if (byUpdate) {
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const k = sortKeys;
    perm.sort((x, y) => (k[x] as number) - (k[y] as number) || x - y);
    const sorted = new Uint32Array(n);
    for (let i = 0; i < n; i++) sorted[i] = order[perm[i] as number] as number;
    order = sorted;
  }
  const final = order;
  return { length: n, at: (pos) => final[descending ? n - 1 - pos : pos] as number };
}

function union(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([a, b]) => a < b).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [a, b] of sorted) {
    const top = out[out.length - 1];
    if (top && a <= top[1]) top[1] = Math.max(top[1], b);
    else out.push([a, b]);
  }
  return out;
}

function intersect(xs: Range[], ys: Range[]): Range[] {
  const out: Range[] = [];
  for (const [a, b] of xs) {
    for (const [c, d] of ys) {
      const lo = Math.max(a, c);
      const hi = Math.min(b, d);
      if (lo < hi) out.push([lo, hi]);
    }
  }
  return union(out);
}

function inRanges(ranges: Range[], ref: number): boolean {
  return ranges.some(([a, b]) => ref >= a && ref < b);
}

/** Growable typed arrays: a million matches cost 4 + 8 bytes each, not a JS object each. */
class Grow {
  #data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#data.length) {
      const next = new Uint32Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.length++] = v;
  }
  view(): Uint32Array {
    return this.#data.subarray(0, this.length);
  }
}

class GrowF {
  #data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.length++] = v;
  }
  view(): Float64Array {
    return this.#data.subarray(0, this.length);
  }
}
