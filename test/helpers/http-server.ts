/**
 * Hand-written marketplace endpoints for connector tests: fastify servers on 127.0.0.1, port 0,
 * that accept form bodies as OAuth2 token endpoints do. `close()` (in afterEach) closes them all,
 * open connections included.
 */
import Fastify, { type FastifyInstance } from 'fastify';

export interface TestServers {
  /** Starts a server set up by `setup`; resolves with its base URL (http://127.0.0.1:PORT). */
  serve(setup: (app: FastifyInstance) => void): Promise<string>;
  close(): Promise<void>;
}

export function testServers(): TestServers {
  const servers: FastifyInstance[] = [];
  return {
    async serve(setup) {
      const app = Fastify({ forceCloseConnections: true });
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
      setup(app);
      servers.push(app);
      return app.listen({ port: 0, host: '127.0.0.1' });
    },
    async close() {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    },
  };
}
