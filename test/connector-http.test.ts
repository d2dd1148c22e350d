/**
 * The connector's HTTP client against a real fastify server on 127.0.0.1: retries (429 with
 * Retry-After, 5xx with backoff, never other 4xx), timeouts, ambiguous non-idempotent requests,
 * budgets that wait, the concurrency cap, OAuth2 token caching and refresh, and redaction.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuth, type AuthStrategy } from '../engine/connector/auth/index.ts';
import { HttpClient, type HttpClientOptions } from '../engine/connector/http/client.ts';
import { AccountLimiter } from '../engine/connector/http/limiter.ts';
import { createRedactor } from '../engine/connector/http/redact.ts';
import { testServers } from './helpers/http-server.ts';

const servers = testServers();
const serve = servers.serve;
const clients: HttpClient[] = [];

interface Logged {
  obj: Record<string, unknown>;
  msg: string;
}

function client(options: Partial<HttpClientOptions> & { secrets?: string[] } = {}): { http: HttpClient; logs: Logged[] } {
  const logs: Logged[] = [];
  const http = new HttpClient({
    limiter: new AccountLimiter({ concurrency: 4 }),
    redact: createRedactor(() => [...(options.secrets ?? []), ...(options.auth?.secrets() ?? [])]),
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2_000 },
    timeouts: { connect: 1_000, response: 1_000 },
    random: () => 0.5,
    logger: { warn: (obj, msg) => logs.push({ obj, msg }) },
    ...options,
  });
  clients.push(http);
  return { http, logs };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await servers.close();
});

describe('HTTP client: retries', () => {
  it('honours Retry-After on 429, then succeeds', async () => {
    let calls = 0;
    const base = await serve((app) =>
      app.get('/api/orders', async (_req, reply) => (++calls === 1 ? reply.code(429).header('retry-after', '1').send({ message: 'slow down' }) : { orders: [] })),
    );
    const { http, logs } = client();
    const exchange = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/api/orders` });
    expect(exchange).toMatchObject({ final: 'success', status: 200, body: { orders: [] }, attempts: 2 });
    expect(logs.map((l) => l.obj.delayMs)).toEqual([1_000]);
  });

  it('retries 5xx of a read with exponential backoff (full jitter) and reports transient when they persist', async () => {
    let calls = 0;
    const base = await serve((app) => app.get('/x', async (_req, reply) => reply.code(++calls < 3 ? 503 : 502).send({ message: `down ${calls}` })));
    const { http, logs } = client();
    const exchange = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/x` });
    expect(calls).toBe(3);
    // random 0.5 of a ceiling of 20 ms, then 40 ms.
    expect(logs.map((l) => l.obj.delayMs)).toEqual([10, 20]);
    expect(exchange).toMatchObject({ final: 'transient', status: 502, attempts: 3 });
    expect(exchange.message).toBe('GET /x: HTTP 502: down 3 (after 3 attempts)');
  });

  it('a 5xx to a request that changes state is not retried: ambiguous, since the change may have been applied', async () => {
    let calls = 0;
    const base = await serve((app) => app.put('/x', async (_req, reply) => {
      calls++;
      return reply.code(502).send({ message: 'bad gateway' });
    }));
    const { http } = client();
    const exchange = await http.send({ endpoint: 'OR28', method: 'PUT', url: `${base}/x`, body: { a: 1 } });
    expect(calls).toBe(1);
    expect(exchange).toMatchObject({ final: 'ambiguous', status: 502, attempts: 1 });
  });

  it('never retries other 4xx: rejected with the marketplace message', async () => {
    let calls = 0;
    const base = await serve((app) => app.put('/x', async (_req, reply) => {
      calls++;
      return reply.code(400).send({ status: 400, message: 'ORDER_INVALID_STATE' });
    }));
    const { http } = client();
    const exchange = await http.send({ endpoint: 'OR21', method: 'PUT', url: `${base}/x`, body: {} });
    expect(calls).toBe(1);
    expect(exchange).toMatchObject({ final: 'rejected', status: 400, message: 'PUT /x: HTTP 400: ORDER_INVALID_STATE', attempts: 1 });
  });

  it('a GET that times out is retried', async () => {
    let calls = 0;
    const base = await serve((app) => app.get('/slow', async () => {
      if (++calls === 1) await sleep(400);
      return { ok: true };
    }));
    const { http } = client({ timeouts: { connect: 1_000, response: 100 } });
    const exchange = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/slow` });
    expect(exchange).toMatchObject({ final: 'success', body: { ok: true }, attempts: 2 });
  });

  it('a PUT that times out after it was sent is not retried: ambiguous', async () => {
    let calls = 0;
    const base = await serve((app) => app.put('/slow', async (_req, reply) => {
      calls++;
      await sleep(400);
      return reply.code(204).send();
    }));
    const { http } = client({ timeouts: { connect: 1_000, response: 100 } });
    const exchange = await http.send({ endpoint: 'OR24', method: 'PUT', url: `${base}/slow` });
    expect(calls).toBe(1);
    expect(exchange.final).toBe('ambiguous');
    expect(exchange.message).toMatch(/^PUT \/slow: timeout \(request\) after the request was sent; it may have taken effect$|^PUT \/slow: timeout \(response\) after the request was sent; it may have taken effect$/);
  });

  it('a PUT whose connection is refused was never sent: transient at once, for the caller to send again (the client does not repeat it)', async () => {
    const base = await serve((app) => app.get('/', async () => ({})));
    await servers.close();
    const { http } = client();
    const exchange = await http.send({ endpoint: 'OR24', method: 'PUT', url: `${base}/x` });
    expect(exchange).toMatchObject({ final: 'transient', attempts: 1 });
    expect(exchange.message).toContain('ECONNREFUSED');
  });

  it('a PUT may be declared idempotent and is then retried after a timeout', async () => {
    let calls = 0;
    const base = await serve((app) => app.put('/tracking', async (_req, reply) => {
      if (++calls === 1) await sleep(400);
      return reply.code(204).send();
    }));
    const { http } = client({ timeouts: { connect: 1_000, response: 100 } });
    const exchange = await http.send({ endpoint: 'OR23', method: 'PUT', url: `${base}/tracking`, body: { tracking_number: '1' }, idempotent: true });
    expect(exchange).toMatchObject({ final: 'success', status: 204, attempts: 2 });
  });
});

describe('HTTP client: bodies', () => {
  it('decodes a JSON body whose multi-byte characters are split across chunks, and gives other bodies as text', async () => {
    const json = Buffer.from(JSON.stringify({ name: 'Zoë Çelik 東京 🚚', note: 'é'.repeat(3000) }), 'utf8');
    const base = await serve((app) => {
      app.get('/json', (_req, reply) => {
        // Cut every 7 bytes: 'ë', 'é' (2 bytes), '東' (3) and '🚚' (4) fall across chunk boundaries.
        const chunks = Array.from({ length: Math.ceil(json.length / 7) }, (_, i) => json.subarray(i * 7, i * 7 + 7));
        reply.header('content-type', 'application/json; charset=utf-8').send(Readable.from(chunks));
      });
      app.get('/text', async (_req, reply) => reply.header('content-type', 'text/plain').send('déjà vu'));
      app.get('/empty', async (_req, reply) => reply.code(204).send());
    });
    const { http } = client();
    const parsed = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/json` });
    expect(parsed).toMatchObject({ final: 'success', body: { name: 'Zoë Çelik 東京 🚚', note: 'é'.repeat(3000) } });
    expect(await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/text` })).toMatchObject({ final: 'success', body: 'déjà vu' });
    const empty = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/empty` });
    expect(empty.final).toBe('success');
    expect(empty.body).toBeUndefined();
  });
});

describe('HTTP client: limiter', () => {
  it('waits for the endpoint budget instead of failing', async () => {
    const base = await serve((app) => app.get('/api/orders', async () => ({ orders: [] })));
    const waits: Array<{ endpoint: string; waitMs: number }> = [];
    const limiter = new AccountLimiter({ concurrency: 2, budgets: { OR11: { limit: 1, perMs: 150 } }, onBudgetWait: (e) => waits.push(e) });
    const { http } = client({ limiter });
    const first = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/api/orders` });
    const second = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/api/orders` });
    expect([first.final, second.final]).toEqual(['success', 'success']);
    expect(waits).toHaveLength(1);
    expect(waits[0]?.endpoint).toBe('OR11');
    expect(waits[0]?.waitMs).toBeGreaterThan(0);
    // Another endpoint has no budget: no wait.
    await http.send({ endpoint: 'OR11_by_id', method: 'GET', url: `${base}/api/orders` });
    expect(waits).toHaveLength(1);
  });

  it('keeps at most `concurrency` requests in flight for the account', async () => {
    let inFlight = 0;
    let max = 0;
    const base = await serve((app) => app.get('/x', async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await sleep(30);
      inFlight--;
      return {};
    }));
    const { http } = client({ limiter: new AccountLimiter({ concurrency: 2 }) });
    const all = await Promise.all(Array.from({ length: 6 }, () => http.send({ endpoint: 'x', method: 'GET', url: `${base}/x` })));
    expect(all.every((e) => e.final === 'success')).toBe(true);
    expect(max).toBe(2);
  });
});

describe('HTTP client: auth and redaction', () => {
  it('fetches an OAuth2 token once for concurrent requests and refreshes it once after a 401', async () => {
    const issued: string[] = [];
    const forms: Array<Record<string, string>> = [];
    let revoked = '';
    const base = await serve((app) => {
      app.post('/auth/token', async (req) => {
        forms.push(req.body as Record<string, string>);
        const token = `token-${issued.length + 1}-abcdef`;
        issued.push(token);
        return { access_token: token, expires_in: 7200 };
      });
      app.get('/orders', async (req, reply) => {
        const token = (req.headers.authorization ?? '').replace('Bearer ', '');
        if (!issued.includes(token) || token === revoked) return reply.code(401).send({ title: 'Unauthorized', detail: 'token expired' });
        if (req.headers.sellerid !== '4242') return reply.code(400).send({ detail: 'SellerId missing' });
        return { items: [] };
      });
    });
    const auth = createAuth(
      { type: 'oauth2_client_credentials', token_url: '/auth/token', form: { grant_type: 'client_credentials', client_id: { credential: 'client_id' }, client_secret: { credential: 'client_secret' } } },
      { credentials: { client_id: 'cid-1', client_secret: 'secret-xyz' }, baseUrl: base, postForm: (url, form, signal) => http.postForm(url, form, signal) },
    );
    const { http } = client({ auth, headers: { SellerId: '4242' } });
    const results = await Promise.all([1, 2, 3].map(() => http.send({ endpoint: 'list', method: 'GET', url: `${base}/orders` })));
    expect(results.map((r) => r.final)).toEqual(['success', 'success', 'success']);
    expect(issued).toHaveLength(1);
    expect(forms[0]).toEqual({ grant_type: 'client_credentials', client_id: 'cid-1', client_secret: 'secret-xyz' });
    revoked = issued[0]!;
    const after = await http.send({ endpoint: 'list', method: 'GET', url: `${base}/orders` });
    expect(after).toMatchObject({ final: 'success', attempts: 1 });
    expect(issued).toHaveLength(2);
  });

  it('authenticates the token request with Basic when asked, as a form whatever Content-Type the platform sends elsewhere', async () => {
    const seen: Array<{ authorization?: string; type?: string; body: unknown }> = [];
    let apiType = '';
    const base = await serve((app) => {
      app.post('/token', async (req, reply) => {
        seen.push({ authorization: req.headers.authorization, type: req.headers['content-type'], body: req.body });
        if (req.headers.authorization !== `Basic ${Buffer.from('cid-9:s3cr3t-basic').toString('base64')}`) return reply.code(401).send({ error: 'invalid_client' });
        return { access_token: 'tok-basic-1', expires_in: 300 };
      });
      app.get('/orders', async (req) => {
        apiType = String(req.headers['content-type'] ?? '') + '|' + String(req.headers.authorization);
        return { orders: [] };
      });
    });
    const auth = createAuth(
      { type: 'oauth2_client_credentials', token_url: '/token', form: { grant_type: 'client_credentials' }, basic_auth: { username: { credential: 'client_id' }, password: { credential: 'client_secret' } } },
      { credentials: { client_id: 'cid-9', client_secret: 's3cr3t-basic' }, baseUrl: base, postForm: (url, form, signal, headers) => http.postForm(url, form, signal, headers) },
    );
    const { http } = client({ auth, headers: { 'Content-Type': 'application/vnd.retailer.v10+json' } });
    const exchange = await http.send({ endpoint: 'list', method: 'GET', url: `${base}/orders` });
    expect(exchange).toMatchObject({ final: 'success', status: 200 });
    expect(seen).toEqual([{ authorization: `Basic ${Buffer.from('cid-9:s3cr3t-basic').toString('base64')}`, type: 'application/x-www-form-urlencoded', body: { grant_type: 'client_credentials' } }]);
    expect(apiType).toBe('application/vnd.retailer.v10+json|Bearer tok-basic-1');
    expect(auth.secrets()).toEqual(expect.arrayContaining(['s3cr3t-basic', Buffer.from('cid-9:s3cr3t-basic').toString('base64')]));
  });

  it('never puts a credential or a token in messages or logs, even when the marketplace echoes it', async () => {
    const key = 'mirakl-shop-key-0123456789';
    let calls = 0;
    const base = await serve((app) => app.get('/x', async (req, reply) => {
      calls++;
      // A careless marketplace quoting the header back, first as a 500 (logged retry), then a 401.
      return reply.code(calls === 1 ? 500 : 401).send({ message: `bad key ${String(req.headers.authorization)}` });
    }));
    const auth: AuthStrategy = createAuth({ type: 'api_key_header', header: 'Authorization', credential: 'api_key' }, { credentials: { api_key: key }, baseUrl: base, postForm: async () => ({ status: 500, body: null }) });
    const { http, logs } = client({ auth });
    const exchange = await http.send({ endpoint: 'OR11', method: 'GET', url: `${base}/x` });
    expect(exchange.final).toBe('rejected');
    expect(exchange.message).toBe('GET /x: HTTP 401: bad key [REDACTED] (after 2 attempts)');
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain(key);
    expect(JSON.stringify(logs)).toContain('[REDACTED]');
  });
});
