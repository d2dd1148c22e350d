/**
 * The generated OpenAPI document: valid OpenAPI 3.1 (checked with a maintained validator of the
 * official schemas), and it lists every route the server registers, with its methods.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';

describe('OpenAPI document', () => {
  let h: ApiHarness;
  const routes: Array<{ method: string | string[]; url: string; hidden: boolean }> = [];
  beforeAll(async () => {
    h = await startApiHarness({ onRoute: (r) => routes.push(r) });
  });
  afterAll(async () => {
    await h.close();
  });

  it('validates as OpenAPI 3.1', async () => {
    const doc = await h.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // OpenAPI 3.1 webhooks: the deadline alert's payload, and the event type in the endpoints' enum.
    const alert = doc.body.webhooks['order.deadline_approaching'].post.requestBody.content['application/json'].schema;
    expect(alert.properties.data.required).toEqual(['order_id', 'account', 'channel', 'marketplace_order_id', 'kind', 'deadline', 'status', 'marketplace_status', 'overdue', 'at']);
    expect(JSON.stringify(doc.body.paths['/v1/webhooks'].post)).toContain('order.deadline_approaching');
  });

  it('documents every registered route with its methods, and no route that does not exist', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const registered = new Set<string>();
    for (const r of routes) {
      if (r.hidden) continue; // Swagger UI's own routes under /docs
      for (const m of [r.method].flat()) if (m !== 'HEAD') registered.add(`${m.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    }
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m} ${path}`)));
    expect([...documented].sort()).toEqual([...registered].sort());
    expect(registered.size).toBeGreaterThanOrEqual(20);
    expect(registered).toContain('post /v1/orders/{id}/actions');
    // Business routes declare the bearer scheme; their error responses are problem documents.
    const submit = doc.paths['/v1/orders/{id}/actions']!.post as { security: unknown; responses: Record<string, { content: Record<string, unknown> }> };
    expect(submit.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '403', '404', '422']));
    expect(Object.keys(submit.responses['422']!.content)).toEqual(['application/problem+json']);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await fetch(`${h.url}/docs/`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });
});
