/**
 * The back-office HTTP API: one fastify app built from the daemon's store, channels and accounts.
 * Business routes under /v1 (bearer token, per-token rate limit); /healthz, /readyz, /metrics,
 * /openapi.json and /docs (Swagger UI) at the root. Every input is validated by a strict schema
 * (unknown fields rejected, nothing removed or coerced silently beyond query-string types), every
 * error is application/problem+json, and the OpenAPI document is generated from the same schemas.
 */
import fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { redactUrl, type Logger } from '../log.ts';
import { accountRoutes } from './accounts.ts';
import { actionRoutes } from './actions.ts';
import { BEARER_SCHEME, installAuth, isBusinessRoute } from './auth.ts';
import { AuthFailureLimiter, type AuthFailureOptions } from './auth-failures.ts';
import { channelFileRoutes } from './channel-files.ts';
import { channelRoutes } from './channels.ts';
import type { ApiContext } from './context.ts';
import { ApiMetrics } from './metrics.ts';
import { opsRoutes } from './ops.ts';
import { orderRoutes } from './orders.ts';
import { privacyRoutes } from './privacy.ts';
import { installInputHygiene } from './input-hygiene.ts';
import { clientErrorHandler, frameworkErrorHandler, installProblemHandlers, problemOf, type Problem } from './problem.ts';
import { quarantineRoutes } from './quarantine.ts';
import { problemSchema } from './schemas.ts';
import { streamRoutes, type StreamOptions } from './stream.ts';
import { inputValidator } from './validation.ts';
import { documentRoutes } from './documents.ts';
import multipart from '@fastify/multipart';
import { WEBHOOK_DOCS, webhookRoutes } from './webhooks.ts';

export type { ApiContext } from './context.ts';

export interface ApiOptions {
  log?: Logger;
  metrics?: ApiMetrics;
  /** Largest accepted request body in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Requests per token per window (default 600 per minute). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Failed authentications per client address before it is refused for the rest of the window (default 20 per minute). */
  authFailures?: Partial<AuthFailureOptions>;
  /** Sees every route as it is registered (tests compare them with the OpenAPI document). */
  onRoute?: (route: { method: string | string[]; url: string; hidden: boolean }) => void;
  /** Live stream tuning (GET /v1/stream). */
  stream?: StreamOptions;
  /** More routes served beside the API (the operator console, wired by engine/app.ts). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * What request log lines show of a request: method, URL without query secrets (a client that puts
 * `?access_token=ow_...` in the URL must not get it written to the log) and the client address,
 * never headers (the bearer token stays out). The token's id and name are added after
 * authentication (auth.ts).
 */
function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
}
export const API_VERSION = '1.0.0';

export async function buildApiServer(ctx: ApiContext, options: ApiOptions = {}): Promise<FastifyInstance> {
  const metrics = options.metrics ?? new ApiMetrics(ctx.store);
  const countProblem = (problem: Problem): void => metrics.apiErrors.inc({ code: problem.code, status: String(problem.status) });
  const app = fastify({
    ...(options.log ? { loggerInstance: options.log.child({ component: 'api' }, { serializers: { req: requestForLog } }) as FastifyBaseLogger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    return503OnClosing: true,
    // Errors raised before a route runs (Node's HTTP parser, the router) are problem documents too.
    clientErrorHandler: (err, socket) => clientErrorHandler(err, socket, countProblem),
    frameworkErrors: frameworkErrorHandler((_request, problem) => countProblem(problem)),
  });
  if (options.onRoute) {
    const seen = options.onRoute;
    app.addHook('onRoute', (route) => seen({ method: route.method, url: route.url, hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true }));
  }
  app.addSchema(problemSchema);
  app.setValidatorCompiler(inputValidator());
  // Bodies are JSON only: anything else is 415, not a string that fails the schema.
  app.removeContentTypeParser('text/plain');
  // Documents (POST /v1/orders/{id}/documents) are streamed parts, read by their route only.
  await app.register(multipart);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'orderwire back-office API',
        version: API_VERSION,
        description: 'Orders from every marketplace channel in one normalized model, acknowledgements, seller actions and webhooks. Authenticate with `Authorization: Bearer ow_...` (created by `orderwire token create`); errors are application/problem+json with stable codes (engine/errors.md).',
      },
      webhooks: WEBHOOK_DOCS,
      components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'An orderwire API token (ow_...).' } } },
      tags: [
        { name: 'orders', description: 'The order feed, one order, acknowledgements' },
        { name: 'actions', description: 'Seller actions: submit, poll, retry, cancel' },
        { name: 'accounts', description: 'Accounts and their sync health' },
        { name: 'channels', description: 'What each channel allows (to build action forms), its documentation, channel-file validation and action checks' },
        { name: 'webhooks', description: 'Signed event deliveries to your endpoints' },
        { name: 'privacy', description: 'Buyers\' personal data: erasure requests' },
        { name: 'operations', description: 'Health, readiness, metrics, this document' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });

  installAuth(app, ctx.store, new AuthFailureLimiter(options.authFailures));
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimit?.max ?? 600,
    timeWindow: options.rateLimit?.timeWindowMs ?? 60_000,
    // Runs after authentication (route-level hook): the budget is per token.
    hook: 'onRequest',
    keyGenerator: (request) => request.apiToken?.id ?? `ip:${request.ip}`,
    allowList: (request) => !isBusinessRoute(request.routeOptions.url),
    errorResponseBuilder: (_request, ctx) => Object.assign(new Error(`rate limit of ${ctx.max} requests exceeded; retry in ${ctx.after}`), { statusCode: 429 }),
  });

  installProblemHandlers(app, (_request, problem) => countProblem(problem));
  installInputHygiene(app);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  await app.register(opsRoutes(ctx, metrics));
  await app.register(orderRoutes(ctx));
  await app.register(quarantineRoutes(ctx));
  await app.register(actionRoutes(ctx));
  await app.register(channelRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(privacyRoutes(ctx));
  await app.register(accountRoutes(ctx));
  await app.register(channelFileRoutes(ctx));
  await app.register(documentRoutes(ctx));
  await app.register(streamRoutes(ctx, options.stream));
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}

/** Problem document for a closed server, kept here so callers need not import problem.ts. */
export const notReadyProblem = (): ReturnType<typeof problemOf> => problemOf('API_NOT_READY', 'the server is shutting down');
