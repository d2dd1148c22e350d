/**
 * Requests generated from an OpenAPI 3.1 document with fast-check: for each operation, its path,
 * query and header parameters and its JSON body are drawn from their schemas, mostly near-valid
 * (enum values, ids that exist, dates around the accepted range, integers around the bounds) and
 * sometimes hostile (NUL, lone surrogates, over-long text, wrong types, unknown keys, malformed
 * JSON, other content types). Lone surrogates are percent-encoded as their WTF-8 bytes, which no
 * WHATWG URL API would send but a raw client can.
 */
import fc from 'fast-check';

export interface FuzzOperation {
  method: string;
  /** Path template as in the document: /v1/orders/{id}. */
  path: string;
  parameters: Array<{ in: 'path' | 'query' | 'header'; name: string; schema: Schema; required?: boolean }>;
  body?: Schema;
}

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The operation it was drawn from (for messages). */
  operation: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema fragments of every shape
type Schema = Record<string, any>;

/** The document's operations, minus those `skip` names (e.g. a never-ending stream). */
export function fuzzOperations(doc: { paths: Record<string, Record<string, Schema>> }, skip: (method: string, path: string) => boolean = () => false): FuzzOperation[] {
  const out: FuzzOperation[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      if (skip(method.toUpperCase(), path)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      out.push({ method: method.toUpperCase(), path, parameters: (op.parameters ?? []) as FuzzOperation['parameters'], ...(body && { body }) });
    }
  }
  return out;
}

/** Text that has broken servers before. */
const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\udbff\udfff', '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z', '1969-12-31T23:59:59Z', '2026-02-30T00:00:00Z', '-1', '0', '1e309', 'NaN', 'null', 'true', '[]', '{}', '__proto__', 'constructor',
  '../../etc/passwd', '%00', '%ED%A0%80', "' OR 1=1 --", '"; DROP TABLE orders; --', '<script>alert(1)</script>', '\u202eevil', '🙂', 'ﬀ', 'x'.repeat(250), 'y'.repeat(2500),
];

const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 12 }));

/** Any JSON value, often nasty at the leaves. */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(nastyString, tie('value'), { maxKeys: 4 })),
})).value;

function dateTimes(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.date({ min: new Date('1960-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('0000-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2026-03-01T10:00:00+02:00', '2026-03-01', '2026-03-01T10:00:00'),
  );
}

/** A value for `schema`: near-valid most of the time, anything some of the time. */
export function valueFor(schema: Schema | undefined, known: Record<string, string[]> = {}, name = ''): fc.Arbitrary<unknown> {
  if (!schema) return anyJson;
  const wild = anyJson;
  let valid: fc.Arbitrary<unknown>;
  if (Array.isArray(schema.enum)) {
    valid = fc.constantFrom(...(schema.enum as unknown[]));
  } else {
    const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
    switch (type) {
      case 'string':
        valid = schema.format === 'date-time'
          ? dateTimes()
          : fc.oneof(...(known[name]?.length ? [fc.constantFrom(...known[name]!)] : []), fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 60) }), nastyString);
        break;
      case 'integer':
        valid = fc.oneof(
          fc.integer({ min: (schema.minimum ?? -10) - 3, max: Math.min(schema.maximum ?? 1000, 5000) + 3 }),
          fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER),
          fc.double(),
        );
        break;
      case 'number':
        valid = fc.oneof(fc.double(), fc.integer());
        break;
      case 'boolean':
        valid = fc.boolean();
        break;
      case 'array':
        valid = fc.array(valueFor(schema.items, known, name), { maxLength: 4 });
        break;
      case 'object':
        valid = objectFor(schema, known);
        break;
      default:
        valid = wild;
    }
  }
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: wild });
}

function objectFor(schema: Schema, known: Record<string, string[]>): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>((schema.required ?? []) as string[]);
  const fields = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valueFor(s, known, key)]));
  const record = fc.record(fields, { requiredKeys: Object.keys(fields).filter((k) => required.has(k)) });
  const extra = fc.option(fc.dictionary(nastyString, anyJson, { maxKeys: 2 }), { nil: undefined });
  return fc.tuple(record, extra).map(([r, e]) => ({ ...(e ?? {}), ...r }));
}

/** Percent-encodes text as UTF-8, and a lone surrogate as its 3 WTF-8 bytes (no URL API would). */
export function encodeComponent(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (high && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (high || low) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/** Requests for `operation`; `known` gives real values per parameter name (ids that exist). */
export function requestFor(operation: FuzzOperation, known: Record<string, string[]> = {}): fc.Arbitrary<FuzzRequest> {
  const params = operation.parameters.map((p) =>
    fc.tuple(fc.constant(p), p.required || p.in === 'path' ? valueFor(p.schema, known, p.name).map((v) => v as unknown) : fc.option(valueFor(p.schema, known, p.name), { nil: undefined })),
  );
  const body = operation.body
    ? fc.oneof(
        { weight: 8, arbitrary: valueFor(operation.body, known).map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' })) },
        { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '', '[1,2', 'null', '"text"', '{"a":1}{"b":2}').map((text) => ({ type: 'application/json', text })) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data'), fc.string({ maxLength: 20 })).map(([type, text]) => ({ type, text })) },
      )
    : fc.constant(undefined);
  return fc.tuple(fc.tuple(...params), body).map(([values, payload]) => {
    let path = operation.path;
    const query: string[] = [];
    const headers: Record<string, string> = {};
    for (const [p, value] of values) {
      if (value === undefined) continue;
      if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeComponent(asText(value)));
      else if (p.in === 'query') {
        for (const v of Array.isArray(value) ? value : [value]) query.push(`${encodeURIComponent(p.name)}=${encodeComponent(asText(v))}`);
      } else {
        // Header values are Latin-1 on the wire: keep printable ASCII (the parser tests cover the rest).
        const text = asText(value).replace(/[^\x20-\x7e]/g, '');
        if (text !== '') headers[p.name] = text;
      }
    }
    if (payload) headers['content-type'] = payload.type;
    return { method: operation.method, url: query.length ? `${path}?${query.join('&')}` : path, headers, ...(payload && { body: payload.text }), operation: `${operation.method} ${operation.path}` };
  });
}
