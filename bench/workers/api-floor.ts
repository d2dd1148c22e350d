/**
 * The serving floor of the api-feed benchmark: the least work serving a feed page can do. The
 * same request paths as the API (`/v1/orders?limit=100&after=<cursor>`), the same cursor, the
 * same SQLite file: one prepared SELECT that joins the stored document texts of the next 100
 * orders by change_seq into one value (group_concat, read as bytes: no string per order is decoded
 * or encoded again), wrapped into `{"items":[...],"next":...}` and written to the socket with
 * node:http. No authentication, no validation, no parsing, no response schema, no
 * acknowledgements, no documents or invoice status: everything the API does beyond it is what the
 * engine/floor ratio prices.
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
// ?1 the cursor's change_seq, ?2 the page size; `more`: whether an order follows the page.
const page = db.prepare(`SELECT CAST(group_concat(document, ',') AS BLOB) AS items, max(change_seq) AS last,
    (SELECT count(*) FROM (SELECT 1 FROM orders WHERE change_seq > ?1 LIMIT ?2 + 1)) > ?2 AS more
  FROM (SELECT change_seq, document FROM orders WHERE change_seq > ?1 ORDER BY change_seq LIMIT ?2)`);
const OPEN = Buffer.from('{"items":[');

/** The engine's page cursor (engine/store/shared/paging.ts): base64url of "o:<change_seq>". */
const cursorSeq = (after: string | null): number => (after ? Number(Buffer.from(after, 'base64url').toString().slice(2)) : 0);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const row = page.get(cursorSeq(url.searchParams.get('after')), limit) as { items: Uint8Array | null; last: number | null; more: number };
  const next = row.more ? JSON.stringify(Buffer.from(`o:${row.last}`).toString('base64url')) : 'null';
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(Buffer.concat([OPEN, row.items ?? new Uint8Array(), Buffer.from(`],"next":${next}}`)]));
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
