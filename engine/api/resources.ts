/** Store records as the API shows them (snake_case, no internal lease fields). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrderAcknowledgement, OrderEvent, StoredAction, StoredOrder } from '../store/store.ts';

export function acknowledgementResource(ack: OrderAcknowledgement | undefined): Record<string, unknown> | null {
  if (!ack) return null;
  const { order_id: _order, account: _account, ...rest } = ack;
  return rest;
}

export function orderResource(stored: StoredOrder, ack: OrderAcknowledgement | undefined, options: { raw?: boolean } = {}): Record<string, unknown> {
  const { raw, ...order } = stored.order;
  return {
    id: stored.id,
    version: stored.version,
    first_seen_at: stored.first_seen_at,
    last_changed_at: stored.last_changed_at,
    personal_data_redacted_at: stored.personal_data_redacted_at ?? null,
    acknowledgement: acknowledgementResource(ack),
    ...order,
    ...(options.raw && { raw }),
  };
}

export function historyEntry(e: OrderEvent): Record<string, unknown> {
  const { order_id: _o, account: _a, channel: _c, marketplace_order_id: _m, ...rest } = e;
  return rest;
}

export function actionUrl(id: string): string {
  return `/v1/actions/${encodeURIComponent(id)}`;
}

/** An action without what is internal to the engine: leases, the worker's progress, the submission fingerprint. */
export function publicAction(a: StoredAction): Omit<StoredAction, 'lease_owner' | 'lease_until' | 'progress' | 'fingerprint'> {
  const { lease_owner: _owner, lease_until: _until, progress: _progress, fingerprint: _fingerprint, ...rest } = a;
  return rest;
}

export function actionResource(a: StoredAction, orderId?: string): Record<string, unknown> {
  const { id, ...rest } = publicAction(a);
  return { id, url: actionUrl(id), order_id: orderId ?? null, ...rest };
}

/** Sets the Link header of a page and returns its `next` for the body. */
export function linkNext(request: FastifyRequest, reply: FastifyReply, next: string | undefined, param = 'after'): string | null {
  if (next === undefined) return null;
  const url = new URL(request.url, 'http://localhost');
  url.searchParams.set(param, next);
  reply.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
  return next;
}
