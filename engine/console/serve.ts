/**
 * The operator console, served by the daemon next to the API: `/` is the page, `/console/*` its
 * modules and stylesheet (engine/console/web/), `/vendor/<package>/*` the front-end libraries it
 * imports, straight from node_modules (no build step, no CDN: `npm ci` is all it needs).
 *
 * The console is a client of the public /v1 API only: these routes serve files and no data, need
 * no token, and are outside the API's rate limit. Every page answer carries a Content-Security-
 * Policy that lets the browser talk to this daemon alone (connect-src, script-src 'self'), so no
 * request can leave for another host, and keeps the token out of referrers.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WEB_DIR = path.join(import.meta.dirname, 'web');

/** The front-end packages the console imports (engine/console/web/index.html maps them). */
export const VENDOR_PACKAGES = ['preact', 'htm', 'marked', 'dompurify', 'mermaid'] as const;

/** The folder of an installed package: its entry module resolved, then up to its package.json. */
export function packageDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return dir;
    } catch {
      // no package.json here (or not this package's): keep climbing
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of the ${name} package`);
    dir = up;
  }
}

/** The page, and the policy that allows exactly its inline import map and nothing from elsewhere. */
export function consolePage(): { html: string; csp: string } {
  const html = readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (!importMap) throw new Error('engine/console/web/index.html has no import map');
  const hash = createHash('sha256').update(importMap[1]!).digest('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    // Mermaid styles its SVG diagrams with inline <style> elements and attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

function secure(reply: FastifyReply | { setHeader(name: string, value: string): void }, csp: string): void {
  const set = 'setHeader' in reply ? (n: string, v: string) => reply.setHeader(n, v) : (n: string, v: string) => void reply.header(n, v);
  set('content-security-policy', csp);
  set('x-content-type-options', 'nosniff');
  set('referrer-policy', 'no-referrer');
  set('x-frame-options', 'DENY');
}

export function consoleRoutes() {
  return async function routes(app: FastifyInstance): Promise<void> {
    const page = consolePage();
    app.get('/', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
      secure(reply, page.csp);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page.html);
    });
    await app.register(fastifyStatic, {
      root: WEB_DIR,
      prefix: '/console/',
      index: false,
      list: false,
      serveDotFiles: false,
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => secure(res, page.csp),
    });
    for (const name of VENDOR_PACKAGES) {
      await app.register(fastifyStatic, {
        root: packageDir(name),
        prefix: `/vendor/${name}/`,
        decorateReply: false,
        index: false,
        list: false,
        serveDotFiles: false,
        // Only the modules and styles a browser loads; never package.json, sources or docs.
        allowedPath: (pathName) => /\.(m?js|css)$/.test(pathName) && !pathName.includes('/node_modules/'),
        maxAge: '1h',
        setHeaders: (res) => secure(res, page.csp),
      });
    }
  };
}
