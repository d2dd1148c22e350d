/**
 * Mirakl-specific /_admin routes: create an order, read its full internal state (timeline with
 * scheduled steps), force a transition, run the lifecycle, and switch call-frequency ceilings.
 */
import type { FastifyInstance } from 'fastify';
import { SimulatorError } from '../errors.ts';
import { badAdminRequest, sendAdminError } from '../shared/admin.ts';
import type { SimClock } from '../shared/clock.ts';
import type { FaultSpec } from '../shared/faults.ts';
import { transition } from './actions.ts';
import { isObj } from './body-check.ts';
import { ORDER_STATES, isOrderState } from './catalog.ts';
import type { Carrier, Reason, ReasonType } from './catalog.ts';
import type { InstanceLists } from './reference-lists.ts';
import { canReach } from './lifecycle.ts';
import { renderOrder } from './render.ts';
import type { CallLimits } from './routes.ts';
import type { OrderBook, OrderOverrides, OrderRecord } from './store.ts';
import { refundStateAt, viewAt } from './timeline.ts';

export interface MiraklAdminOptions {
  book: OrderBook;
  clock: SimClock;
  getFaults: () => FaultSpec;
  getLimits: () => CallLimits | null;
  setLimits: (limits: CallLimits | null) => void;
  defaultLimits: CallLimits;
  lists: InstanceLists;
}

const REASON_TYPES: readonly string[] = ['INCIDENT_OPEN', 'INCIDENT_CLOSE', 'REFUND', 'CANCELATION', 'ORDER_MESSAGING'];

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw badAdminRequest(`${field} must be a non-empty string`, field);
  return value;
}

/** The body of PUT /_admin/reference-lists: carriers and/or reasons, shaped as SH21 and RE01 serve them. */
function parseReferenceLists(body: unknown): { carriers?: Carrier[]; reasons?: Reason[] } {
  if (!isObj(body) || (body.carriers === undefined && body.reasons === undefined)) throw badAdminRequest('body must be {"carriers"?: [...], "reasons"?: [...]}', 'body');
  const out: { carriers?: Carrier[]; reasons?: Reason[] } = {};
  if (body.carriers !== undefined) {
    if (!Array.isArray(body.carriers)) throw badAdminRequest('carriers must be a list', 'carriers');
    out.carriers = body.carriers.map((c: unknown, i: number) => {
      const at = `carriers[${i}]`;
      if (!isObj(c)) throw badAdminRequest(`${at} must be {code, label, tracking_url}`, at);
      const code = text(c.code, `${at}.code`);
      return { code, label: text(c.label, `${at}.label`), standard_code: typeof c.standard_code === 'string' ? c.standard_code : code, tracking_url: text(c.tracking_url, `${at}.tracking_url`) };
    });
  }
  if (body.reasons !== undefined) {
    if (!Array.isArray(body.reasons)) throw badAdminRequest('reasons must be a list', 'reasons');
    out.reasons = body.reasons.map((r: unknown, i: number) => {
      const at = `reasons[${i}]`;
      if (!isObj(r)) throw badAdminRequest(`${at} must be {code, label, type}`, at);
      const type = text(r.type, `${at}.type`);
      if (!REASON_TYPES.includes(type)) throw badAdminRequest(`${at}.type must be one of ${REASON_TYPES.join(', ')}`, `${at}.type`);
      return { code: text(r.code, `${at}.code`), label: text(r.label, `${at}.label`), type: type as ReasonType, is_shop_right: r.is_shop_right !== false };
    });
  }
  return out;
}

const iso = (t: number) => new Date(t).toISOString();

/** Everything the simulator holds about an order, dates unskewed, future steps included. */
export function internalState(order: OrderRecord, now: number): Record<string, unknown> {
  const tl = order.timeline;
  const next = tl.steps.find((s) => s.at > now);
  const refundEvents = tl.refunds.flatMap((r) => [r.paymentAt, r.refundedAt]).filter((t) => t > now);
  const nextAt = Math.min(next?.at ?? Infinity, ...refundEvents);
  return {
    order: renderOrder(order, { now, skewMs: 0 }),
    stored: order.stored,
    index: order.index,
    profile: { id: order.profile.profile.id, fate: order.profile.profile.fate, delays_ms: order.profile.profile.delays },
    state: viewAt(tl, order.content, now).state,
    next_event_at: Number.isFinite(nextAt) ? iso(nextAt) : null,
    timeline: {
      steps: tl.steps.map((s) => ({ at: iso(s.at), state: s.state, kind: s.kind, ...(s.decisions ? { decisions: s.decisions } : {}), past: s.at <= now })),
      refunds: tl.refunds.map((r) => ({
        id: r.id,
        line: r.line,
        amount: r.amount / 100,
        state: refundStateAt(r, now),
        created_at: iso(r.createdAt),
        payment_at: iso(r.paymentAt),
        refunded_at: iso(r.refundedAt),
      })),
      cancelations: tl.cancelations.map((c) => ({ id: c.id, line: c.line, amount: c.amount / 100, quantity: c.quantity, created_at: iso(c.createdAt) })),
      tracking: tl.tracking ? { ...tl.tracking, at: iso(tl.tracking.at) } : null,
      shipping_from: Object.fromEntries(Object.entries(tl.shippingFrom).map(([line, sf]) => [line, { ...sf, at: iso(sf.at) }])),
    },
  };
}

function parseOverrides(body: unknown, now: number): OrderOverrides {
  if (body === undefined || body === null) return {};
  if (!isObj(body)) throw badAdminRequest('body must be a JSON object of overrides', 'body');
  const known = ['lines', 'quantity', 'channel_code', 'fulfillment_center_code', 'shipping_type_code', 'taxes', 'state', 'created_date', 'reference_for_customer', 'reference_for_seller'];
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown) throw badAdminRequest(`${unknown} is not a known override (${known.join(', ')})`, unknown);
  const o: OrderOverrides = {};
  if (body.lines !== undefined) {
    if (typeof body.lines !== 'number' || !Number.isInteger(body.lines) || body.lines < 1 || body.lines > 4) throw badAdminRequest('lines must be an integer from 1 to 4', 'lines');
    o.lines = body.lines;
  }
  if (body.quantity !== undefined) {
    if (typeof body.quantity !== 'number' || !Number.isInteger(body.quantity) || body.quantity < 1 || body.quantity > 9) throw badAdminRequest('quantity must be an integer from 1 to 9', 'quantity');
    o.quantity = body.quantity;
  }
  if (body.channel_code !== undefined) {
    if (body.channel_code !== null && typeof body.channel_code !== 'string') throw badAdminRequest('channel_code must be a string or null', 'channel_code');
    o.channel_code = body.channel_code;
  }
  for (const key of ['fulfillment_center_code', 'shipping_type_code', 'reference_for_customer', 'reference_for_seller'] as const) {
    const v = body[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw badAdminRequest(`${key} must be a non-empty string`, key);
    o[key] = v;
  }
  if (body.taxes !== undefined) {
    if (typeof body.taxes !== 'boolean') throw badAdminRequest('taxes must be true or false', 'taxes');
    o.taxes = body.taxes;
  }
  if (body.state !== undefined) {
    if (typeof body.state !== 'string' || !isOrderState(body.state)) throw badAdminRequest(`state must be one of ${ORDER_STATES.join(', ')}`, 'state');
    o.state = body.state;
  }
  if (body.created_date !== undefined) {
    const t = typeof body.created_date === 'string' ? Date.parse(body.created_date) : NaN;
    if (Number.isNaN(t) || t > now) throw badAdminRequest('created_date must be an ISO 8601 date-time not after the simulated now', 'created_date');
    o.created_date = t;
  }
  return o;
}

export function registerMiraklAdminRoutes(app: FastifyInstance, opts: MiraklAdminOptions): void {
  const { book, clock } = opts;
  const find = (id: string, now: number) => {
    const order = book.get(id, now);
    if (!order) throw new SimulatorError('SIM_ORDER_NOT_FOUND', `order ${id} does not exist (yet) in this simulator`, { order_id: id });
    return order;
  };

  // The instance's carriers (SH21) and reasons (RE01): read them, or replace either list.
  const lists = () => ({ carriers: opts.lists.carriers, reasons: opts.lists.reasons });
  app.get('/_admin/reference-lists', async () => lists());
  app.put('/_admin/reference-lists', async (request, reply) => {
    try {
      opts.lists.replace(parseReferenceLists(request.body));
      return lists();
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  app.post('/_admin/orders', async (request, reply) => {
    try {
      const now = clock.now();
      const overrides = parseOverrides(request.body, now);
      let order: OrderRecord;
      try {
        order = book.create(overrides, now);
      } catch (error) {
        if (error instanceof RangeError) throw badAdminRequest(error.message, 'body');
        throw error;
      }
      return reply.code(201).send(internalState(order, now));
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  app.get('/_admin/orders/:id', async (request, reply) => {
    try {
      const now = clock.now();
      return internalState(find((request.params as { id: string }).id, now), now);
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  app.post('/_admin/orders/:id/advance', async (request, reply) => {
    try {
      const now = clock.now();
      const order = find((request.params as { id: string }).id, now);
      const body = request.body;
      const to = isObj(body) ? body.to : undefined;
      if (typeof to !== 'string' || !isOrderState(to)) throw badAdminRequest(`to must be one of ${ORDER_STATES.join(', ')}`, 'to');
      const from = viewAt(order.timeline, order.content, now).state;
      if (!canReach(from, to)) throw new SimulatorError('SIM_BAD_TRANSITION', `order ${order.id} is ${from} and cannot move to ${to}`, { from, to });
      const decisions = to === 'REFUSED' ? order.content.lines.map(() => false) : from === 'WAITING_ACCEPTANCE' ? order.content.lines.map(() => true) : undefined;
      transition({ book, now }, order, to, 'forced', decisions);
      return internalState(order, now);
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  // The lifecycle is computed from the clock on every read, so a tick has nothing to catch up:
  // it reports where the world stands.
  app.post('/_admin/tick', async () => {
    const now = clock.now();
    return { now: iso(now), generated_orders: book.schedule.visibleCount(now), stored_orders: book.storedCount };
  });

  app.get('/_admin/limits', async () => ({ enabled: opts.getLimits() !== null, limits: opts.getLimits() ?? opts.defaultLimits }));

  app.put('/_admin/limits', async (request, reply) => {
    const body = request.body;
    if (!isObj(body) || typeof body.enabled !== 'boolean') return sendAdminError(reply, badAdminRequest('body must be {"enabled": true|false}', 'enabled'));
    opts.setLimits(body.enabled ? opts.defaultLimits : null);
    return { enabled: body.enabled, limits: opts.defaultLimits };
  });
}
