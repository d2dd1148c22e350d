import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OrderwireError } from '../../errors.ts';
import { PLATFORM_SCHEMA_FILE } from '../platform/load.ts';
import { createAuth, type AuthSpec, type PostForm } from './index.ts';

/** The auth types a platform file may name (schemas/platform.schema.json). */
const SCHEMA_AUTH_TYPES = (JSON.parse(readFileSync(PLATFORM_SCHEMA_FILE, 'utf8')) as { $defs: { auth: { properties: { type: { enum: string[] } } } } }).$defs.auth.properties.type.enum;

/** A token endpoint in memory: records each form, answers with `reply` (a fresh token each time). */
function tokenEndpoint(reply: (n: number) => { status: number; body: unknown } = (n) => ({ status: 200, body: { access_token: `tok-${n}`, expires_in: 7200 } })) {
  const calls: Array<{ url: string; form: Record<string, string> }> = [];
  const postForm: PostForm = async (url, form) => {
    calls.push({ url, form });
    return reply(calls.length);
  };
  return { calls, postForm };
}

const oauth = {
  type: 'oauth2_client_credentials',
  token_url: '/auth/token',
  form: { grant_type: 'client_credentials', client_id: { credential: 'client_id' }, client_secret: { credential: 'client_secret' } },
  refresh_before: 'PT5M',
} as const;
const credentials = { client_id: 'cid', client_secret: 's3cret-value' };

describe('auth strategies', () => {
  it('every auth type a platform file may name authenticates requests with the account credentials', async () => {
    // One working example per type; a type the schema gains without one fails here.
    const examples: Record<string, { spec: AuthSpec; credentials: Record<string, string>; headers: Record<string, string> }> = {
      api_key_header: { spec: { type: 'api_key_header', header: 'X-Shop-Key', credential: 'api_key' }, credentials: { api_key: 'k-789' }, headers: { 'X-Shop-Key': 'k-789' } },
      oauth2_client_credentials: { spec: oauth, credentials, headers: { Authorization: 'Bearer tok-1' } },
    };
    for (const type of SCHEMA_AUTH_TYPES) {
      const example = examples[type];
      expect(example, `no example for auth type ${type}`).toBeDefined();
      const endpoint = tokenEndpoint();
      const auth = createAuth(example!.spec, { credentials: example!.credentials, baseUrl: 'http://x', postForm: endpoint.postForm });
      expect(await auth.headers()).toEqual(example!.headers);
      // Whatever the type, the credentials are secrets the logs must hide.
      expect(auth.secrets()).toEqual(expect.arrayContaining(Object.values(example!.credentials)));
    }
  });

  it('api_key_header: the raw key in the header; a 401 cannot be helped', async () => {
    const auth = createAuth({ type: 'api_key_header', header: 'Authorization', credential: 'api_key' }, { credentials: { api_key: 'k-123456' }, baseUrl: 'http://x', postForm: tokenEndpoint().postForm });
    expect(await auth.headers()).toEqual({ Authorization: 'k-123456' });
    expect(auth.invalidate()).toBe(false);
    expect(auth.secrets()).toEqual(['k-123456']);
  });

  it('names a missing credential, never its value', () => {
    try {
      createAuth({ type: 'api_key_header', header: 'Authorization', credential: 'api_key' }, { credentials: {}, baseUrl: 'http://x', postForm: tokenEndpoint().postForm });
      expect.unreachable();
    } catch (err) {
      expect((err as OrderwireError).code).toBe('CONNECTOR_CREDENTIAL_MISSING');
      expect((err as Error).message).toContain('"api_key"');
    }
  });

  it('oauth2: posts the form to root + token path, caches the token, one fetch for concurrent callers', async () => {
    const endpoint = tokenEndpoint();
    const auth = createAuth(oauth, { credentials, baseUrl: 'http://auth.example/', postForm: endpoint.postForm });
    const all = await Promise.all([auth.headers(), auth.headers(), auth.headers()]);
    expect(all).toEqual(Array(3).fill({ Authorization: 'Bearer tok-1' }));
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer tok-1' });
    expect(endpoint.calls).toEqual([{ url: 'http://auth.example/auth/token', form: { grant_type: 'client_credentials', client_id: 'cid', client_secret: 's3cret-value' } }]);
    expect(auth.secrets()).toEqual(expect.arrayContaining(['cid', 's3cret-value', 'tok-1']));
  });

  it('oauth2: refreshes shortly before expiry', async () => {
    let now = 0;
    const endpoint = tokenEndpoint();
    const auth = createAuth(oauth, { credentials, baseUrl: 'http://a', postForm: endpoint.postForm, now: () => now });
    await auth.headers();
    now = (7200 - 5 * 60) * 1000 - 1;
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer tok-1' });
    now += 1;
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer tok-2' });
  });

  it('oauth2: after a 401 the cached token is dropped once', async () => {
    const endpoint = tokenEndpoint();
    const auth = createAuth(oauth, { credentials, baseUrl: 'http://a', postForm: endpoint.postForm });
    expect(auth.invalidate()).toBe(false);
    await auth.headers();
    expect(auth.invalidate()).toBe(true);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer tok-2' });
  });

  it('oauth2: a refused token request is an auth failure; an unavailable one is not', async () => {
    const refused = createAuth(oauth, { credentials, baseUrl: 'http://a', postForm: tokenEndpoint(() => ({ status: 401, body: { error: 'invalid_client' } })).postForm });
    await expect(refused.headers()).rejects.toMatchObject({ code: 'MARKETPLACE_AUTH_FAILED' });
    const down = createAuth(oauth, { credentials, baseUrl: 'http://a', postForm: tokenEndpoint(() => ({ status: 503, body: undefined })).postForm });
    await expect(down.headers()).rejects.toMatchObject({ code: 'MARKETPLACE_UNAVAILABLE' });
  });

  it('oauth2: an absolute token URL is used as is', async () => {
    const endpoint = tokenEndpoint();
    const auth = createAuth({ ...oauth, token_url: 'https://auth.example/t' }, { credentials, baseUrl: 'http://a', postForm: endpoint.postForm });
    await auth.headers();
    expect(endpoint.calls[0]?.url).toBe('https://auth.example/t');
  });
});
