/**
 * How the daemon serves the operator console (engine/console/serve.ts), over real HTTP: the page
 * with a Content-Security-Policy that allows this origin alone (and exactly the inline import
 * map), the console's modules, the front-end libraries from node_modules limited to modules and
 * styles, no token needed for files while every /v1 route still needs one, and the
 * `daemon.http.console` switch.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfigText } from '../engine/config/load.ts';
import { consolePage, consoleRoutes, VENDOR_PACKAGES } from '../engine/console/serve.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';

describe('console files served beside the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ plugins: [consoleRoutes()], rateLimit: { max: 3, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves the page with a policy that lets the browser reach this daemon only, and its own import map', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
    const html = await res.text();
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(importMap).digest('base64')}'`);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Every library the import map names is served from node_modules by the daemon itself.
    const targets = Object.values((JSON.parse(importMap) as { imports: Record<string, string> }).imports);
    expect(targets.every((t) => t.startsWith('/vendor/'))).toBe(true);
    for (const target of targets) {
      const mod = await fetch(`${h.url}${target}`);
      expect(mod.status, target).toBe(200);
      expect(mod.headers.get('content-type')).toMatch(/javascript/);
      expect(mod.headers.get('x-content-type-options')).toBe('nosniff');
      await mod.arrayBuffer();
    }
    expect(new Set(targets.map((t) => t.split('/')[2]))).toEqual(new Set(VENDOR_PACKAGES));
    expect(consolePage().csp).toBe(csp);
  });

  it('serves the console modules, and from node_modules only modules and styles of the listed packages', async () => {
    expect((await fetch(`${h.url}/console/app.js`)).status).toBe(200);
    expect((await fetch(`${h.url}/console/style.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    for (const path of ['/vendor/preact/package.json', '/vendor/mermaid/README.md', '/vendor/fastify/fastify.js', '/vendor/preact/../../package.json', '/vendor/preact/%2e%2e/%2e%2e/package.json', '/console/../serve.ts']) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
    }
  });

  it('needs no token for files, which do not count against the API rate limit, while /v1 still needs one', async () => {
    for (let i = 0; i < 6; i++) expect((await fetch(`${h.url}/console/api.js`)).status).toBe(200);
    expect((await fetch(`${h.url}/v1/accounts`)).status).toBe(401);
    const openapi = (await (await fetch(`${h.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).filter((p) => !p.startsWith('/v1/') && !['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(p))).toEqual([]);
  });

  it('is on by default and can be switched off in the configuration', async () => {
    const base = 'store: x.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: https://worten.mirakl.net\n    credentials: { api_key: { env: K } }\n';
    expect((await validateConfigText(base, '/tmp/o.yaml')).findings).toEqual([]);
    expect((await validateConfigText(base, '/tmp/o.yaml')).config?.daemon.http.console).toBe(true);
    const off = await validateConfigText(`${base}daemon:\n  http: { console: false }\n`, '/tmp/o.yaml');
    expect(off.findings).toEqual([]);
    expect(off.config?.daemon.http.console).toBe(false);
  });
});
