/**
 * JSON with object keys sorted, so two documents with the same content give the same text
 * whatever order a marketplace or a mapper put the keys in. Used for content hashes and for
 * comparing action requests (PostgreSQL jsonb does not keep key order). On the commit path of
 * every order, hence the small caches.
 */
const quotedKeys = new Map<string, string>();
const MAX_CACHED_KEYS = 10_000;

export function canonicalJson(value: unknown): string {
  // When every object already has its keys in sorted order (the normalizer emits orders so),
  // JSON.stringify writes exactly this text: one native call instead of a walk building strings.
  if (keysInOrder(value, 0)) return JSON.stringify(value) ?? 'null';
  return write(value) ?? 'null';
}

/** Nesting past which the check gives up (and `write` decides): JSON documents are shallow. */
const MAX_CHECKED_DEPTH = 64;

/**
 * Whether JSON.stringify(value) is the canonical text: every object reached is a plain object
 * (no toJSON, no class, no boxed primitive) whose keys come in sorted order. `for...in` lists
 * integer-like keys first in numeric order, so {"10", "9"} is caught as out of order.
 */
function keysInOrder(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > MAX_CHECKED_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!keysInOrder(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!keysInOrder((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
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
