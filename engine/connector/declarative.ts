/**
 * The declarative connector: one implementation of Connector for every marketplace, driven by
 * the channel's platform file (channels/platforms/<platform>.yaml). A new marketplace on a known
 * platform is a channel file and nothing else.
 */
import type { Logger } from '../log.ts';
import { createAuth } from './auth/index.ts';
import { resolveValue } from './auth/oauth2-client-credentials.ts';
import { planActionRequests, sendActionRequests, stepAfterSent, type FileSource } from './actions.ts';
import { attachReads } from './attach.ts';
import type { AccountConnection, Connector, EffectReading } from './connector.ts';
import { exchangeError } from './exchange-error.ts';
import { HttpClient, type Timeouts } from './http/client.ts';
import { AccountLimiter } from './http/limiter.ts';
import { createRedactor } from './http/redact.ts';
import type { RetrySettings } from './http/retry-policy.ts';
import { listWindow } from './listing.ts';
import { createNormalizer } from './normalize.ts';
import { createPaginator } from './paginate/index.ts';
import { fetchReferenceList } from './reference-lists.ts';
import type { Budget, Platform } from './platform/model.ts';
import { joinUrl, renderQuery } from './request-url.ts';
import { OrderwireError } from '../errors.ts';

export { loadPlatform, parsePlatform, PLATFORMS_DIR } from './platform/load.ts';
export type { Platform } from './platform/model.ts';

export interface ConnectorOptions {
  /** Requests in flight at once for the account (default: the platform's, else 2). */
  concurrency?: number;
  /** Share one limiter between every connector of an account; overrides concurrency and budgets. */
  limiter?: AccountLimiter;
  /** Per-endpoint budgets replacing the platform's (e.g. a faster sandbox); false: none. */
  budgets?: false | Readonly<Record<string, Budget>>;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetrySettings>;
  /** pino logger (or anything with warn/debug); never receives a secret. */
  log?: Pick<Logger, 'warn' | 'debug'>;
  /** Injected for tests of jitter. */
  random?: () => number;
  /** The document store (engine/store/document-store.ts): file parts of action requests stream from it. */
  files?: FileSource;
}

function tokenRoot(connection: AccountConnection): string {
  return (connection.authUrl ?? connection.baseUrl).replace(/\/+$/, '');
}

export function createConnector(connection: AccountConnection, platform: Platform, opts: ConnectorOptions = {}): Connector {
  const { credentials, channel } = connection;
  const baseUrl = connection.baseUrl.replace(/\/+$/, '');
  const budgets = opts.budgets === false ? {} : (opts.budgets ?? platform.budgets);
  const limiter =
    opts.limiter ??
    new AccountLimiter({
      concurrency: opts.concurrency ?? platform.concurrency,
      budgets,
      ...(opts.log && { onBudgetWait: (e) => opts.log?.debug({ endpoint: e.endpoint, waitMs: e.waitMs }, 'waiting for the endpoint budget') }),
    });
  const auth = createAuth(platform.spec.auth, {
    credentials,
    baseUrl: tokenRoot(connection),
    // Called only once requests flow, after `http` below exists.
    postForm: (url, form, signal, headers) => http.postForm(url, form, signal, headers),
  });
  const secretValues = Object.values(credentials);
  const redact = createRedactor(() => [...secretValues, ...auth.secrets()]);
  const headers: Record<string, string> = {};
  for (const [name, source] of Object.entries(platform.spec.headers ?? {})) headers[name] = resolveValue(source, credentials);
  const http = new HttpClient({
    limiter,
    redact,
    auth,
    headers,
    timeouts: { ...platform.timeouts, ...opts.timeouts },
    retry: { ...platform.retry, ...opts.retry },
    errorMessagePaths: platform.errorMessagePaths,
    ...(opts.log && { logger: opts.log }),
    ...(opts.random && { random: opts.random }),
  });
  const normalize = createNormalizer(channel, connection.account, platform.mapper);
  // Read back by id: scope does not apply (the caller asked for this very order), mapping does.
  const normalizeById = createNormalizer({ ...channel, scope: undefined }, connection.account, platform.get.mapper);
  // Records of detail requests (list_orders.detail) are get-one records, in the channel's scope.
  const normalizeDetail = createNormalizer(channel, connection.account, platform.get.mapper);
  const paginator = createPaginator(platform.spec.list_orders.pagination);

  return {
    listOrders: (window, onPage, signal) => listWindow({ platform, client: http, paginator, normalize, normalizeDetail, baseUrl, channel }, window, onPage, signal),

    mapRecord: (record) => normalize(record),

    async getOrder(marketplaceOrderId, signal) {
      const { request, records } = platform.get;
      const ctx = { id: marketplaceOrderId };
      const exchange = await http.send(
        { endpoint: request.endpoint, method: request.method, url: joinUrl(baseUrl, String(request.path(ctx))), query: renderQuery(request, ctx), idempotent: true, ...(request.headers && { headers: request.headers }) },
        signal,
      );
      if (exchange.status === 404) return undefined;
      if (exchange.final !== 'success') throw exchangeError(exchange);
      const list = records(exchange.body);
      if (!list) throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `${request.method} ${request.endpoint}: the response has no record where the platform file says (records)`, { endpoint: request.endpoint });
      const record = list.find((r) => platform.get.mapper.orderId(r) === marketplaceOrderId);
      if (record === undefined) return undefined;
      if (platform.attach.length > 0) await attachReads({ platform, client: http, baseUrl, channel }, [record], signal);
      const out = normalizeById(record);
      if ('order' in out) return out.order;
      const reason = 'skip' in out ? out.skip.reason : out.unmapped.reason;
      throw new OrderwireError('ORDER_UNMAPPABLE', `order ${marketplaceOrderId}: ${reason}`, { marketplace_order_id: marketplaceOrderId });
    },

    sendAction: (request, order, options) => sendActionRequests({ platform, client: http, baseUrl, ...(opts.files && { files: opts.files }) }, request, order, options),

    effectBaseline: (request, order) => platform.effects[request.action]?.baseline(request, order),

    checkEffect(request, readBack, baseline): EffectReading {
      const check = platform.effects[request.action];
      if (!check) return { verdict: 'unclear', evidence: {}, reason: `platform ${platform.id} declares no effect check for ${request.action}` };
      const reading = check.check(request, readBack, baseline);
      if (reading.verdict === 'not_yet' && reading.stepsDone !== undefined) {
        // The check counts requests sent (parcels read back); resumption counts steps of the
        // plan, where the steps a `when:` leaves out keep their place (planActionRequests).
        const stepsDone = reading.stepsDone > 0 ? stepAfterSent(planActionRequests(platform, request, readBack), reading.stepsDone) : 0;
        return { verdict: 'not_yet', evidence: reading.evidence, ...(stepsDone > 0 && { stepsDone }) };
      }
      if (reading.verdict !== 'not_yet' || reading.doneThrough === undefined) {
        const { doneThrough: _done, ...rest } = reading as typeof reading & { doneThrough?: string };
        return rest as EffectReading;
      }
      // The read-back shows a request's own effect (a tracking number set): resume after it.
      const steps = planActionRequests(platform, request, readBack);
      const index = steps.findIndex((r) => !('skipped' in r) && r.endpoint === reading.doneThrough);
      return { verdict: 'not_yet', evidence: reading.evidence, ...(index >= 0 && { stepsDone: index + 1 }) };
    },

    fetchList: (name, signal) => fetchReferenceList(platform, http, baseUrl, name, signal),

    listSource(name) {
      const list = platform.lists[name];
      if (!list) return undefined;
      // The platform's budget, not this connector's overrides (a sandbox without budgets): the
      // refresher keeps the marketplace's ceiling for lists in any case.
      const budget = platform.budgets[list.endpoint];
      return { endpoint: list.endpoint, ...(budget && { budget: { limit: budget.limit, perMs: budget.perMs } }) };
    },

    async downloadDocument(order, document, saveTo, signal) {
      const download = platform.documents?.download;
      if (!download) throw new OrderwireError('CONNECTOR_DOCUMENTS_UNSUPPORTED', `platform ${platform.id} declares no documents.download request`);
      const ctx = { document, order };
      const exchange = await http.send(
        { endpoint: download.endpoint, method: download.method, url: joinUrl(baseUrl, String(download.path(ctx))), query: renderQuery(download, ctx), idempotent: true, saveTo, ...(download.headers && { headers: download.headers }) },
        signal,
      );
      if (exchange.final === 'success' && exchange.saved) return exchange.saved;
      if (exchange.status === 413) throw new OrderwireError('DOCUMENT_TOO_LARGE', `document ${document.id} of order ${order.marketplace_order_id} is larger than ${saveTo.maxBytes} bytes`, { limit: saveTo.maxBytes });
      throw exchangeError(exchange, `download of document ${document.id}`);
    },

    close: () => http.close(),
  };
}
