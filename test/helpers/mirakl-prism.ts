/**
 * Mirakl's own seller OpenAPI document (packages/simulators/test/fixtures/reference/, unchanged
 * from Mirakl) made servable by Stoplight Prism's dynamic mock, and a loopback tap that records
 * every answer Prism gives, so a test can compare what the marketplace returned with what the
 * engine stored.
 *
 * The copy differs from Mirakl's document in three places, each said why; the rest (field types,
 * formats, required lists, the OR11 parameters Prism validates requests against) stays Mirakl's:
 * - every array gets `maxItems` (orders per page `maxOrders`, any other array `maxItems`): the
 *   document bounds almost none, and json-schema-faker (which draws every array at its longest)
 *   then fills arrays at every level; one OR11 answer filled Prism's 4 GB heap and killed it
 *   (measured). Bounded, a page of 8 orders is about 450 KB, generated in under a second;
 * - OR11's `total_count` is pinned to 0 (minimum = maximum = 0): Prism draws each answer alone, so
 *   no schema can make the count agree with the orders served, and a random count sends the
 *   listing through pages that never overlap (each answer is new random data). Pinned, every
 *   listing is its first page (a short page at or past the total ends it,
 *   engine/connector/paginate/offset-total.ts) and is proven complete, so a run never lists its
 *   window again (which would wait a minute for Mirakl's OR11 budget). Paging over moving pages
 *   is proven by test/sync-paging-drift.test.ts;
 * - each order of a page is drawn either from Mirakl's order schema as published (types only: a
 *   currency such as "dolor sit", negative quantities; an order no one can import truthfully) or
 *   from a copy of it with the forms Mirakl documents in words (`documentedOrderSchema`). Mirakl's
 *   schema alone never yields an importable order, so without the second kind the test could not
 *   show that good orders are stored beside bad ones on the same page.
 */
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const MIRAKL_SPEC = path.resolve(import.meta.dirname, '../../packages/simulators/test/fixtures/reference/mirakl-seller-orders.openapi.json');

type Json = Record<string, unknown>;

export interface BoundedSpecOptions {
  /** Orders per OR11 page (default 8; json-schema-faker draws the longest array allowed). */
  maxOrders?: number;
  /** Items of any other array at most (default 2). */
  maxItems?: number;
}

function boundArrays(node: unknown, max: number): void {
  if (Array.isArray(node)) {
    for (const item of node) boundArrays(item, max);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  if (schema.type === 'array') {
    schema.maxItems = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : Infinity, max);
    if (typeof schema.minItems === 'number') schema.minItems = Math.min(schema.minItems, schema.maxItems as number);
  }
  for (const value of Object.values(schema)) boundArrays(value, max);
}

const SCHEMAS = '#/components/schemas/';
const DOCUMENTED = '__documented';
/** Mirakl writes a field's values in its description ("Enum: `"EUR"`, `"PLN"`"), deprecated ones after a <details>. */
const PROSE_ENUM = /Enum: (`"[^"]*"`(?:, `"[^"]*"`)*)/;

/**
 * A copy of the order schema and every schema it reaches (suffixed), with the forms Mirakl
 * documents in words but not in the schema: the values listed in a description become `enum`
 * (currency codes, order and line states...), quantities are counts (0 to 10), `*_url` fields are
 * URLs. Line ids are drawn from four values, so that some two-line orders repeat one: a poison
 * kind issue 12 met in Prism's data, which the store refuses (real Mirakl answers never repeat one).
 */
function documentedOrderSchema(schemas: Record<string, Json>, root: string): string {
  const names = new Set<string>();
  const reach = (name: string): void => {
    if (names.has(name) || !schemas[name]) return;
    names.add(name);
    for (const [, ref] of JSON.stringify(schemas[name]).matchAll(/"#\/components\/schemas\/([\w-]+)"/g)) reach(ref!);
  };
  reach(root);
  for (const name of names) {
    const text = JSON.stringify(schemas[name]).replace(/"#\/components\/schemas\/([\w-]+)"/g, (ref, target: string) => (names.has(target) ? `"${SCHEMAS}${target}${DOCUMENTED}"` : ref));
    const copy = JSON.parse(text) as Json & { properties?: Record<string, Json> };
    for (const [key, property] of Object.entries(copy.properties ?? {})) {
      const listed = PROSE_ENUM.exec(String(property.description ?? '').split('<details>')[0]!);
      if (listed && property.type === 'string') property.enum = [...listed[1]!.matchAll(/`"([^"]*)"`/g)].map((m) => m[1]);
      if (key === 'quantity' && property.type === 'integer') Object.assign(property, { minimum: 0, maximum: 10 });
      if (key.endsWith('_url') && property.type === 'string') property.format = 'uri';
      if (key === 'order_line_id') property.enum = ['1', '2', '3', '4'];
    }
    schemas[`${name}${DOCUMENTED}`] = copy;
  }
  return `${SCHEMAS}${root}${DOCUMENTED}`;
}

/** Writes the servable copy of Mirakl's document into `dir`; returns its path. */
export async function writeBoundedMiraklSpec(dir: string, options: BoundedSpecOptions = {}): Promise<string> {
  const spec = JSON.parse(await readFile(MIRAKL_SPEC, 'utf8')) as { components: { schemas: Record<string, Json> } };
  const schemas = spec.components.schemas;
  const documented = documentedOrderSchema(schemas, 'OR11_Response_200_Orders');
  boundArrays(spec, options.maxItems ?? 2);
  const page = schemas.OR11_Response_200! as Json & { properties: Record<string, Json> };
  page.properties.orders!.maxItems = options.maxOrders ?? 8;
  page.properties.orders!.items = { anyOf: [{ $ref: documented }, { $ref: `${SCHEMAS}OR11_Response_200_Orders` }] };
  Object.assign(page.properties.total_count!, { minimum: 0, maximum: 0 });
  const file = path.join(dir, 'mirakl-seller-orders.prism.openapi.json');
  await writeFile(file, JSON.stringify(spec));
  return file;
}

export interface TappedExchange {
  method: string;
  /** Path and query, as the engine sent them. */
  url: string;
  status: number;
  /** Prism's `sl-violations` header: what it found off the contract in the request (or answer). */
  violations?: string;
  /** The answer's body, parsed when it is JSON. */
  body: unknown;
}

export interface Tap {
  url: string;
  exchanges: TappedExchange[];
  close(): Promise<void>;
}

/** A reverse proxy on loopback in front of `upstream` that passes every exchange through unchanged and records it. */
export async function startTap(upstream: string): Promise<Tap> {
  const target = new URL(upstream);
  const exchanges: TappedExchange[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const text = Buffer.concat(chunks);
        let body: unknown = text.toString('utf8');
        try {
          body = JSON.parse(body as string);
        } catch {
          // kept as text
        }
        const violations = answer.headers['sl-violations'];
        exchanges.push({ method: req.method ?? '', url: req.url ?? '', status: answer.statusCode ?? 0, ...(violations !== undefined && { violations: String(violations) }), body });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(text);
      });
    });
    out.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`tap: ${err.message}`);
    });
    req.pipe(out);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
