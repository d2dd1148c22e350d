/**
 * JSON with object keys sorted, so two documents with the same content give the same text
 * whatever order a marketplace or a mapper put the keys in. Used for content hashes and for
 * comparing action requests (PostgreSQL jsonb does not keep key order). On the commit path of
 * every order, hence the small caches.
 */
const quotedKeys = new Map<string, string>();
const MAX_CACHED_KEYS = 10_000;

export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function quote(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_CACHED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined; // undefined, functions, symbols: omitted like JSON.stringify does
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i]) ?? 'null');
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (const key of keys) {
    const text = write(obj[key]);
    if (text === undefined) continue;
    out += (out.length > 1 ? ',' : '') + quote(key) + ':' + text;
  }
  return out + '}';
}
