/**
 * The Octopia (Cdiscount) seller API simulator: OAuth2 token endpoint and /seller/v2 on one port,
 * plus /_admin. See packages/simulators/README.md, section "Octopia simulator".
 */
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from '../shared/admin.ts';
import { CallLog, installCallLog } from '../shared/call-log.ts';
import { DocumentShelf } from '../shared/documents.ts';
import { SimClock } from '../shared/clock.ts';
import { type FaultSpec, installFaults, resolveFaults } from '../shared/faults.ts';
import { createRandom } from '../shared/random.ts';
import { listen } from '../shared/server.ts';
import type { RunningSimulator } from '../shared/types.ts';
import { registerOctopiaAdminRoutes } from './admin-routes.ts';
import { TokenIssuer } from './auth.ts';
import { OrderLister } from './listing.ts';
import { type OctopiaSimulatorOptions, resolveOptions } from './options.ts';
import { OrderBook } from './order-book.ts';
import { faultErrorBody } from './problems.ts';
import { installProblemHandlers, registerSellerRoutes } from './routes.ts';
import { World } from './world.ts';

export type { OctopiaSimulatorOptions } from './options.ts';

export interface RunningOctopiaSimulator extends RunningSimulator {
  readonly clock: SimClock;
  readonly app: FastifyInstance;
  readonly callLog: CallLog;
  readonly book: OrderBook;
  /** Invoices uploaded through invoice-documents. */
  readonly invoices: DocumentShelf;
  /** The token endpoint URL (baseUrl + the Keycloak path). */
  readonly tokenUrl: string;
  /** Base URL of the seller API (baseUrl + /seller/v2). */
  readonly apiUrl: string;
}

export async function startOctopiaSimulator(options: OctopiaSimulatorOptions = {}): Promise<RunningOctopiaSimulator> {
  const opts = resolveOptions(options);
  let faults: FaultSpec = resolveFaults(opts.faults);
  const clock = new SimClock({ start: opts.start, speed: opts.speed });
  const world = new World({
    seed: opts.seed,
    orders: opts.orders,
    startMs: clock.now(),
    historyDays: opts.historyDays,
    newOrdersPerHour: opts.newOrdersPerHour,
  });
  const book = new OrderBook(world);
  const lister = new OrderLister(book, clock);
  const callLog = new CallLog();
  const issuer = new TokenIssuer({ clock, credentials: opts.credentials, tokenQuotaPerHour: opts.tokenQuotaPerHour });

  const invoices = new DocumentShelf();
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: opts.maxInvoiceBytes + 1024 * 1024 });
  void app.register(multipart);
  // The token endpoint takes a form; keep it as a plain object of strings.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  installCallLog(app, callLog, { now: () => clock.now() });
  installFaults(app, () => faults, createRandom(opts.seed).fork('faults'), {
    errorBody: faultErrorBody,
    prefixes: ['/seller', '/auth'],
    now: () => clock.now(),
  });
  installProblemHandlers(app);
  issuer.register(app);
  registerSellerRoutes(app, { clock, book, lister, issuer, faults: () => faults, invoices, maxInvoiceBytes: opts.maxInvoiceBytes });
  registerAdminRoutes(app, {
    clock,
    callLog,
    getFaults: () => faults,
    setFaults: (spec) => {
      faults = spec;
    },
    extra: () => ({ kind: 'octopia', orders: world.existingCount(clock.now()) + book.adminRefs.length, changed: book.recordCount }),
  });
  registerOctopiaAdminRoutes(app, book, clock);

  const baseUrl = await listen(app, { host: opts.host, port: opts.port });
  return {
    kind: 'octopia',
    baseUrl,
    tokenUrl: `${baseUrl}/auth/realms/maas/protocol/openid-connect/token`,
    apiUrl: `${baseUrl}/seller/v2`,
    credentials: Object.freeze({ ...opts.credentials }),
    clock,
    app,
    callLog,
    book,
    invoices,
    close: () => app.close(),
  };
}
