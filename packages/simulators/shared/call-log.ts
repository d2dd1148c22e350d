/**
 * What the marketplace saw: every API call with its (redacted) headers, parsed body and status,
 * in a bounded ring buffer so a long-running demo does not grow without limit.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface CallEntry {
  /** Increasing from 1 for the life of the simulator; `clear()` does not reset it. */
  seq: number;
  /** Simulated time the request arrived (ISO 8601). */
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case names; credentials replaced by "[redacted]". */
  headers: Record<string, string>;
  /** Parsed JSON, raw text for other content types, undefined without a body. Secret fields redacted. */
  body: unknown;
  /** null while in flight, or when no response was sent (reset, timeout faults). */
  status: number | null;
  /** The injected fault that shaped this call, if any (e.g. "5xx", "timeout", "truncate"). */
  fault?: string;
}

export type NewCallEntry = Omit<CallEntry, 'seq'>;

export const REDACTED = '[redacted]';
const DEFAULT_CAPACITY = 10_000;

export class CallLog {
  readonly capacity: number;
  readonly #ring: (CallEntry | undefined)[];
  #next = 0;
  #size = 0;
  #seq = 0;

  constructor(opts: { capacity?: number } = {}) {
    this.capacity = opts.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('CallLog capacity must be an integer >= 1');
    this.#ring = new Array<CallEntry | undefined>(this.capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Highest seq handed out so far (0 before the first call). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Stores the entry (the same object, so later status updates show) and returns it with its seq. */
  record(entry: NewCallEntry): CallEntry {
    const stored = entry as CallEntry;
    stored.seq = ++this.#seq;
    this.#ring[this.#next] = stored;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
    return stored;
  }

  /** Entries with seq > sinceSeq, oldest first. */
  list(sinceSeq = 0): CallEntry[] {
    const out: CallEntry[] = [];
    const first = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#ring[(first + i) % this.capacity] as CallEntry;
      if (entry.seq > sinceSeq) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey)$|secret|token|password/i;
const SECRET_FIELD = /secret|password|passwd|^(access_|refresh_|id_)?token$|api[_-]?key|authorization/i;
const SECRET_FORM_PAIR = /((?:^|&)[^=&]*(?:secret|password|passwd|token|api[_-]?key)[^=&]*=)[^&]*/gi;

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = SECRET_HEADER.test(lower) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Deep copy with secret-looking fields (client_secret, password, access_token, ...) replaced. */
export function redactBody(body: unknown): unknown {
  if (typeof body === 'string') return body.replace(SECRET_FORM_PAIR, `$1${REDACTED}`);
  if (Array.isArray(body)) return body.map(redactBody);
  if (body !== null && typeof body === 'object') {
    if (Buffer.isBuffer(body)) return `<${body.length} bytes>`;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) out[key] = SECRET_FIELD.test(key) ? REDACTED : redactBody(value);
    return out;
  }
  return body;
}

function parseQuery(url: string): Record<string, string | string[]> {
  const q = url.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (q < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const entries = new WeakMap<FastifyRequest, CallEntry>();
const faults = new WeakMap<FastifyRequest, string>();

/** Tags a request with the fault applied to it (called by the fault layer). */
export function markFault(request: FastifyRequest, fault: string): void {
  faults.set(request, fault);
  const entry = entries.get(request);
  if (entry) entry.fault = fault;
}

/** Sets the logged body of a request its route parsed itself (a multipart upload). */
export function recordCallBody(request: FastifyRequest, body: unknown): void {
  const entry = entries.get(request);
  if (entry) entry.body = redactBody(body);
}

export function faultOf(request: FastifyRequest): string | undefined {
  return faults.get(request);
}

export interface InstallCallLogOptions {
  /** Simulated time source for `at`. */
  now: () => number;
  /** Which paths are logged. Default: everything except /_admin. */
  include?: (path: string) => boolean;
}

/**
 * Logs calls through fastify hooks. Register it before the fault layer and the routes' own
 * hooks, so that faulted and rejected calls are logged too.
 */
export function installCallLog(app: FastifyInstance, callLog: CallLog, opts: InstallCallLogOptions): void {
  const include = opts.include ?? ((path: string) => !path.startsWith('/_admin'));
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?', 1)[0] as string;
    if (!include(path)) return;
    const entry = callLog.record({
      at: new Date(opts.now()).toISOString(),
      method: request.method,
      path,
      query: parseQuery(request.url),
      headers: redactHeaders(request.headers),
      body: undefined,
      status: null,
    });
    entries.set(request, entry);
  });
  app.addHook('preHandler', async (request) => {
    const entry = entries.get(request);
    if (entry && request.body !== undefined) entry.body = redactBody(request.body);
  });
  // The answer is recorded once the marketplace produced it, even when the client is gone by then
  // (killed while the call was slow): the call was handled, and its effect applied.
  app.addHook('onSend', async (request, reply, payload) => {
    const entry = entries.get(request);
    if (entry) entry.status = reply.statusCode;
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const entry = entries.get(request);
    if (entry) entry.status = reply.statusCode;
  });
}
