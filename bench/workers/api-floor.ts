/**
 * The serving floor of the api-feed benchmark: the least work serving a feed page can do. The
 * same request paths as the API (`/v1/orders?limit=100&after=<cursor>`), the same cursor, the
 * same SQLite file: one prepared SELECT of the stored document text of the next 100 orders by
 * change_seq, concatenated into `{"items":[...],"next":...}` and written to the socket with
 * node:http. No authentication, no validation, no parsing, no response schema, no
 * acknowledgements: everything the API does beyond it is what the engine/floor ratio prices.
 * Protocol as workers/api-server.ts: one JSON line {url} once listening, "usage" lines answered
 * with CPU time and peak RSS, exit when stdin closes.
 *
 *   npx node bench/workers/api-floor.ts --store FILE
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { store: { type: 'string' } } });
if (!values.store) throw new Error('api-floor needs --store FILE');
const db = new DatabaseSync(values.store, { readOnly: true });
const page = db.prepare('SELECT change_seq, document FROM orders WHERE change_seq > ? ORDER BY change_seq LIMIT ?');

/** The engine's page cursor (engine/store/shared/paging.ts): base64url of "o:<change_seq>". */
const cursorSeq = (after: string | null): number => (after ? Number(Buffer.from(after, 'base64url').toString().slice(2)) : 0);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const rows = page.all(cursorSeq(url.searchParams.get('after')), limit + 1) as Array<{ change_seq: number; document: string }>;
  const items = rows.slice(0, limit);
  const next = rows.length > limit ? JSON.stringify(Buffer.from(`o:${items.at(-1)!.change_seq}`).toString('base64url')) : 'null';
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`{"items":[${items.map((r) => r.document).join(',')}],"next":${next}}`);
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'usage') return;
  const u = process.resourceUsage();
  console.log(JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
});
lines.on('close', () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeAllConnections();
});
