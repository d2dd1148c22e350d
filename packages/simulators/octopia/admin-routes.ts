/**
 * Octopia's order routes under /_admin (snake_case bodies, like the shared admin API):
 * create an order, read its full internal state, force a transition, and the no-op tick.
 */
import type { FastifyInstance } from 'fastify';
import { SimulatorError } from '../errors.ts';
import { badAdminRequest, sendAdminError } from '../shared/admin.ts';
import type { SimClock } from '../shared/clock.ts';
import {
  LOGISTICS_MODES,
  ORDER_STATUSES,
  STATUS_CODE,
  SUPPLY_MODES,
  type LogisticsMode,
  type OrderStatus,
  type SupplyMode,
  isOrderStatus,
  kindOf,
  salesChannelIndex,
} from './domain.ts';
import type { OrderBook } from './order-book.ts';
import { reasonsFor } from './reference-data.ts';
import { renderOrder, statusName, viewOrder } from './render.ts';
import { initialStatus } from './timeline.ts';
import { DECISION_NONE } from './world.ts';

const S = STATUS_CODE;

/** Moves the marketplace allows (by action or clock), for forced transitions along a path. */
const NEXT: Readonly<Partial<Record<OrderStatus, readonly OrderStatus[]>>> = {
  Processing: ['WaitingAcceptance'],
  WaitingAcceptance: ['Accepted', 'Refused', 'Rejected'],
  Accepted: ['InPreparation', 'Cancelled'],
  InPreparation: ['Shipped', 'Cancelled'],
  Shipped: ['Delivered', 'Cancelled'],
  Delivered: ['Cancelled'],
};

export function pathBetween(from: OrderStatus, to: OrderStatus): OrderStatus[] | undefined {
  const previous = new Map<OrderStatus, OrderStatus>();
  const queue: OrderStatus[] = [from];
  while (queue.length > 0) {
    const s = queue.shift() as OrderStatus;
    for (const next of NEXT[s] ?? []) {
      if (previous.has(next) || next === from) continue;
      previous.set(next, s);
      if (next === to) {
        const path: OrderStatus[] = [to];
        let at = s;
        while (at !== from) {
          path.unshift(at);
          at = previous.get(at) as OrderStatus;
        }
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const CREATE_FIELDS = ['status', 'sales_channel_id', 'supply_mode', 'logistics_mode', 'lines', 'created_at'];

export function registerOctopiaAdminRoutes(app: FastifyInstance, book: OrderBook, clock: SimClock): void {
  const notFound = (id: string) => new SimulatorError('SIM_ORDER_NOT_FOUND', `no order ${id} in this simulator (or not created yet)`, { id });

  app.post('/_admin/orders', async (request, reply) => {
    try {
      const body = request.body ?? {};
      if (!isObject(body)) throw badAdminRequest(`body must be a JSON object with optional ${CREATE_FIELDS.join(', ')}`, 'body');
      const unknown = Object.keys(body).find((k) => !CREATE_FIELDS.includes(k));
      if (unknown) throw badAdminRequest(`${unknown} is not a known field (${CREATE_FIELDS.join(', ')})`, unknown);
      const now = clock.now();
      const supply = (body.supply_mode ?? 'Seller') as SupplyMode;
      if (!SUPPLY_MODES.includes(supply)) throw badAdminRequest(`supply_mode must be one of ${SUPPLY_MODES.join(', ')}`, 'supply_mode');
      const logistics = body.logistics_mode as LogisticsMode | undefined;
      if (logistics !== undefined && !LOGISTICS_MODES.includes(logistics)) throw badAdminRequest(`logistics_mode must be one of ${LOGISTICS_MODES.join(', ')}`, 'logistics_mode');
      const kind = kindOf(supply, logistics);
      const channel = salesChannelIndex(String(body.sales_channel_id ?? 'CDISCOUNT'));
      if (channel < 0) throw badAdminRequest(`sales_channel_id ${String(body.sales_channel_id)} is not a simulated sales channel`, 'sales_channel_id');
      const lines = body.lines;
      if (lines !== undefined && (typeof lines !== 'number' || !Number.isInteger(lines) || lines < 1 || lines > 20)) {
        throw badAdminRequest('lines must be an integer from 1 to 20', 'lines');
      }
      const createdAt = body.created_at === undefined ? now : Date.parse(String(body.created_at));
      if (!Number.isFinite(createdAt) || createdAt > now) throw badAdminRequest('created_at must be an ISO date-time not in the future', 'created_at');
      const start = statusName(initialStatus(kind));
      const target = body.status === undefined ? start : String(body.status);
      if (!isOrderStatus(target)) throw badAdminRequest(`status must be one of ${ORDER_STATUSES.join(', ')}`, 'status');
      const path = target === start ? [] : pathBetween(start, target);
      if (!path) throw new SimulatorError('SIM_BAD_TRANSITION', `a ${supply} order starts ${start} and cannot reach ${target}`, { field: 'status' });
      const ref = book.addAdminOrder(
        {
          createdAt,
          kind,
          channel,
          decision: DECISION_NONE,
          cancelBeforeShipment: false,
          cancelAfterDelivery: false,
          decisionDelay: 0,
          shipDelay: 0,
          cancelDelay: 0,
          cancelAfterDelay: 0,
        },
        S[start],
        lines as number | undefined,
      );
      forcePath(book, ref, start, path, now);
      const view = viewOrder(book, ref, now);
      if (!view) throw new Error('created order is not visible');
      return reply.code(201).send({ ref, order_id: view.content.orderId, order: renderOrder(book, view) });
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  app.get('/_admin/orders/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const now = clock.now();
    const ref = book.refOf(id, now);
    const view = ref === undefined ? undefined : viewOrder(book, ref, now);
    if (!view) return sendAdminError(reply, notFound(id));
    const events = [];
    for (let i = 0; i < view.timeline.length; i++) {
      const at = view.timeline.at[i] as number;
      events.push({ status: statusName(view.timeline.status[i] as number), at: new Date(at).toISOString(), past: i <= view.current });
    }
    return {
      ref: view.ref,
      generated: !book.isAdminRef(view.ref),
      changed_by_api: view.record !== undefined,
      facts: view.facts,
      timeline: events,
      record: view.record ?? null,
      order: renderOrder(book, view),
    };
  });

  app.post('/_admin/orders/:id/advance', async (request, reply) => {
    try {
      const { id } = request.params as { id: string };
      const body = request.body;
      if (!isObject(body) || typeof body.to !== 'string') throw badAdminRequest('body must be {"to": STATUS}', 'to');
      const to = body.to;
      if (!isOrderStatus(to)) throw badAdminRequest(`to must be one of ${ORDER_STATUSES.join(', ')}`, 'to');
      const now = clock.now();
      const ref = book.refOf(id, now);
      const view = ref === undefined ? undefined : viewOrder(book, ref, now);
      if (ref === undefined || !view) throw notFound(id);
      const from = statusName(view.timeline.status[view.current] as number);
      const path = pathBetween(from, to);
      if (!path) throw new SimulatorError('SIM_BAD_TRANSITION', `order ${id} is ${from} and cannot reach ${to}`, { field: 'to' });
      forcePath(book, ref, from, path, now);
      return { order: renderOrder(book, viewOrder(book, ref, now) as NonNullable<typeof view>) };
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  // A cancellation requested on lines of an InPreparation order: they show CancelRequest.
  app.post('/_admin/orders/:id/cancel-request', async (request, reply) => {
    try {
      const { id } = request.params as { id: string };
      const body = request.body;
      const by = isObject(body) ? body.requested_by : undefined;
      if (!isObject(body) || !Array.isArray(body.lines) || body.lines.length === 0 || (by !== 'Customer' && by !== 'Seller' && by !== 'SalesChannel')) {
        throw badAdminRequest('body must be {"lines": [orderLineId, ...], "requested_by": "Customer" | "Seller" | "SalesChannel"}', 'body');
      }
      const now = clock.now();
      const ref = book.refOf(id, now);
      const view = ref === undefined ? undefined : viewOrder(book, ref, now);
      if (ref === undefined || !view) throw notFound(id);
      const status = statusName(view.timeline.status[view.current] as number);
      if (status !== 'InPreparation') throw new SimulatorError('SIM_BAD_TRANSITION', `order ${id} is ${status}; a line cancellation request is simulated on InPreparation orders only`, { field: 'lines' });
      const lines = body.lines.map((lineId: unknown) => {
        const i = view.content.lines.findIndex((l) => l.orderLineId === lineId);
        if (i < 0) throw badAdminRequest(`${String(lineId)} is not a line of order ${id}`, 'lines');
        return i;
      });
      book.recordFor(ref, now).cancelRequest = { lines, requestedBy: by, at: now };
      book.touch();
      return { order: renderOrder(book, viewOrder(book, ref, now) as NonNullable<typeof view>) };
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  // The instance's reference lists: read them, or replace the carriers (a marketplace adding or
  // withdrawing one) with [{code, label}].
  app.get('/_admin/reference-lists', async () => ({ carriers: book.carriers.all.map((c) => ({ code: c.code, label: c.name })) }));
  app.put('/_admin/reference-lists', async (request, reply) => {
    try {
      const body = request.body;
      if (!isObject(body) || !Array.isArray(body.carriers)) throw badAdminRequest('body must be {"carriers": [{"code", "label"}, ...]}', 'carriers');
      const carriers = body.carriers.map((c: unknown, i: number) => {
        if (!isObject(c) || typeof c.code !== 'string' || c.code === '' || typeof c.label !== 'string' || c.label === '') {
          throw badAdminRequest(`carriers[${i}] must be {"code": "<text>", "label": "<text>"}`, `carriers[${i}]`);
        }
        return { code: c.code, name: c.label };
      });
      book.carriers.replace(carriers);
      return { carriers: book.carriers.all.map((c) => ({ code: c.code, label: c.name })) };
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  // Life is computed from the clock on every read, so there is nothing to run; the route reports.
  app.post('/_admin/tick', async () => {
    const now = clock.now();
    return { now: new Date(now).toISOString(), orders: book.world.existingCount(now) + book.adminRefs.length, changed: book.recordCount };
  });
}

/** Appends each status of `path` at `now`; a forced cancellation is recorded as the marketplace's. */
function forcePath(book: OrderBook, ref: number, from: OrderStatus, path: readonly OrderStatus[], now: number): void {
  let previous = from;
  for (const status of path) {
    const rec = book.transition(ref, S[status], now);
    if (status === 'Cancelled') {
      const reason = reasonsFor(previous)[0];
      if (reason) rec.cancellation = { reasonCode: reason.code, reasonLabel: reason.label, requestedBy: 'Marketplace', requestedAt: now, refundShipping: true };
    }
    previous = status;
  }
}
