/**
 * Dotted paths ("customer.shipping_address.country_iso_code", "lines.0.shippingAddress")
 * compiled once into getters. On the hot path of a sync, so the getter is a plain loop over
 * pre-split keys, with fast versions for the common short paths.
 */
export type Getter = (value: unknown) => unknown;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$|^\d+$/;

/** Splits and checks a path; throws with the offending segment. "" and "." are the value itself. */
export function splitPath(path: string): string[] {
  if (path === '' || path === '.') return [];
  const keys = path.split('.');
  for (const key of keys) {
    if (!IDENTIFIER.test(key)) throw new Error(`"${path}" is not a dotted path (bad segment "${key}")`);
  }
  return keys;
}

function step(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

export function compileKeys(keys: readonly string[]): Getter {
  switch (keys.length) {
    case 0:
      return (v) => v;
    case 1: {
      const [a] = keys as [string];
      return (v) => step(v, a);
    }
    case 2: {
      const [a, b] = keys as [string, string];
      return (v) => step(step(v, a), b);
    }
    default:
      return (v) => {
        let out = v;
        for (const key of keys) {
          if (out === null || typeof out !== 'object') return undefined;
          out = (out as Record<string, unknown>)[key];
        }
        return out;
      };
  }
}

export function compilePath(path: string): Getter {
  return compileKeys(splitPath(path));
}
