/**
 * A loopback reverse proxy in front of a marketplace simulator that injects one fault into one
 * chosen request, from outside the engine: the engine talks to the proxy as to the marketplace.
 * A rule matches the first request that changes state (not GET) whose path or body names an
 * order (and, optionally, whose path ends with a suffix: Mirakl's /ship after /tracking), fires
 * once, then every request passes through untouched.
 *
 * Faults, by when they strike:
 * - before the marketplace sees the request: `hold` (kept until `release()`, then the connection is
 *   dropped unanswered: the daemon is killed meanwhile), `502`, `reset` (TCP RST);
 * - after the marketplace applied it: `hold_response` (its answer kept until `release()`, then
 *   dropped), `502_after` (its answer replaced by a 502), `hang` (never answered: the client
 *   times out).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyFault = 'hold' | '502' | 'reset' | 'hold_response' | '502_after' | 'hang';

export interface ProxyRule {
  /** The marketplace order id the request must name (in its path or body). */
  order: string;
  fault: ProxyFault;
  /** Only requests whose path ends with this (e.g. "/ship"). */
  pathSuffix?: string;
}

export interface FiredRule extends ProxyRule {
  method: string;
  path: string;
  /** The marketplace's own status when the request reached it (faults after it applied). */
  upstreamStatus?: number;
}

export interface FaultProxy {
  readonly url: string;
  /** Adds rules; each fires once. */
  arm(...rules: ProxyRule[]): void;
  /** Rules that fired so far (for `hold`/`hold_response`: the request is held now). */
  fired(): readonly FiredRule[];
  /** Resolves when `n` rules have fired. */
  waitFired(n: number, timeoutMs?: number): Promise<void>;
  /** Drops every held connection unanswered (after the daemon holding them was killed). */
  release(): void;
  close(): Promise<void>;
}

/** The 502 body the platform would send (so the engine reads it as the marketplace's answer). */
export type ErrorBody = (status: number) => { contentType: string; body: string };

export async function startFaultProxy(upstream: string, errorBody: ErrorBody): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: Array<ProxyRule & { spent: boolean }> = [];
  const fired: FiredRule[] = [];
  const held = new Set<Socket>();
  const sockets = new Set<Socket>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const agent = new http.Agent({ keepAlive: true });

  const notify = (rule: FiredRule): void => {
    fired.push(rule);
    for (const w of waiters.splice(0)) {
      if (fired.length >= w.n) w.resolve();
      else waiters.push(w);
    }
  };

  const forward = async (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> => {
    const headers = { ...req.headers, host: target.host };
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, resolve);
      out.on('error', reject);
      out.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) };
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const rule = req.method === 'GET' ? undefined : rules.find((r) => !r.spent && (path.includes(r.order) || body.includes(r.order)) && (r.pathSuffix === undefined || path.endsWith(r.pathSuffix)));
      const socket = req.socket;
      const send502 = (): void => {
        const { contentType, body: text } = errorBody(502);
        res.writeHead(502, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) }).end(text);
      };
      if (!rule) {
        const answer = await forward(req, body).catch(() => undefined);
        if (!answer) return void send502();
        const { 'transfer-encoding': _te, connection: _c, 'keep-alive': _k, ...headers } = answer.headers;
        res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length }).end(answer.body);
        return;
      }
      rule.spent = true;
      const base = { order: rule.order, fault: rule.fault, ...(rule.pathSuffix !== undefined && { pathSuffix: rule.pathSuffix }), method: req.method ?? '', path };
      switch (rule.fault) {
        case 'hold':
          held.add(socket);
          notify(base);
          return;
        case '502':
          notify(base);
          return void send502();
        case 'reset':
          notify(base);
          socket.resetAndDestroy();
          return;
        default: {
          const answer = await forward(req, body);
          notify({ ...base, upstreamStatus: answer.status });
          if (rule.fault === '502_after') return void send502();
          // hold_response and hang: the answer never comes.
          held.add(socket);
        }
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      held.delete(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm(...more) {
      for (const r of more) rules.push({ ...r, spent: false });
    },
    fired: () => fired,
    waitFired(n, timeoutMs = 30_000) {
      if (fired.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fault proxy: ${fired.length} of ${n} rules fired after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    release() {
      for (const socket of held) socket.destroy();
      held.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
