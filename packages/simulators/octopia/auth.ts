/**
 * OAuth2 client-credentials as Octopia runs it (Keycloak realm "maas"): POST the form to the token
 * endpoint, get a Bearer token valid 2 hours of simulated time, send it with the SellerId header.
 * Tokens are random and kept only in memory; expired ones are dropped as new ones are issued.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimClock } from '../shared/clock.ts';
import { RateLimiter } from '../shared/rate-limit.ts';
import { HOUR, TIMING } from './domain.ts';
import { problem, sendProblem } from './problems.ts';

export const TOKEN_PATH = '/auth/realms/maas/protocol/openid-connect/token';

export interface OctopiaCredentials {
  clientId: string;
  clientSecret: string;
  sellerId: string;
}

export interface AuthOptions {
  clock: SimClock;
  credentials: OctopiaCredentials;
  /** Tokens a client may obtain per hour (the one published ceiling: 500). 0 disables the limit. */
  tokenQuotaPerHour: number;
}

const PRUNE_AT = 4096;

export function generateCredentials(): OctopiaCredentials {
  return {
    clientId: `sim-client-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(18).toString('base64url'),
    sellerId: String(10_000 + (randomBytes(4).readUInt32BE() % 890_000)),
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** OAuth2 error form (RFC 6749 section 5.2), as Keycloak answers. */
function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify({ error, error_description: description }));
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 2.3.1: both parts are form-urlencoded before base64.
  const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export class TokenIssuer {
  readonly #tokens = new Map<string, number>();
  readonly #opts: AuthOptions;
  readonly #quota: RateLimiter | undefined;

  constructor(opts: AuthOptions) {
    this.#opts = opts;
    this.#quota = opts.tokenQuotaPerHour > 0 ? new RateLimiter({ limit: opts.tokenQuotaPerHour, windowMs: HOUR }) : undefined;
  }

  get liveTokens(): number {
    return this.#tokens.size;
  }

  register(app: FastifyInstance): void {
    app.post(TOKEN_PATH, async (request, reply) => this.#issue(request, reply));
  }

  async #issue(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const contentType = String(request.headers['content-type'] ?? '');
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(reply, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type === undefined) return oauthError(reply, 400, 'invalid_request', 'Missing form parameter: grant_type');
    if (form.grant_type !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant_type "${form.grant_type}"; use client_credentials`);
    }
    const basic = basicCredentials(request.headers.authorization);
    const id = basic?.id ?? form.client_id;
    const secret = basic?.secret ?? form.client_secret;
    if (id === undefined || secret === undefined) {
      return oauthError(reply, 401, 'invalid_client', 'Client credentials missing: send client_id and client_secret, or HTTP Basic auth');
    }
    const expected = this.#opts.credentials;
    if (!same(id, expected.clientId) || !same(secret, expected.clientSecret)) {
      if (basic) reply.header('www-authenticate', 'Basic realm="maas"');
      return oauthError(reply, 401, 'invalid_client', 'Invalid client or Invalid client credentials');
    }
    const now = this.#opts.clock.now();
    const decision = this.#quota?.take(id, now);
    if (decision && !decision.ok) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return oauthError(reply, 429, 'too_many_requests', `Token quota exceeded (${this.#opts.tokenQuotaPerHour} tokens per hour per client); reuse the token you have`);
    }
    if (this.#tokens.size >= PRUNE_AT) this.#prune(now);
    const token = randomBytes(32).toString('base64url');
    this.#tokens.set(token, now + TIMING.tokenLifetimeMs);
    return reply
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(JSON.stringify({ access_token: token, expires_in: TIMING.tokenLifetimeMs / 1000, token_type: 'Bearer', scope: '' }));
  }

  #prune(now: number): void {
    for (const [token, expiresAt] of this.#tokens) if (expiresAt <= now) this.#tokens.delete(token);
  }

  /**
   * Guards the seller API: a valid Bearer token first (401), then the SellerId header: missing
   * is a malformed request (400), another seller's id is forbidden (403).
   */
  guard(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    const instance = request.url.split('?', 1)[0];
    const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!m) {
      reply.header('www-authenticate', 'Bearer realm="maas"');
      return sendProblem(reply, problem(401, 'unauthorized', 'Missing Authorization: Bearer <access_token> header', instance));
    }
    const expiresAt = this.#tokens.get(m[1] as string);
    if (expiresAt === undefined || expiresAt <= this.#opts.clock.now()) {
      reply.header('www-authenticate', 'Bearer realm="maas", error="invalid_token"');
      const detail = expiresAt === undefined ? 'The access token is unknown' : 'The access token has expired; request a new one';
      return sendProblem(reply, problem(401, 'unauthorized', detail, instance));
    }
    const sellerId = request.headers.sellerid;
    if (sellerId === undefined || sellerId === '') {
      return sendProblem(reply, problem(400, 'missing-seller-id', 'The SellerId header is required', instance));
    }
    if (sellerId !== this.#opts.credentials.sellerId) {
      return sendProblem(reply, problem(403, 'forbidden-seller', `This client may not act for seller ${String(sellerId)}`, instance));
    }
    return undefined;
  }
}
