/**
 * Secrets never leave through the daemon's own output: a real `orderwire run` process (and the
 * CLI beside it) is driven through failed authentication, tokens in URLs, webhook registration and
 * delivery, refused marketplace credentials, marketplace 5xx, configuration errors and an erasure
 * request; then every line it logged, every answer it gave, every webhook it delivered and every
 * byte of every file it wrote (SQLite database, WAL) are searched for the secret values it was
 * given: the API token, the marketplace keys, ORDERWIRE_SECRET_KEY, the webhook signing secret, a
 * password and a key written literally in configuration files.
 * The same daemon's retention schedule (privacy.retention: PT2S) redacts a closed order.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { runCli, spawnCli, waitFor, type CliResult, type Spawned } from './helpers/cli-process.ts';
import { adminCreateOrder, adminSetFaults } from './helpers/sim-admin.ts';

const secret = (label: string): string => `${label}${randomBytes(18).toString('hex')}`;
const MARKETPLACE_KEY = secret('mkey');
const WRONG_KEY = secret('wrongkey');
const SECRET_KEY = secret('orderwiresecret');
const LITERAL_PASSWORD = secret('pw');
const LITERAL_KEY = secret('literalkey');
// Not a secret but personal data: an erasure request's e-mail is never logged nor stored.
const ERASED_EMAIL = `${secret('subject')}@example.com`;

interface Seen {
  what: string;
  text: string;
}

let sim: StartedSimulator;
let dir: string;
let receiver: Server;
let receiverUrl: string;
const delivered: Seen[] = [];
const seen: Seen[] = [];

function record(what: string, text: string): void {
  seen.push({ what, text });
}

function recordCli(what: string, r: CliResult): CliResult {
  record(`${what} stdout`, r.stdout);
  record(`${what} stderr`, r.stderr);
  return r;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

beforeAll(async () => {
  sim = await startSimulator('mirakl', { orders: 0, seed: 13, speed: 0, credentials: { apiKey: MARKETPLACE_KEY } });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-secrets-'));
  receiver = createServer((req, res) => {
    void body(req).then((text) => {
      delivered.push({ what: `webhook delivery ${req.url}`, text: `${JSON.stringify(req.headers)}\n${text}` });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('secrets given to a real daemon', () => {
  it('appear in none of its logs, answers, deliveries or files', async () => {
    const config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, `store: orders.sqlite
accounts:
  - id: w
    channel: worten
    base_url: ${sim.baseUrl}
    credentials:
      api_key: { env: SECRETS_TEST_KEY }
    # OR11's budget is shared with the daemon through the store: the one-off sync beside it need not wait a minute.
    options: { budgets: { OR11: { limit: 600, per: PT1M } } }
  - id: w-bad
    channel: worten
    base_url: ${sim.baseUrl}
    credentials:
      api_key: { env: SECRETS_TEST_WRONG_KEY }
daemon:
  http: { port: 0 }
webhooks:
  allowed_destinations: [127.0.0.1]
privacy:
  retention: PT2S
  check_every: PT0.5S
`);
    const env = { SECRETS_TEST_KEY: MARKETPLACE_KEY, SECRETS_TEST_WRONG_KEY: WRONG_KEY, ORDERWIRE_SECRET_KEY: SECRET_KEY, ORDERWIRE_LOG_LEVEL: 'debug' };

    // The token is printed once, by `token create`: that output is the one place it may appear.
    const created = await runCli(['token', 'create', '--config', config, '--account', 'w', '--name', 'erp'], { env });
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^ow_/);
    record('token create stderr', created.stderr);

    const daemon: Spawned = spawnCli(['run', '--config', config], { env });
    let webhookSecret: string | undefined;
    let someOrderId = '';
    try {
      let api = '';
      await waitFor(() => {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(daemon.stdout());
        if (m) api = m[1]!;
        return api !== '';
      }, 30_000, 'the daemon API');
      const call = async (method: string, pathAndQuery: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; json: () => unknown }> => {
        const headers: Record<string, string> = { ...o.headers, ...(o.token && { authorization: `Bearer ${o.token}` }), ...(o.body !== undefined && { 'content-type': 'application/json' }) };
        const res = await fetch(`${api}${pathAndQuery}`, { method, headers, ...(o.body !== undefined && { body: JSON.stringify(o.body) }) });
        const text = await res.text();
        record(`${method} ${pathAndQuery.replaceAll(token, 'TOKEN')} -> ${res.status}`, `${JSON.stringify([...res.headers])}\n${text}`);
        return { status: res.status, json: () => JSON.parse(text) };
      };

      // Webhook registration: the signing secret is answered once, then never again.
      const hook = await fetch(`${api}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiverUrl, description: 'erp' }),
      });
      expect(hook.status).toBe(201);
      webhookSecret = ((await hook.json()) as { secret: string }).secret;
      expect(webhookSecret.length).toBeGreaterThan(16);
      expect((await call('GET', '/v1/webhooks', { token })).status).toBe(200);

      // Orders reach the store (a one-off sync beside the daemon), then the webhooks go out.
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
      const waiting = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', created_date: hourAgo });
      const closed = await adminCreateOrder(sim.baseUrl, { state: 'CLOSED', created_date: hourAgo });
      const sync = recordCli('sync w', await runCli(['sync', 'w', '--config', config, '--since', hourAgo], { env }));
      expect(sync.code, sync.stderr).toBe(0);
      await waitFor(() => delivered.length >= 2, 30_000, 'webhook deliveries');

      const list = await call('GET', '/v1/orders', { token });
      const items = (list.json() as { items: { id: string; marketplace_order_id: string; personal_data_redacted_at: string | null }[] }).items;
      const waitingId = items.find((o) => o.marketplace_order_id === waiting.order_id)!.id;
      const closedId = items.find((o) => o.marketplace_order_id === closed.order_id)!.id;
      someOrderId = waiting.order_id;

      // An action the daemon sends with the marketplace key, against a marketplace answering 5xx.
      await adminSetFaults(sim.baseUrl, '5xx=1');
      const submitted = await call('POST', `/v1/orders/${waitingId}/actions`, { token, body: { action: 'accept' }, headers: { 'idempotency-key': 'accept-1' } });
      expect(submitted.status).toBe(202);
      const actionId = (submitted.json() as { id: string }).id;
      await waitFor(async () => ((await call('GET', `/v1/actions/${actionId}`, { token })).json() as { attempts: number }).attempts >= 1, 30_000, 'a send against the failing marketplace');
      await adminSetFaults(sim.baseUrl, '');

      // Refused credentials (the daemon polls w-bad at start; the CLI now), marketplace errors.
      recordCli('sync w-bad', await runCli(['sync', 'w-bad', '--config', config], { env }));
      await waitFor(() => /"account":"w-bad".*HTTP 401/.test(daemon.stdout()), 30_000, 'the refused credentials logged');

      // The retention schedule: the closed order's personal data go after 2 s.
      await waitFor(async () => (((await call('GET', `/v1/orders/${closedId}`, { token })).json() as { personal_data_redacted_at: string | null }).personal_data_redacted_at !== null), 30_000, 'the retention sweep');
      const redacted = (await call('GET', `/v1/orders/${closedId}?include=raw`, { token })).json() as { buyer: Record<string, unknown> };
      expect(Object.keys(redacted.buyer).filter((k) => k !== 'locale')).toEqual([]);
      expect((await call('POST', '/v1/privacy/erasures', { token, body: { buyer_email: ERASED_EMAIL } })).status).toBe(200);

      // Failed authentication, up to the rate limit; tokens and keys in URLs.
      for (let i = 0; i < 22; i++) await call('GET', '/v1/orders', { token: `ow_${randomBytes(24).toString('base64url')}` });
      expect((await call('GET', '/v1/orders', { token: `ow_${randomBytes(24).toString('base64url')}` })).status).toBe(429);
      await call('GET', `/v1/orders?access_token=${token}`);
      await call('GET', `/v1/orders?api_key=${MARKETPLACE_KEY}&password=${SECRET_KEY}`, { headers: { 'x-api-key': MARKETPLACE_KEY } });
      await call('GET', `/v1/orders/${encodeURIComponent(token)}`);

      // Configuration errors that hold secrets written in the file.
      const literalStore = path.join(dir, 'literal-store.yaml');
      await writeFile(literalStore, `store: postgres://orderwire:${LITERAL_PASSWORD}@127.0.0.1:5432/orderwire\naccounts: []\n`);
      expect(recordCli('literal store', await runCli(['orders', '--config', literalStore], { env })).code).toBe(2);
      const literalKey = path.join(dir, 'literal-key.yaml');
      await writeFile(literalKey, `store: orders.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: ${LITERAL_KEY}\n`);
      expect(recordCli('literal key', await runCli(['orders', '--config', literalKey], { env })).code).toBe(2);
      const badUrl = path.join(dir, 'bad-store-url.yaml');
      await writeFile(badUrl, `store: { env: SECRETS_TEST_STORE }\naccounts: []\n`);
      expect(recordCli('unreachable store', await runCli(['orders', '--config', badUrl], { env: { ...env, SECRETS_TEST_STORE: `postgres://orderwire:${LITERAL_PASSWORD}@127.0.0.1:1/none` } })).code).toBe(2);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      record('daemon stdout', daemon.stdout());
      record('daemon stderr', daemon.stderr());
    }

    const files: Seen[] = [];
    // The configuration files are the test's own input; everything else there the daemon and the CLI wrote.
    for (const name of (await readdir(dir)).filter((n) => !n.endsWith('.yaml'))) files.push({ what: `file ${name}`, text: (await readFile(path.join(dir, name))).toString('latin1') });
    const everything = [...seen, ...delivered, ...files];
    // The haystack is real: the daemon logged its requests, the store holds the orders.
    expect(seen.find((s) => s.what === 'daemon stdout')!.text).toMatch(/"token_name":"erp"/);
    expect(files.some((f) => f.text.includes(someOrderId))).toBe(true);

    const secrets: Record<string, string> = { token, MARKETPLACE_KEY, WRONG_KEY, SECRET_KEY, LITERAL_PASSWORD, LITERAL_KEY, ERASED_EMAIL, webhookSecret: webhookSecret! };
    const leaks = everything.flatMap((s) => Object.entries(secrets).filter(([, value]) => value && s.text.includes(value)).map(([name]) => `${name} in ${s.what}`));
    expect(leaks).toEqual([]);
  }, 180_000);
});
