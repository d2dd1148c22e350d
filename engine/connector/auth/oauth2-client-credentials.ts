/**
 * `oauth2_client_credentials`: a bearer token from a token endpoint (RFC 6749 section 4.4),
 * cached until shortly before it expires, fetched once for all concurrent requests, and dropped
 * on a 401 so the next request fetches a fresh one. Octopia: token valid 2 h.
 */
import { durationToMs } from '../../channel/duration.ts';
import { OrderwireError } from '../../errors.ts';
import { requireCredential } from './credential.ts';
import type { AuthFactory } from './types.ts';

/** A form field or header value: a constant, or a credential by name. */
export type ValueSource = string | { credential: string };

export interface OAuth2ClientCredentialsSpec {
  type: 'oauth2_client_credentials';
  /** Token endpoint: a path appended to the account's auth URL (else its base URL), or an absolute URL. */
  token_url: string;
  /** Form fields of the token request. */
  form: Readonly<Record<string, ValueSource>>;
  /**
   * Client authentication by HTTP Basic (RFC 6749 section 2.3.1): `Authorization: Basic
   * base64(username:password)` on the token request, as bol.com requires, instead of (or beside)
   * client_id/client_secret form fields.
   */
  basic_auth?: { username: ValueSource; password: ValueSource };
  /** Drop the cached token this long before it expires (ISO-8601 duration, default PT1M). */
  refresh_before?: string;
  /** Lifetime assumed when the token response has no expires_in (default PT5M). */
  default_lifetime?: string;
}

export function resolveValue(source: ValueSource, credentials: Readonly<Record<string, string>>): string {
  return typeof source === 'string' ? source : requireCredential(credentials, source.credential);
}

/** An absolute token URL as is; a path appended to the root (the account's auth URL, else its base URL). */
export function resolveTokenUrl(tokenUrl: string, root: string): string {
  return /^https?:\/\//i.test(tokenUrl) ? tokenUrl : root.replace(/\/+$/, '') + tokenUrl;
}

interface CachedToken {
  value: string;
  refreshAt: number;
}

export const oauth2ClientCredentials: AuthFactory<OAuth2ClientCredentialsSpec> = (spec, ctx) => {
  const now = ctx.now ?? Date.now;
  const refreshBeforeMs = durationToMs(spec.refresh_before ?? 'PT1M') ?? 60_000;
  const defaultLifetimeMs = durationToMs(spec.default_lifetime ?? 'PT5M') ?? 300_000;
  const form: Record<string, string> = {};
  for (const [name, source] of Object.entries(spec.form)) form[name] = resolveValue(source, ctx.credentials);
  const secretValues = Object.entries(spec.form).filter(([, s]) => typeof s !== 'string').map(([name]) => form[name]!);
  const tokenHeaders: Record<string, string> = {};
  if (spec.basic_auth) {
    const basic = Buffer.from(`${resolveValue(spec.basic_auth.username, ctx.credentials)}:${resolveValue(spec.basic_auth.password, ctx.credentials)}`).toString('base64');
    tokenHeaders.Authorization = `Basic ${basic}`;
    secretValues.push(basic);
    if (typeof spec.basic_auth.password !== 'string') secretValues.push(resolveValue(spec.basic_auth.password, ctx.credentials));
  }
  const url = resolveTokenUrl(spec.token_url, ctx.baseUrl);
  let cached: CachedToken | undefined;
  let inflight: Promise<CachedToken> | undefined;

  async function fetchToken(signal?: AbortSignal): Promise<CachedToken> {
    const res = await ctx.postForm(url, form, signal, tokenHeaders);
    const body = (res.body ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (res.status < 200 || res.status >= 300 || typeof body.access_token !== 'string' || body.access_token === '') {
      // 4xx (429 aside): the form or the credentials are wrong; retrying will not help.
      const authRefused = res.status >= 400 && res.status < 500 && res.status !== 429;
      throw new OrderwireError(
        authRefused ? 'MARKETPLACE_AUTH_FAILED' : 'MARKETPLACE_UNAVAILABLE',
        `token request failed (HTTP ${res.status || 'no response'})${res.message ? `: ${res.message}` : ''}`,
        { status: res.status, ...(res.retryAfterMs !== undefined && { retryAfterMs: res.retryAfterMs }) },
      );
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : defaultLifetimeMs;
    return { value: body.access_token, refreshAt: now() + Math.max(0, lifetimeMs - refreshBeforeMs) };
  }

  async function token(signal?: AbortSignal): Promise<string> {
    if (cached && now() < cached.refreshAt) return cached.value;
    // One token request for every concurrent caller.
    inflight ??= fetchToken(signal).finally(() => {
      inflight = undefined;
    });
    cached = await inflight;
    return cached.value;
  }

  return {
    headers: async (signal) => ({ Authorization: `Bearer ${await token(signal)}` }),
    invalidate: () => {
      const had = cached !== undefined;
      cached = undefined;
      return had;
    },
    secrets: () => (cached ? [...secretValues, cached.value] : secretValues),
  };
};
