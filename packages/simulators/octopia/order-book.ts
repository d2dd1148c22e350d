/**
 * Where orders live: generated orders are pure functions of (seed, ref); only orders changed by an
 * API action or /_admin get a record (their event history, parcels, cancellation), and orders
 * created through /_admin add their facts. Scans reuse one facts object and one timeline buffer.
 */
import { ContentGenerator, type OrderContent } from './content.ts';
import { refOfOrderId } from './ids.ts';
import { type Timeline, eventAt, naturalTimeline, newTimeline, recordedTimeline } from './timeline.ts';
import { ADMIN_REF_BASE, type Facts, type World, emptyFacts } from './world.ts';
import { CarrierList } from './reference-data.ts';

export interface RecordedParcel {
  parcelNumber: string;
  carrierCode: string;
  carrierName: string;
  trackingUrl?: string;
  shippedAt: number;
  /** Line index (0-based) -> quantity in this parcel. */
  items: { line: number; quantity: number }[];
}

export interface Cancellation {
  reasonCode: string;
  reasonLabel: string;
  requestedBy: 'Seller' | 'Marketplace';
  requestedAt: number;
  refundShipping: boolean;
}

/**
 * A cancellation requested on some lines of an InPreparation order (line status CancelRequest).
 * Octopia lets the seller still ship such a line only when the customer asked (changelog
 * "Cdiscount now supports shipping CancelRequest lines").
 */
export interface CancelRequest {
  /** Line indexes (0-based). */
  lines: number[];
  requestedBy: 'Customer' | 'Seller' | 'SalesChannel';
  at: number;
}

/** One line cancelled on its own before shipment (line status Cancelled, the order still open). */
export interface LineCancellation {
  /** Line index (0-based). */
  line: number;
  reasonCode: string;
  reasonLabel: string;
  requestedAt: number;
}

export interface OrderRecord {
  /** Explicit history; the clock continues from its last event. */
  events: { status: number; at: number }[];
  parcels: RecordedParcel[];
  cancellation?: Cancellation;
  cancelledLines?: LineCancellation[];
  cancelRequest?: CancelRequest;
}

interface AdminOrder {
  facts: Facts;
  lineCount?: number;
}

/** Compact per-order state for scans. */
export interface ScanState {
  status: number;
  updatedAt: number;
  createdAt: number;
  channel: number;
}

export class OrderBook {
  readonly world: World;
  readonly content: ContentGenerator;
  readonly #records = new Map<number, OrderRecord>();
  readonly #admin = new Map<number, AdminOrder>();
  /** Admin refs sorted by (createdAt, ref), for merging into creation-ordered scans. */
  #adminByCreation: number[] = [];
  #nextAdminRef = ADMIN_REF_BASE;
  #version = 0;
  readonly #facts = emptyFacts();
  readonly #tl = newTimeline();

  /** The carriers this instance offers (GET /carriers) and accepts in shipments. */
  readonly carriers = new CarrierList();

  constructor(world: World) {
    this.world = world;
    this.content = new ContentGenerator(world);
  }

  /** Bumped by every API or admin change, so cached listings know they are stale. */
  get version(): number {
    return this.#version;
  }

  get recordCount(): number {
    return this.#records.size;
  }

  get adminRefs(): readonly number[] {
    return this.#adminByCreation;
  }

  records(): IterableIterator<[number, OrderRecord]> {
    return this.#records.entries();
  }

  isAdminRef(ref: number): boolean {
    return ref >= ADMIN_REF_BASE;
  }

  /** Facts of any order into `out` (a fresh object by default). */
  facts(ref: number, out: Facts = emptyFacts()): Facts {
    if (ref < ADMIN_REF_BASE) return this.world.facts(ref, out);
    const admin = this.#admin.get(ref);
    if (!admin) throw new Error(`unknown admin order ref ${ref}`);
    return Object.assign(out, admin.facts);
  }

  exists(ref: number, now: number): boolean {
    if (ref >= ADMIN_REF_BASE) {
      const admin = this.#admin.get(ref);
      return admin !== undefined && admin.facts.createdAt <= now;
    }
    return Number.isInteger(ref) && ref >= 0 && ref < this.world.existingCount(now);
  }

  createdAt(ref: number): number | undefined {
    if (ref >= ADMIN_REF_BASE) return this.#admin.get(ref)?.facts.createdAt;
    return ref >= 0 && ref < ADMIN_REF_BASE - 1 ? this.world.createdAt(ref) : undefined;
  }

  refOf(orderId: string, now: number): number | undefined {
    const ref = refOfOrderId(this.world, orderId, (r) => this.createdAt(r));
    return ref !== undefined && this.exists(ref, now) ? ref : undefined;
  }

  record(ref: number): OrderRecord | undefined {
    return this.#records.get(ref);
  }

  /** The order's whole life (past and scheduled) into `tl` (a fresh buffer by default). */
  timeline(ref: number, facts: Facts, tl: Timeline = newTimeline()): Timeline {
    const rec = this.#records.get(ref);
    return rec ? recordedTimeline(facts, rec.events, tl) : naturalTimeline(facts, this.world.startMs, tl);
  }

  /** Status and dates of `ref` at `now`, for scans (no allocation). False before the order exists. */
  scanState(ref: number, now: number, out: ScanState): boolean {
    const f = this.facts(ref, this.#facts);
    const tl = this.timeline(ref, f, this.#tl);
    const i = eventAt(tl, now);
    if (i < 0) return false;
    out.status = tl.status[i] as number;
    out.updatedAt = tl.at[i] as number;
    out.createdAt = f.createdAt;
    out.channel = f.channel;
    return true;
  }

  orderContent(ref: number, facts: Facts): OrderContent {
    return this.content.content(facts, { lineCount: this.#admin.get(ref)?.lineCount });
  }

  /**
   * Freezes the order's past (events up to `now`) into a record, so an action can append to it.
   * Scheduled clock events after `now` are dropped: they are recomputed from the new last event.
   */
  recordFor(ref: number, now: number): OrderRecord {
    const tl = this.timeline(ref, this.facts(ref));
    const events: { status: number; at: number }[] = [];
    for (let i = 0; i < tl.length && (tl.at[i] as number) <= now; i++) events.push({ status: tl.status[i] as number, at: tl.at[i] as number });
    const rec = this.#records.get(ref);
    if (rec) {
      rec.events = events;
      return rec;
    }
    const created: OrderRecord = { events, parcels: [] };
    this.#records.set(ref, created);
    return created;
  }

  /** Appends a status change at `now` (after freezing the past). */
  transition(ref: number, status: number, now: number): OrderRecord {
    const rec = this.recordFor(ref, now);
    rec.events.push({ status, at: now });
    this.touch();
    return rec;
  }

  touch(): void {
    this.#version++;
  }

  /** Adds an order created through /_admin; its life starts from `initialStatus` at `createdAt`. */
  addAdminOrder(facts: Omit<Facts, 'ref' | 'scripted'>, initialStatus: number, lineCount?: number): number {
    const ref = this.#nextAdminRef++;
    const full: Facts = { ...facts, ref, scripted: false };
    this.#admin.set(ref, { facts: full, lineCount });
    this.#records.set(ref, { events: [{ status: initialStatus, at: full.createdAt }], parcels: [] });
    const list = this.#adminByCreation;
    let i = list.length;
    while (i > 0 && (this.#admin.get(list[i - 1] as number)?.facts.createdAt as number) > full.createdAt) i--;
    list.splice(i, 0, ref);
    this.touch();
    return ref;
  }
}
