/**
 * Fault injection for the simulators: the --faults syntax, its validation, and a fastify layer
 * that turns a spec into 5xx, hangs, slow answers, broken bodies, resets and 429s on marketplace
 * routes (never on /_admin). Paging faults and clock skew are applied by the list handlers.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SimulatorError } from '../errors.ts';
import { faultOf, markFault } from './call-log.ts';
import type { Random } from './random.ts';
import { RateLimiter } from './rate-limit.ts';

export type FaultSpec = {
  /** Share of calls answered 500/502/503 with the platform's error body. */
  errorRate?: number;
  /** Share of calls never answered (socket ended after the hang time, default 60 s). */
  timeoutRate?: number;
  /** Delay added to every call, in real ms. */
  slowMs?: number;
  /** Share of bodies cut mid-way (content-length matches the bytes sent). */
  truncateRate?: number;
  /** Share of bodies turned into invalid JSON/XML. */
  malformedRate?: number;
  /** Share of calls whose connection is reset without an answer. */
  resetRate?: number;
  /** Calls per minute per credential before 429 + Retry-After. */
  rateLimit?: { perMinute: number; retryAfterSeconds: number };
  /** List pages overlap the previous page (clients must dedupe). */
  duplicatePages?: boolean;
  /** Items move between pages while a client pages through (clients miss or repeat items). */
  shiftingPages?: boolean;
  /** Marketplace clock runs this many ms ahead (negative: behind) of the simulated clock. */
  clockSkewMs?: number;
};

export const FAULTS_SYNTAX =
  '5xx=0.2,timeout=0.05,slow=300ms,truncate=0.1,malformed=0.1,reset=0.05,ratelimit=30/min,retry-after=5s,duplicate-pages,shifting-pages,skew=90s';

type RateKey = 'errorRate' | 'timeoutRate' | 'truncateRate' | 'malformedRate' | 'resetRate';
const RATE_ITEMS: Record<string, RateKey> = {
  '5xx': 'errorRate',
  timeout: 'timeoutRate',
  truncate: 'truncateRate',
  malformed: 'malformedRate',
  reset: 'resetRate',
};
const KNOWN_ITEMS = [...Object.keys(RATE_ITEMS), 'slow', 'ratelimit', 'retry-after', 'duplicate-pages', 'shifting-pages', 'skew'];

function bad(message: string, details: Record<string, unknown> = {}): SimulatorError {
  return new SimulatorError('SIM_BAD_FAULTS', message, details);
}

function parseRate(item: string, value: string): number {
  const percent = value.endsWith('%');
  const n = Number(percent ? value.slice(0, -1) : value);
  const rate = percent ? n / 100 : n;
  if (value === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw bad(`faults: "${item}" needs a rate between 0 and 1 (or 0%-100%), got "${value}"`, { item });
  }
  return rate;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "300ms", "2s", "1.5m", "1h", or a bare number of ms. */
export function parseDurationMs(item: string, value: string, allowNegative = false): number {
  const m = /^(-?\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(value.trim());
  const ms = m ? Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] as number)) : NaN;
  if (!m || (!allowNegative && ms < 0)) {
    throw bad(`faults: "${item}" needs a duration such as 300ms, 2s, 1m or 1h${allowNegative ? ' (may be negative)' : ''}, got "${value}"`, { item });
  }
  return ms;
}

function parseRateLimit(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)$/.exec(value.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) throw bad(`faults: "ratelimit" needs calls per period such as 30/min, 2/s or 100/h, got "${value}"`, { item: 'ratelimit' });
  const unit = m[2] as string;
  return unit.startsWith('s') ? n * 60 : unit.startsWith('h') ? n / 60 : n;
}

/** Parses the --faults syntax (see FAULTS_SYNTAX). Empty text means no faults. */
export function parseFaults(text: string): FaultSpec {
  const spec: FaultSpec = {};
  const seen = new Set<string>();
  let perMinute: number | undefined;
  let retryAfterMs: number | undefined;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : item.slice(eq + 1).trim();
    if (!KNOWN_ITEMS.includes(key)) {
      throw bad(`faults: unknown item "${key}"; known items: ${KNOWN_ITEMS.join(', ')} (e.g. ${FAULTS_SYNTAX})`, { item: key });
    }
    if (seen.has(key)) throw bad(`faults: "${key}" is given twice`, { item: key });
    seen.add(key);
    const flag = key === 'duplicate-pages' || key === 'shifting-pages';
    if (flag !== (value === undefined)) {
      throw bad(flag ? `faults: "${key}" is a flag and takes no value` : `faults: "${key}" needs a value (${key}=...)`, { item: key });
    }
    const rateKey = RATE_ITEMS[key];
    if (rateKey) spec[rateKey] = parseRate(key, value as string);
    else if (key === 'slow') spec.slowMs = parseDurationMs(key, value as string);
    else if (key === 'skew') spec.clockSkewMs = parseDurationMs(key, value as string, true);
    else if (key === 'ratelimit') perMinute = parseRateLimit(value as string);
    else if (key === 'retry-after') retryAfterMs = parseDurationMs(key, value as string);
    else if (key === 'duplicate-pages') spec.duplicatePages = true;
    else spec.shiftingPages = true;
  }
  if (retryAfterMs !== undefined && perMinute === undefined) throw bad('faults: "retry-after" only makes sense with "ratelimit"', { item: 'retry-after' });
  if (perMinute !== undefined) {
    spec.rateLimit = { perMinute, retryAfterSeconds: retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : defaultRetryAfter(perMinute) };
  }
  return spec;
}

function defaultRetryAfter(perMinute: number): number {
  return Math.max(1, Math.ceil(60 / perMinute));
}

/** Renders a spec back into the --faults syntax (parseFaults(formatFaults(s)) equals s). */
export function formatFaults(spec: FaultSpec): string {
  const items: string[] = [];
  for (const [item, key] of Object.entries(RATE_ITEMS)) if (spec[key] !== undefined) items.push(`${item}=${spec[key]}`);
  if (spec.slowMs !== undefined) items.push(`slow=${spec.slowMs}ms`);
  if (spec.rateLimit) items.push(`ratelimit=${spec.rateLimit.perMinute}/min`, `retry-after=${spec.rateLimit.retryAfterSeconds}s`);
  if (spec.duplicatePages) items.push('duplicate-pages');
  if (spec.shiftingPages) items.push('shifting-pages');
  if (spec.clockSkewMs !== undefined) items.push(`skew=${spec.clockSkewMs}ms`);
  return items.join(',');
}

/** Checks a spec given as JSON (PUT /_admin/faults); rejects unknown keys and out-of-range values. */
export function validateFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw bad('faults: the spec must be a JSON object');
  const spec: FaultSpec = {};
  const rateKeys = Object.values(RATE_ITEMS) as string[];
  for (const [key, value] of Object.entries(input)) {
    const path = `faults.${key}`;
    if (rateKeys.includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw bad(`${path} must be a number between 0 and 1`, { path });
      spec[key as RateKey] = value;
    } else if (key === 'slowMs' || key === 'clockSkewMs') {
      if (typeof value !== 'number' || !Number.isFinite(value) || (key === 'slowMs' && value < 0)) {
        throw bad(`${path} must be a ${key === 'slowMs' ? 'number of ms >= 0' : 'finite number of ms'}`, { path });
      }
      spec[key] = value;
    } else if (key === 'duplicatePages' || key === 'shiftingPages') {
      if (typeof value !== 'boolean') throw bad(`${path} must be true or false`, { path });
      spec[key] = value;
    } else if (key === 'rateLimit') {
      const rl = value as Record<string, unknown> | null;
      if (rl === null || typeof rl !== 'object' || typeof rl.perMinute !== 'number' || !(rl.perMinute > 0)) {
        throw bad(`${path}.perMinute must be a number > 0`, { path: `${path}.perMinute` });
      }
      const extra = Object.keys(rl).filter((k) => k !== 'perMinute' && k !== 'retryAfterSeconds');
      if (extra.length > 0) throw bad(`${path}.${extra[0]} is not a known field`, { path: `${path}.${extra[0]}` });
      if (rl.retryAfterSeconds !== undefined && (typeof rl.retryAfterSeconds !== 'number' || !(rl.retryAfterSeconds >= 1))) {
        throw bad(`${path}.retryAfterSeconds must be a number >= 1`, { path: `${path}.retryAfterSeconds` });
      }
      spec.rateLimit = { perMinute: rl.perMinute, retryAfterSeconds: (rl.retryAfterSeconds as number | undefined) ?? defaultRetryAfter(rl.perMinute) };
    } else {
      throw bad(`${path} is not a known fault (known: ${[...rateKeys, 'slowMs', 'clockSkewMs', 'rateLimit', 'duplicatePages', 'shiftingPages'].join(', ')})`, { path });
    }
  }
  return spec;
}

/** Options accept the --faults text or a parsed spec. */
export function resolveFaults(input: string | FaultSpec | undefined): FaultSpec {
  if (input === undefined) return {};
  return typeof input === 'string' ? parseFaults(input) : validateFaultSpec(input);
}

export interface InstallFaultsOptions {
  /** The platform's error body for an injected status (500/502/503/429). */
  errorBody(status: number, message: string): { contentType: string; body: string };
  /** Path prefixes faults apply to. Default ['/api', '/seller']; /_admin is always exempt. */
  prefixes?: readonly string[];
  /** Time source for the rate-limit fault. Default Date.now; simulators pass their clock. */
  now?: () => number;
  /** How long a "timeout" call is held before the socket is ended. Default 60 s. */
  hangMs?: number;
}

const ERROR_STATUSES = [500, 502, 503] as const;
const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

function inScope(url: string, prefixes: readonly string[]): boolean {
  const path = url.split('?', 1)[0] as string;
  if (path.startsWith('/_admin')) return false;
  return prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

function limiterKey(request: FastifyRequest): string {
  // Hash the credential so the limiter never holds a secret in clear.
  const credential = request.headers.authorization ?? request.ip;
  return createHash('sha256').update(credential).digest('base64url');
}

/** Makes bytes that no JSON or XML parser accepts, the same length give or take two bytes. */
function malform(payload: Buffer): Buffer {
  const text = payload.toString('utf8');
  const lead = text.search(/\S/);
  if (lead >= 0 && (text[lead] === '{' || text[lead] === '[')) return Buffer.from(`${text.slice(0, lead + 1)},${text.slice(lead + 1)}`);
  const lt = text.indexOf('<');
  if (lt >= 0) return Buffer.from(`${text.slice(0, lt + 1)}<${text.slice(lt + 1)}`);
  return Buffer.from(`{,${text}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Installs the fault layer as a preHandler (bodies are parsed, so the call log holds them) and
 * an onSend hook for body faults. Each call rolls every fault independently, in this order:
 * reset, timeout, rate limit, 5xx; slow delays whatever follows; truncate/malformed alter the
 * body of a call that got no other fault.
 */
export function installFaults(app: FastifyInstance, getSpec: () => FaultSpec, random: Random, opts: InstallFaultsOptions): void {
  const prefixes = opts.prefixes ?? ['/api', '/seller'];
  const now = opts.now ?? Date.now;
  const hangMs = opts.hangMs ?? 60_000;
  const hung = new Set<Socket>();
  let limiter: { key: string; limiter: RateLimiter } | undefined;

  const limiterFor = (rl: NonNullable<FaultSpec['rateLimit']>): RateLimiter => {
    const key = `${rl.perMinute}`;
    if (limiter?.key !== key) {
      const perMinute = rl.perMinute;
      const shape = Number.isInteger(perMinute) ? { limit: perMinute, windowMs: 60_000 } : { limit: 1, windowMs: 60_000 / perMinute };
      limiter = { key, limiter: new RateLimiter(shape) };
    }
    return limiter.limiter;
  };

  app.addHook('preHandler', async (request, reply) => {
    if (!inScope(request.url, prefixes)) return;
    const spec = getSpec();
    const socket = request.raw.socket;
    if (spec.resetRate && random.chance(spec.resetRate)) {
      markFault(request, 'reset');
      reply.hijack();
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      return reply;
    }
    if (spec.timeoutRate && random.chance(spec.timeoutRate)) {
      markFault(request, 'timeout');
      reply.hijack();
      hung.add(socket);
      const timer = setTimeout(() => socket.destroy(), hangMs);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
        hung.delete(socket);
      });
      return reply;
    }
    if (spec.rateLimit) {
      const decision = limiterFor(spec.rateLimit).take(limiterKey(request), now());
      if (!decision.ok) {
        markFault(request, 'ratelimit');
        const { contentType, body } = opts.errorBody(429, 'Too many requests: rate limit exceeded, retry later');
        return reply.code(429).header('retry-after', String(spec.rateLimit.retryAfterSeconds)).type(contentType).send(body);
      }
    }
    if (spec.errorRate && random.chance(spec.errorRate)) {
      const status = random.pick(ERROR_STATUSES);
      markFault(request, '5xx');
      const { contentType, body } = opts.errorBody(status, STATUS_TEXT[status] as string);
      return reply.code(status).type(contentType).send(body);
    }
    if (spec.slowMs) {
      markFault(request, 'slow');
      await sleep(spec.slowMs);
    }
    return undefined;
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.method === 'HEAD' || !inScope(request.url, prefixes)) return payload;
    const applied = faultOf(request);
    if (applied !== undefined && applied !== 'slow') return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    if (bytes.length < 2) return payload;
    const spec = getSpec();
    if (spec.truncateRate && random.chance(spec.truncateRate)) {
      markFault(request, 'truncate');
      return bytes.subarray(0, Math.floor(bytes.length / 2));
    }
    if (spec.malformedRate && random.chance(spec.malformedRate)) {
      markFault(request, 'malformed');
      return malform(bytes);
    }
    return payload;
  });

  // A held call must not keep the server from closing.
  app.addHook('preClose', async () => {
    for (const socket of hung) socket.destroy();
    hung.clear();
  });
}
