/**
 * Every order the simulator knows: generated ones are rebuilt from (seed, index) whenever they
 * are read; only orders that changed through the API or the admin routes are stored, so memory
 * follows activity, not the number of generated orders.
 */
import { createRandom, hash32 } from '../shared/random.ts';
import type { Random } from '../shared/random.ts';
import { CHANNELS, FULFILLMENT_CENTERS, SHIPPING_TYPES } from './catalog.ts';
import type { CountryCode, OrderState } from './catalog.ts';
import { generateContent } from './content.ts';
import type { OrderContent } from './content.ts';
import { followUps } from './lifecycle.ts';
import { CompiledProfile } from './profiles.ts';
import type { Schedule } from './schedule.ts';
import { generatedTimeline } from './timeline.ts';
import type { Step, Timeline } from './timeline.ts';

export interface OrderRecord {
  id: string;
  commercialId: string;
  /** Generated index, or null for orders created through /_admin/orders. */
  index: number | null;
  /** Tie-break after the creation time: Mirakl sorts by date, then by order id. */
  rank: number;
  created: number;
  profile: CompiledProfile;
  content: OrderContent;
  timeline: Timeline;
  references?: { customer?: string; seller?: string };
  stored: boolean;
}

/** Admin-created ids ("SIMX…") sort after generated ones ("SIM0…") on equal dates, as their ranks do. */
const ADMIN_RANK_BASE = 2 ** 50;
const GENERATED_ID = /^SIM(\d{9})-A$/;
const COUNTRIES_WITHOUT_CHANNEL: readonly CountryCode[] = ['PRT', 'ESP', 'FRA'];

export function generatedCommercialId(index: number): string {
  return `SIM${String(index + 1).padStart(9, '0')}`;
}

export interface OrderOverrides {
  lines?: number;
  quantity?: number;
  channel_code?: string | null;
  fulfillment_center_code?: string;
  shipping_type_code?: string;
  taxes?: boolean;
  state?: OrderState;
  created_date?: number;
  reference_for_customer?: string;
  reference_for_seller?: string;
}

export interface OrderBookOptions {
  seed: number;
  schedule: Schedule;
  profiles: readonly CompiledProfile[];
  acceptanceDeadline: number;
}

export class OrderBook {
  readonly schedule: Schedule;
  readonly profiles: readonly CompiledProfile[];
  readonly acceptanceDeadline: number;
  readonly #root: Random;
  readonly #seed: number;
  readonly #stored = new Map<string, OrderRecord>();
  /** Generated indices that are stored, ascending (list queries skip them in the generated stream). */
  #storedIndices: number[] = [];
  #adminCount = 0;
  #idCounter = 1000;

  constructor(opts: OrderBookOptions) {
    this.#seed = opts.seed;
    this.schedule = opts.schedule;
    this.profiles = opts.profiles;
    this.acceptanceDeadline = opts.acceptanceDeadline;
    this.#root = createRandom(opts.seed).fork('orders');
  }

  get start(): number {
    return this.schedule.start;
  }

  /** Ids for refunds, cancelations and refund groups created through the API. */
  nextId(): string {
    return String(++this.#idCounter);
  }

  storedIndices(): readonly number[] {
    return this.#storedIndices;
  }

  storedOrders(): IterableIterator<OrderRecord> {
    return this.#stored.values();
  }

  get storedCount(): number {
    return this.#stored.size;
  }

  /** Builds generated order `index` as it stands (not stored). */
  generated(index: number): OrderRecord {
    const cp = this.profiles[this.schedule.profileOf(index)] as CompiledProfile;
    const created = this.schedule.created(index);
    const commercialId = generatedCommercialId(index);
    const id = `${commercialId}-A`;
    const country = cp.profile.channel?.country ?? (COUNTRIES_WITHOUT_CHANNEL[hash32(this.#seed, index, 5) % 3] as CountryCode);
    const content = generateContent(this.#root.fork(index), { commercialId, country });
    const timeline = generatedTimeline(cp, index, created, this.start, content, id);
    return { id, commercialId, index, rank: index, created, profile: cp, content, timeline, stored: false };
  }

  /** The order with this id if it exists at `now`. */
  get(orderId: string, now: number): OrderRecord | undefined {
    const stored = this.#stored.get(orderId);
    if (stored) return stored.created <= now ? stored : undefined;
    const m = GENERATED_ID.exec(orderId);
    if (!m) return undefined;
    const index = Number(m[1]) - 1;
    if (index < 0 || index >= this.schedule.visibleCount(now)) return undefined;
    return this.generated(index);
  }

  /** Line ids are "<order_id>-<line index>". */
  getLine(lineId: string, now: number): { order: OrderRecord; line: number } | undefined {
    const m = /^(.+)-(\d+)$/.exec(lineId);
    if (!m) return undefined;
    const order = this.get(m[1] as string, now);
    const line = Number(m[2]);
    if (!order || !order.content.lines.some((l) => l.index === line)) return undefined;
    return { order, line };
  }

  /** Keeps the order from now on (it is about to change). */
  store(order: OrderRecord): OrderRecord {
    if (order.stored) return order;
    order.stored = true;
    this.#stored.set(order.id, order);
    if (order.index !== null) {
      const list = this.#storedIndices;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((list[mid] as number) < order.index) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, order.index);
    }
    return order;
  }

  isStoredIndex(index: number): boolean {
    const list = this.#storedIndices;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return list[lo] === index;
  }

  /** A new order (POST /_admin/orders), created at `now` unless told otherwise. */
  create(overrides: OrderOverrides, now: number): OrderRecord {
    const n = ++this.#adminCount;
    const r = createRandom(this.#seed).fork('admin').fork(n);
    const base = this.profiles[n % this.profiles.length] as CompiledProfile;
    const channel = overrides.channel_code === undefined ? base.profile.channel : overrides.channel_code === null ? null : CHANNELS.find((c) => c.code === overrides.channel_code);
    if (channel === undefined) throw new RangeError(`channel_code must be one of ${CHANNELS.map((c) => c.code).join(', ')} or null`);
    const shippingType = overrides.shipping_type_code === undefined ? base.profile.shippingType : SHIPPING_TYPES.find((s) => s.code === overrides.shipping_type_code);
    if (!shippingType) throw new RangeError(`shipping_type_code must be one of ${SHIPPING_TYPES.map((s) => s.code).join(', ')}`);
    const fc = overrides.fulfillment_center_code ?? base.profile.fulfillmentCenter;
    if (!(FULFILLMENT_CENTERS as readonly string[]).includes(fc)) throw new RangeError(`fulfillment_center_code must be one of ${FULFILLMENT_CENTERS.join(', ')}`);
    const profile = new CompiledProfile(
      { ...base.profile, fate: 'happy', channel, shippingType, pickup: shippingType.pickup, fulfillmentCenter: fc },
      this.acceptanceDeadline,
    );
    const commercialId = `SIMX${String(n).padStart(8, '0')}`;
    const created = overrides.created_date ?? now;
    const content = generateContent(r, {
      commercialId,
      country: channel?.country ?? r.pick(COUNTRIES_WITHOUT_CHANNEL),
      ...(overrides.lines !== undefined ? { lines: overrides.lines } : {}),
      ...(overrides.quantity !== undefined ? { quantity: overrides.quantity } : {}),
      ...(overrides.taxes !== undefined ? { taxes: overrides.taxes } : {}),
    });
    const steps: Step[] = [{ at: created, state: 'STAGING', kind: 'created' }];
    const initial = overrides.state ?? 'STAGING';
    if (initial !== 'STAGING') steps.push({ at: created, state: initial, kind: 'forced' });
    for (const s of followUps(initial, 0, profile.profile, this.acceptanceDeadline)) steps.push({ at: created + s.off, state: s.state, kind: s.kind });
    const order: OrderRecord = {
      id: `${commercialId}-A`,
      commercialId,
      index: null,
      rank: ADMIN_RANK_BASE + n,
      created,
      profile,
      content,
      timeline: { steps, refunds: [], cancelations: [], tracking: null, shippingFrom: {} },
      stored: false,
    };
    if (overrides.reference_for_customer !== undefined || overrides.reference_for_seller !== undefined) {
      order.references = {
        ...(overrides.reference_for_customer !== undefined ? { customer: overrides.reference_for_customer } : {}),
        ...(overrides.reference_for_seller !== undefined ? { seller: overrides.reference_for_seller } : {}),
      };
    }
    return this.store(order);
  }
}
