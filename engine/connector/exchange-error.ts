/**
 * A failed exchange of a read (list, get) as a catalogued error. Messages come from the HTTP
 * client, already redacted; `where` names the part of a listing that failed (its page).
 */
import { OrderwireError } from '../errors.ts';
import type { Exchange } from './http/client.ts';

export function exchangeError(exchange: Exchange, where?: string): OrderwireError {
  const message = where === undefined ? exchange.message : `${where}: ${exchange.message}`;
  const details = {
    ...(exchange.status !== undefined && { status: exchange.status }),
    attempts: exchange.attempts,
    ...(exchange.retryAfterMs !== undefined && { retryAfterMs: exchange.retryAfterMs }),
  };
  if (exchange.final === 'rejected') {
    const auth = exchange.status === 401 || exchange.status === 403;
    return new OrderwireError(auth ? 'MARKETPLACE_AUTH_FAILED' : 'MARKETPLACE_REJECTED', message, details);
  }
  return new OrderwireError(exchange.status !== undefined ? 'MARKETPLACE_UNAVAILABLE' : 'MARKETPLACE_UNREACHABLE', message, details);
}
