import { createHmac } from 'node:crypto';
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

/** Kaufland's scheme as a platform file writes it (channels/platforms/kaufland.yaml). */
const hmac = {
  type: 'hmac_signature',
  secret: { credential: 'secret_key' },
  string_to_sign: '${method}\n${url}\n${body}\n${timestamp}',
  headers: { 'Shop-Client-Key': { credential: 'client_key' }, 'Shop-Timestamp': '${timestamp}', 'Shop-Signature': '${signature}' },
} as const;
const kaufland = { client_key: '35f5dba43b471cd2ad28fd68e4825e2b', secret_key: 'b3575f222f7b768c25160b879699118b331c6883dd6010864b7ead130be77cd5' };
const NOW = 1_764_970_000_123;
const PATCH = { method: 'PATCH', url: 'https://sellerapi.kaufland.com/v2/order-units/314567896580917/send', body: '{"tracking_numbers":"0034","carrier_code":"DHL"}' };
/** Kaufland's signRequest (https://sellerapi.kaufland.com/?page=rest-api), written out. */
const kauflandSignature = (method: string, uri: string, body: string, timestamp: number) => createHmac('sha256', kaufland.secret_key).update([method, uri, body, timestamp].join('\n')).digest('hex');

describe('auth strategies', () => {
  it('every auth type a platform file may name authenticates requests with the account credentials', async () => {
    // One working example per type; a type the schema gains without one fails here.
    const examples: Record<string, { spec: AuthSpec; credentials: Record<string, string>; headers: Record<string, string> }> = {
      api_key_header: { spec: { type: 'api_key_header', header: 'X-Shop-Key', credential: 'api_key' }, credentials: { api_key: 'k-789' }, headers: { 'X-Shop-Key': 'k-789' } },
      oauth2_client_credentials: { spec: oauth, credentials, headers: { Authorization: 'Bearer tok-1' } },
      hmac_signature: { spec: hmac, credentials: kaufland, headers: { 'Shop-Client-Key': kaufland.client_key, 'Shop-Timestamp': '1764970000', 'Shop-Signature': kauflandSignature('PATCH', PATCH.url, PATCH.body, 1764970000) } },
    };
    for (const type of SCHEMA_AUTH_TYPES) {
      const example = examples[type];
      expect(example, `no example for auth type ${type}`).toBeDefined();
      const endpoint = tokenEndpoint();
      const auth = createAuth(example!.spec, { credentials: example!.credentials, baseUrl: 'http://x', postForm: endpoint.postForm, now: () => NOW });
      // The request as it goes on the wire: what a signing strategy signs, the others ignore.
      expect(await auth.headers(undefined, PATCH)).toEqual(example!.headers);
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

  it('hmac_signature: each request signed as it goes, never the secret in a header; a 401 cannot be helped', async () => {
    let now = NOW;
    const auth = createAuth(hmac, { credentials: kaufland, baseUrl: 'http://x', postForm: tokenEndpoint().postForm, now: () => now });
    expect(auth.signs).toBe(true);
    const get = { method: 'GET', url: 'https://sellerapi.kaufland.com/v2/orders?ts_units_updated_from_iso=2026-12-05T21%3A00%3A00Z&limit=100&offset=0', body: '' };
    const first = await auth.headers(undefined, get);
    expect(first['Shop-Signature']).toBe(kauflandSignature('GET', get.url, '', 1764970000));
    // Another URL, body or second: another signature (a signature is never reused).
    expect((await auth.headers(undefined, { ...get, url: `${get.url}1` }))['Shop-Signature']).not.toBe(first['Shop-Signature']);
    expect((await auth.headers(undefined, { ...PATCH, body: '{}' }))['Shop-Signature']).not.toBe((await auth.headers(undefined, PATCH))['Shop-Signature']);
    now += 1000;
    expect(await auth.headers(undefined, get)).toMatchObject({ 'Shop-Timestamp': '1764970001', 'Shop-Signature': kauflandSignature('GET', get.url, '', 1764970001) });
    expect(Object.values(first)).not.toContain(kaufland.secret_key);
    expect(auth.invalidate()).toBe(false);
    expect(auth.secrets()).toEqual(expect.arrayContaining([kaufland.secret_key, kaufland.client_key]));
    // Nothing to sign: a bug of the caller, not a request sent unsigned.
    await expect(auth.headers()).rejects.toThrow(/signs requests/);
  });

  it('hmac_signature: the path, base64, milliseconds and another hash are YAML too', async () => {
    const spec = { ...hmac, algorithm: 'sha512', encoding: 'base64', timestamp: 'epoch_ms', string_to_sign: '${timestamp}${method}${path}${body}', headers: { 'X-Signature': 'v1=${signature}', 'X-Time': '${timestamp}' } } as const;
    const auth = createAuth(spec, { credentials: kaufland, baseUrl: 'http://x', postForm: tokenEndpoint().postForm, now: () => NOW });
    const expected = createHmac('sha512', kaufland.secret_key).update(`${NOW}PATCH/v2/order-units/314567896580917/send${PATCH.body}`).digest('base64');
    expect(await auth.headers(undefined, PATCH)).toEqual({ 'X-Signature': `v1=${expected}`, 'X-Time': String(NOW) });
  });
});
