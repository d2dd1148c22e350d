/**
 * The Mirakl seller API simulator (Worten and every Mirakl marketplace): start it, get a base
 * URL and an API key. See packages/simulators/README.md for endpoints, admin API and choices.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SimulatorError } from '../errors.ts';
import { registerAdminRoutes } from '../shared/admin.ts';
import { CallLog, installCallLog } from '../shared/call-log.ts';
import { SimClock } from '../shared/clock.ts';
import { installFaults, resolveFaults } from '../shared/faults.ts';
import type { FaultSpec } from '../shared/faults.ts';
import { createRandom } from '../shared/random.ts';
import { createSimApp, listen } from '../shared/server.ts';
import { DocumentShelf } from '../shared/documents.ts';
import { DEFAULT_MAX_DOCUMENT_BYTES } from './documents.ts';
import type { RunningSimulator, SimulatorOptions } from '../shared/types.ts';
import { registerMiraklAdminRoutes } from './admin-routes.ts';
import { DAY, HOUR, MINUTE } from './lifecycle.ts';
import { CompiledProfile, buildProfiles } from './profiles.ts';
import { MIRAKL_CALL_LIMITS, registerMiraklRoutes } from './routes.ts';
import type { CallLimits } from './routes.ts';
import { Schedule } from './schedule.ts';
import { OrderBook } from './store.ts';
import { InstanceLists } from './reference-lists.ts';
import type { Carrier, Reason } from './catalog.ts';

export interface MiraklSimulatorOptions extends SimulatorOptions {
  /** Enforce Mirakl's call-frequency ceilings (true: the documented ones). Default off. */
  callLimits?: boolean | Partial<CallLimits>;
  /** Orders left in WAITING_ACCEPTANCE this long are cancelled automatically. Default 72 h. */
  acceptanceDeadlineHours?: number;
  /** How far before start_update_date OR11 looks. Default 5 minutes. */
  updateDeltaMinutes?: number;
  /** Cap of paginate=false listings. Default 10,000. */
  unpaginatedCap?: number;
  /** The instance's carriers (SH21) and reasons (RE01); default: Mirakl's examples plus a few (reference-lists.ts). */
  referenceLists?: { carriers?: readonly Carrier[]; reasons?: readonly Reason[] };
  /** Largest file OR74 accepts, in bytes. Default 10 MiB. */
  maxDocumentBytes?: number;
}

export interface RunningMiraklSimulator extends RunningSimulator {
  readonly clock: SimClock;
  readonly app: FastifyInstance;
  readonly book: OrderBook;
  readonly callLog: CallLog;
  /** The instance's carriers and reasons (replace them to add or withdraw one). */
  readonly lists: InstanceLists;
  /** Order documents: uploaded by the seller (OR74) or produced by the marketplace. */
  readonly documents: DocumentShelf;
}

export const MAX_GENERATED_ORDERS = 1_000_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function badOption(field: string, message: string): SimulatorError {
  return new SimulatorError('SIM_BAD_OPTIONS', `${field}: ${message}`, { field });
}

function checkNumber(value: number | undefined, field: string, ok: (n: number) => boolean, rule: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || !ok(value))) throw badOption(field, `must be ${rule}, got ${String(value)}`);
}

function validate(opts: MiraklSimulatorOptions): void {
  checkNumber(opts.port, 'port', (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'an integer from 0 to 65535');
  checkNumber(opts.orders, 'orders', (n) => Number.isInteger(n) && n >= 0 && n <= MAX_GENERATED_ORDERS, `an integer from 0 to ${MAX_GENERATED_ORDERS}`);
  checkNumber(opts.seed, 'seed', Number.isSafeInteger, 'an integer');
  checkNumber(opts.speed, 'speed', (n) => n >= 0, '>= 0');
  checkNumber(opts.historyDays, 'historyDays', (n) => n > 0, '> 0');
  checkNumber(opts.newOrdersPerHour, 'newOrdersPerHour', (n) => n >= 0 && n <= 3_600_000, 'from 0 to 3,600,000');
  checkNumber(opts.acceptanceDeadlineHours, 'acceptanceDeadlineHours', (n) => n > 0, '> 0');
  checkNumber(opts.updateDeltaMinutes, 'updateDeltaMinutes', (n) => n >= 0, '>= 0');
  checkNumber(opts.maxDocumentBytes, 'maxDocumentBytes', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
  checkNumber(opts.unpaginatedCap, 'unpaginatedCap', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
  if (opts.host !== undefined && !LOOPBACK.has(opts.host)) throw badOption('host', `simulators listen on loopback only (127.0.0.1, ::1, localhost), got ${opts.host}`);
  if (opts.start !== undefined && !(opts.start instanceof Date && Number.isFinite(opts.start.getTime()))) throw badOption('start', 'must be a valid Date');
  if (opts.credentials !== undefined && (typeof opts.credentials.apiKey !== 'string' || opts.credentials.apiKey === '')) {
    throw badOption('credentials', 'the Mirakl simulator needs { apiKey: "<non-empty string>" }');
  }
}

export async function startMiraklSimulator(opts: MiraklSimulatorOptions = {}): Promise<RunningMiraklSimulator> {
  validate(opts);
  const seed = opts.seed ?? 1;
  let faults: FaultSpec = resolveFaults(opts.faults);
  const clock = new SimClock({ ...(opts.start ? { start: opts.start } : {}), speed: opts.speed ?? 1 });
  const start = clock.now();
  const acceptanceDeadline = (opts.acceptanceDeadlineHours ?? 72) * HOUR;
  const schedule = new Schedule({
    seed,
    orders: opts.orders ?? 100,
    historyMs: (opts.historyDays ?? 7) * DAY,
    start,
    newOrdersPerHour: opts.newOrdersPerHour ?? 0,
  });
  const profiles = buildProfiles(seed).map((p) => new CompiledProfile(p, acceptanceDeadline));
  const book = new OrderBook({ seed, schedule, profiles, acceptanceDeadline });
  const defaultLimits: CallLimits = { ...MIRAKL_CALL_LIMITS, ...(typeof opts.callLimits === 'object' ? opts.callLimits : {}) };
  let limits: CallLimits | null = opts.callLimits ? defaultLimits : null;
  const apiKey = opts.credentials?.apiKey ?? `sim-${randomBytes(18).toString('base64url')}`;

  const documents = new DocumentShelf();
  const maxDocumentBytes = opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  // The body limit leaves room for the multipart envelope around a file of the largest size.
  const app = createSimApp({ bodyLimit: Math.max(10 * 1024 * 1024, maxDocumentBytes + 1024 * 1024) });
  const callLog = new CallLog();
  installCallLog(app, callLog, { now: () => clock.now() });
  installFaults(app, () => faults, createRandom(seed).fork('faults'), {
    errorBody: (status, message) => ({ contentType: 'application/json; charset=utf-8', body: JSON.stringify({ status, message }) }),
    now: () => clock.now(),
  });
  const lists = new InstanceLists(opts.referenceLists?.carriers, opts.referenceLists?.reasons);
  registerMiraklRoutes(app, {
    book,
    lists,
    clock,
    apiKey,
    getFaults: () => faults,
    getLimits: () => limits,
    updateDeltaMs: (opts.updateDeltaMinutes ?? 5) * MINUTE,
    unpaginatedCap: opts.unpaginatedCap ?? 10_000,
    documents,
    maxDocumentBytes,
  });
  registerAdminRoutes(app, {
    clock,
    callLog,
    getFaults: () => faults,
    setFaults: (spec) => {
      faults = spec;
    },
    extra: () => ({ kind: 'mirakl', generated_orders: schedule.visibleCount(clock.now()), stored_orders: book.storedCount }),
  });
  registerMiraklAdminRoutes(app, {
    book,
    lists,
    clock,
    getFaults: () => faults,
    getLimits: () => limits,
    setLimits: (l) => {
      limits = l;
    },
    defaultLimits,
  });

  const baseUrl = await listen(app, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    kind: 'mirakl',
    baseUrl,
    credentials: Object.freeze({ apiKey }),
    clock,
    app,
    book,
    callLog,
    lists,
    documents,
    close: () => app.close(),
  };
}
