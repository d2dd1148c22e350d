import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/**
 * A fastify instance configured the way both simulators need: no request logging (call log
 * instead), connections closed on `close()` so tests end promptly, and a JSON parser that
 * tolerates an empty body (clients send `Content-Type: application/json` with no body on
 * body-less PUTs; real APIs accept it) — the body is then `undefined`; multipart/form-data is
 * left to the routes that take files (shared/documents.ts).
 */
export function createSimApp(opts: { bodyLimit?: number } = {}): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024 });
  // Document uploads (Mirakl OR74, Octopia invoice-documents) are read by their routes.
  void app.register(multipart);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/, { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const err = error as Error & { statusCode?: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });
  return app;
}

/** Starts the app and returns its base URL (no trailing slash), e.g. http://127.0.0.1:41234. */
export async function listen(app: FastifyInstance, opts: ListenOptions = {}): Promise<string> {
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error(`simulator bound to an unexpected address: ${String(address)}`);
  const shownHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
