import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SimulatorError } from '../errors.ts';
import { registerAdminRoutes } from '../shared/admin.ts';
import { CallLog, installCallLog, redactBody, redactHeaders } from '../shared/call-log.ts';
import { SimClock } from '../shared/clock.ts';
import type { FaultSpec } from '../shared/faults.ts';
import { formatFaults, installFaults, parseFaults, validateFaultSpec } from '../shared/faults.ts';
import { createRandom } from '../shared/random.ts';
import { RateLimiter } from '../shared/rate-limit.ts';
import { createSimApp, listen } from '../shared/server.ts';

describe('SimClock', () => {
  it('runs at its speed from the start time, and advances manually', () => {
    let real = 1_000;
    const clock = new SimClock({ start: new Date('2025-01-01T00:00:00Z'), speed: 60, realNow: () => real });
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    expect(clock.now()).toBe(t0);
    real += 1_000;
    expect(clock.now()).toBe(t0 + 60_000);
    clock.advance(5_000);
    expect(clock.nowDate().toISOString()).toBe('2025-01-01T00:01:05.000Z');
    clock.setSpeed(0);
    real += 10_000;
    expect(clock.now()).toBe(t0 + 65_000);
    expect(clock.speed).toBe(0);
  });

  it('never goes backwards when the real clock steps back', () => {
    let real = 10_000;
    const clock = new SimClock({ start: new Date(0), realNow: () => real });
    real += 500;
    const before = clock.now();
    real -= 400;
    expect(clock.now()).toBe(before);
  });

  it('rejects negative speeds and advances, and notifies listeners', () => {
    const clock = new SimClock({ speed: 0 });
    expect(() => clock.setSpeed(-1)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    const seen: number[] = [];
    const off = clock.onChange((t) => seen.push(t));
    clock.advance(10);
    off();
    clock.advance(10);
    expect(seen).toHaveLength(1);
  });
});

describe('createRandom', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('forks independent streams without consuming the parent', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const f1 = a.fork(3).next();
    expect(b.fork(3).next()).toBe(f1);
    expect(a.fork(4).next()).not.toBe(f1);
    expect(a.fork('3').next()).not.toBe(f1);
    expect(a.next()).toBe(b.next());
  });

  it('int covers its inclusive range and pick/chance behave', () => {
    const r = createRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(1, 4));
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
    expect(['x']).toContain(r.pick(['x']));
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
    expect(() => r.int(3, 2)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  it('allows the limit per window per key, then tells when to retry', () => {
    const rl = new RateLimiter({ perMinute: 2 });
    expect(rl.take('k', 0)).toEqual({ ok: true });
    expect(rl.take('k', 10_000)).toEqual({ ok: true });
    expect(rl.take('k', 20_000)).toEqual({ ok: false, retryAfterSeconds: 40 });
    expect(rl.take('other', 20_000)).toEqual({ ok: true });
    expect(rl.take('k', 60_000)).toEqual({ ok: true });
  });

  it('supports other windows (OR07: 60 per hour)', () => {
    const rl = new RateLimiter({ limit: 1, windowMs: 86_400_000 });
    expect(rl.take('k', 0).ok).toBe(true);
    expect(rl.take('k', 3_600_000)).toEqual({ ok: false, retryAfterSeconds: 82_800 });
    expect(() => new RateLimiter({})).toThrow(RangeError);
  });
});

describe('parseFaults', () => {
  it('parses every item of the syntax', () => {
    const spec = parseFaults('5xx=0.2, timeout=0.05,slow=300ms,truncate=10%,malformed=0.1,reset=0.05,ratelimit=30/min,duplicate-pages,shifting-pages,skew=-90s');
    expect(spec).toEqual({
      errorRate: 0.2,
      timeoutRate: 0.05,
      slowMs: 300,
      truncateRate: 0.1,
      malformedRate: 0.1,
      resetRate: 0.05,
      rateLimit: { perMinute: 30, retryAfterSeconds: 2 },
      duplicatePages: true,
      shiftingPages: true,
      clockSkewMs: -90_000,
    });
    expect(parseFaults('ratelimit=2/s,retry-after=1m').rateLimit).toEqual({ perMinute: 120, retryAfterSeconds: 60 });
    expect(parseFaults('')).toEqual({});
    expect(parseFaults(formatFaults(spec))).toEqual(spec);
  });

  it.each([
    ['5xx=2', '"5xx" needs a rate between 0 and 1'],
    ['boom=1', 'unknown item "boom"'],
    ['slow=fast', '"slow" needs a duration'],
    ['slow=-5ms', '"slow" needs a duration'],
    ['ratelimit=30', '"ratelimit" needs calls per period'],
    ['duplicate-pages=1', 'is a flag and takes no value'],
    ['timeout', 'needs a value'],
    ['5xx=0.1,5xx=0.2', 'given twice'],
    ['retry-after=5s', 'only makes sense with "ratelimit"'],
  ])('rejects %s with SIM_BAD_FAULTS', (text, message) => {
    let caught: unknown;
    try {
      parseFaults(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SimulatorError);
    expect((caught as SimulatorError).code).toBe('SIM_BAD_FAULTS');
    expect((caught as SimulatorError).message).toContain(message);
  });

  it('validates JSON specs field by field', () => {
    expect(validateFaultSpec({ errorRate: 0.5, rateLimit: { perMinute: 6 } })).toEqual({ errorRate: 0.5, rateLimit: { perMinute: 6, retryAfterSeconds: 10 } });
    expect(() => validateFaultSpec({ errorRate: 5 })).toThrow(/faults.errorRate must be a number between 0 and 1/);
    expect(() => validateFaultSpec({ nope: true })).toThrow(/faults.nope is not a known fault/);
    expect(() => validateFaultSpec([])).toThrow(/must be a JSON object/);
  });
});

describe('CallLog', () => {
  it('keeps the last N entries with increasing seq and filters by since', () => {
    const log = new CallLog({ capacity: 3 });
    for (let i = 0; i < 5; i++) log.record({ at: '', method: 'GET', path: `/p${i}`, query: {}, headers: {}, body: undefined, status: 200 });
    expect(log.list().map((e) => e.path)).toEqual(['/p2', '/p3', '/p4']);
    expect(log.list(4).map((e) => e.seq)).toEqual([5]);
    log.clear();
    expect(log.list()).toEqual([]);
    expect(log.record({ at: '', method: 'GET', path: '/x', query: {}, headers: {}, body: undefined, status: 200 }).seq).toBe(6);
  });

  it('redacts credentials in headers and bodies', () => {
    expect(redactHeaders({ authorization: 'k-123', 'x-api-key': 'z', 'content-type': 'application/json' })).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      'content-type': 'application/json',
    });
    expect(redactBody({ client_secret: 's', nested: [{ access_token: 't', tracking_number: 'TN1' }] })).toEqual({
      client_secret: '[redacted]',
      nested: [{ access_token: '[redacted]', tracking_number: 'TN1' }],
    });
    expect(redactBody('grant_type=client_credentials&client_id=a&client_secret=s3cr3t')).toBe(
      'grant_type=client_credentials&client_id=a&client_secret=[redacted]',
    );
  });
});

describe('fault layer, call log and admin routes over HTTP', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(initial: FaultSpec): Promise<{ base: string; log: CallLog; clock: SimClock }> {
    const clock = new SimClock({ start: new Date('2025-03-01T10:00:00Z'), speed: 0 });
    const log = new CallLog();
    let faults = initial;
    app = createSimApp();
    installCallLog(app, log, { now: () => clock.now() });
    installFaults(app, () => faults, createRandom(1), {
      errorBody: (status, message) => ({ contentType: 'application/json', body: JSON.stringify({ status, message }) }),
      now: () => clock.now(),
      hangMs: 20,
    });
    registerAdminRoutes(app, { clock, callLog: log, getFaults: () => faults, setFaults: (s) => (faults = s), extra: () => ({ kind: 'test' }) });
    app.get('/api/things', async () => ({ things: [1, 2, 3], note: 'a body long enough to cut in half' }));
    app.put('/api/things', async (request) => ({ got: request.body ?? null }));
    return { base: await listen(app), log, clock };
  }

  it('answers 5xx with the platform error body, on /api only', async () => {
    const { base, log } = await start({ errorRate: 1 });
    const res = await fetch(`${base}/api/things`, { headers: { authorization: 'secret-key' } });
    expect([500, 502, 503]).toContain(res.status);
    expect(await res.json()).toEqual({ status: res.status, message: expect.any(String) });
    expect((await fetch(`${base}/_admin/health`)).status).toBe(200);
    const [entry] = log.list();
    expect(entry).toMatchObject({ method: 'GET', path: '/api/things', status: res.status, fault: '5xx', at: '2025-03-01T10:00:00.000Z' });
    expect(entry?.headers.authorization).toBe('[redacted]');
    expect(JSON.stringify(log.list())).not.toContain('secret-key');
  });

  it('truncates bodies with a matching content-length, and malforms them', async () => {
    const { base } = await start({ truncateRate: 1 });
    const res = await fetch(`${base}/api/things`);
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(() => JSON.parse(text)).toThrow();
    await fetch(`${base}/_admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'malformed=1' }) });
    const bad = await (await fetch(`${base}/api/things`)).text();
    expect(() => JSON.parse(bad)).toThrow();
    expect(bad.length).toBeGreaterThan(text.length);
  });

  it('resets connections and holds timed-out calls without answering', async () => {
    const { base, log } = await start({ resetRate: 1 });
    await expect(fetch(`${base}/api/things`)).rejects.toThrow();
    await fetch(`${base}/_admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"timeoutRate":1}' });
    await expect(fetch(`${base}/api/things`)).rejects.toThrow();
    expect(log.list().map((e) => [e.fault, e.status])).toEqual([
      ['reset', null],
      ['timeout', null],
    ]);
  });

  it('rate limits per credential with Retry-After on the simulated clock', async () => {
    const { base, clock } = await start({ rateLimit: { perMinute: 1, retryAfterSeconds: 60 } });
    const call = (key: string) => fetch(`${base}/api/things`, { headers: { authorization: key } });
    expect((await call('a')).status).toBe(200);
    const limited = await call('a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(await limited.json()).toEqual({ status: 429, message: expect.any(String) });
    expect((await call('b')).status).toBe(200);
    clock.advance(60_000);
    expect((await call('a')).status).toBe(200);
  });

  it('delays slow calls but still answers them, and logs parsed bodies', async () => {
    const { base, log } = await start({ slowMs: 5 });
    const res = await fetch(`${base}/api/things`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"a":1,"api_key":"k"}' });
    expect(await res.json()).toEqual({ got: { a: 1, api_key: 'k' } });
    expect(log.list()[0]).toMatchObject({ fault: 'slow', status: 200, body: { a: 1, api_key: '[redacted]' } });
    const empty = await fetch(`${base}/api/things`, { method: 'PUT', headers: { 'content-type': 'application/json' } });
    expect(await empty.json()).toEqual({ got: null });
  });

  it('logs the answer of a slow call whose client went away before it (the call was still handled)', async () => {
    const { base, log } = await start({ slowMs: 200 });
    const gone = new AbortController();
    const sent = fetch(`${base}/api/things`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"a":1}', signal: gone.signal });
    await vi.waitFor(() => expect(log.list()).toHaveLength(1));
    expect(log.list()[0]?.status).toBeNull();
    gone.abort();
    await expect(sent).rejects.toThrow();
    await vi.waitFor(() => expect(log.list()[0]).toMatchObject({ fault: 'slow', status: 200 }), { timeout: 2_000 });
  });

  it('serves the admin API: health, clock, faults, calls', async () => {
    const { base } = await start({});
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json = async (path: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${base}${path}`, init);
      return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
    };
    const put = (body: unknown) => ({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await json('/_admin/health')).body).toMatchObject({ ok: true, kind: 'test', now: '2025-03-01T10:00:00.000Z' });
    expect((await json('/_admin/clock', post({ advance_ms: 60_000, speed: 0 }))).body).toEqual({
      now: '2025-03-01T10:01:00.000Z',
      now_ms: Date.parse('2025-03-01T10:01:00Z'),
      speed: 0,
    });
    expect(await json('/_admin/clock', post({ advance_ms: -1 }))).toEqual({
      status: 400,
      body: { error: { code: 'SIM_BAD_ADMIN_REQUEST', message: expect.stringContaining('advance_ms'), field: 'advance_ms' } },
    });
    expect((await json('/_admin/faults', put({ text: '5xx=0.5,skew=2s' }))).body).toEqual({ spec: { errorRate: 0.5, clockSkewMs: 2000 }, text: '5xx=0.5,skew=2000ms' });
    expect((await json('/_admin/faults')).body.spec).toEqual({ errorRate: 0.5, clockSkewMs: 2000 });
    expect(await json('/_admin/faults', put({ text: 'nonsense' }))).toMatchObject({ status: 400, body: { error: { code: 'SIM_BAD_FAULTS' } } });
    await json('/_admin/faults', put({}));
    await fetch(`${base}/api/things?x=1&x=2`);
    await fetch(`${base}/api/things`);
    const calls = (await json('/_admin/calls')).body;
    expect(calls.calls).toHaveLength(2);
    expect(calls.calls[0]).toMatchObject({ seq: 1, path: '/api/things', query: { x: ['1', '2'] }, status: 200 });
    expect((await json('/_admin/calls?since=1')).body.calls.map((c: { seq: number }) => c.seq)).toEqual([2]);
    expect((await json('/_admin/calls?since=x')).status).toBe(400);
    expect((await json('/_admin/calls', { method: 'DELETE' })).status).toBe(204);
    expect((await json('/_admin/calls')).body).toEqual({ calls: [], last_seq: 2 });
  });
});
