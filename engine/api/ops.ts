/**
 * Operations routes at the root, without authentication: /healthz (the process answers),
 * /readyz (the store is reachable and migrated, and channels are loaded; 503 otherwise),
 * /metrics (Prometheus text format), /openapi.json (the generated OpenAPI document).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.ts';
import type { ApiMetrics } from './metrics.ts';
import { problemOf, sendProblem } from './problem.ts';

export function opsRoutes(ctx: ApiContext, metrics: ApiMetrics) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/healthz', {
      config: { rateLimit: false },
      schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
    }, async () => ({ status: 'ok' }));

    app.get('/readyz', {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: store reachable and migrated, channels loaded',
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'boolean' } } } } },
      },
    }, async (request, reply) => {
      const checks = { store: await ctx.store.ping().catch(() => false), channels: ctx.channels.size > 0 };
      const failing = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
      if (failing.length > 0) return sendProblem(reply, { ...problemOf('API_NOT_READY', `not ready: ${failing.join(', ')}`), instance: request.url });
      return { status: 'ready', checks };
    });

    app.get('/metrics', {
      config: { rateLimit: false },
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)'},
    }, async (_request, reply) => {
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });

    app.get('/openapi.json', {
      config: { rateLimit: false },
      schema: { tags: ['operations'], summary: 'This API\'s OpenAPI 3.1 document (browsable at /docs)' },
    }, async () => app.swagger());
  };
}
