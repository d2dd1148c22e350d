/**
 * Bearer-token authentication and account scoping for the /v1 routes.
 * - No token: 401 API_AUTH_REQUIRED; unknown, malformed or revoked token: 401 API_TOKEN_INVALID.
 * - A token sees and acts only on its accounts. A filter naming another account is refused with
 *   403 API_ACCOUNT_FORBIDDEN; a single resource (order, action, webhook) of another account
 *   answers 404 as if it did not exist, so ids of other accounts reveal nothing.
 * - An address that keeps failing to authenticate is refused for a while (auth-failures.ts).
 * The token text is never logged: its id and name are attached to the request's log lines.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiToken, Store } from '../store/store.ts';
import { AuthFailureLimiter } from './auth-failures.ts';
import { apiError } from './problem.ts';
import { hashToken, looksLikeToken } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated token of a /v1 request (null on public routes). */
    apiToken: ApiToken | null;
  }
}

export const BEARER_SCHEME = 'bearerAuth';

export function isBusinessRoute(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/v1/');
}

export function installAuth(app: FastifyInstance, store: Store, failures = new AuthFailureLimiter()): void {
  app.decorateRequest('apiToken', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!isBusinessRoute(request.routeOptions.url)) return;
    const wait = failures.blockedFor(request.ip);
    if (wait > 0) {
      reply.header('Retry-After', String(Math.ceil(wait / 1000)));
      throw apiError('API_AUTH_RATE_LIMITED', `too many failed authentications from ${request.ip}; retry in ${Math.ceil(wait / 1000)} s`);
    }
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      failures.recordFailure(request.ip);
      reply.header('WWW-Authenticate', 'Bearer realm="orderwire"');
      throw apiError('API_AUTH_REQUIRED', 'this route needs an API token: Authorization: Bearer ow_...');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match && looksLikeToken(match[1]!) ? await store.findApiToken(hashToken(match[1]!)) : undefined;
    if (!token) {
      failures.recordFailure(request.ip);
      reply.header('WWW-Authenticate', 'Bearer realm="orderwire", error="invalid_token"');
      throw apiError('API_TOKEN_INVALID', 'the API token is unknown, malformed or revoked');
    }
    request.apiToken = token;
    // Which client made the request, on every line logged for it (the token's value never is).
    request.log = request.log.child({ token_id: token.id, token_name: token.name });
    reply.log = request.log;
  });
}

export function tokenOf(request: FastifyRequest): ApiToken {
  if (!request.apiToken) throw new Error('tokenOf called on a route without authentication');
  return request.apiToken;
}

export function inScope(request: FastifyRequest, account: string): boolean {
  return tokenOf(request).accounts.includes(account);
}

/** The accounts a listing covers: the requested one (403 when outside the scope) or all of the token's. */
export function scopedAccounts(request: FastifyRequest, requested: string | undefined, field = '/query/account'): string[] {
  const accounts = tokenOf(request).accounts;
  if (requested === undefined) return accounts;
  requireScope(request, [requested], field);
  return [requested];
}

export function requireScope(request: FastifyRequest, accounts: readonly string[], field: string): void {
  const outside = accounts.filter((a) => !inScope(request, a));
  if (outside.length > 0) {
    throw apiError('API_ACCOUNT_FORBIDDEN', `this token is not scoped to ${outside.map((a) => `"${a}"`).join(', ')}`,
      outside.map((a) => ({ field, code: 'API_ACCOUNT_FORBIDDEN', message: `account "${a}" is outside the token's scope` })));
  }
}
