/** Small checks for request bodies, reporting the field path in Mirakl's VALIDATION_ERROR. */
import { invalid } from './api-error.ts';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw invalid(`${path} must be a JSON object`);
  return v;
}

export function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw invalid(`${path} is required and must be an array`);
  return v;
}

export function str(o: Obj, key: string, path: string, required = true): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(`${path}.${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || (required && v.trim() === '')) throw invalid(`${path}.${key} must be a non-empty string`);
  return v;
}

/** A money amount in euros, returned in cents. */
export function cents(o: Obj, key: string, path: string, required = true): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(`${path}.${key} is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(`${path}.${key} must be a number >= 0`);
  const c = Math.round(v * 100);
  if (Math.abs(c - v * 100) > 1e-6) throw invalid(`${path}.${key} has more than 2 decimals`);
  return c;
}

export function int(o: Obj, key: string, path: string, required = true): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(`${path}.${key} is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`${path}.${key} must be an integer >= 0`);
  return v;
}

export function bool(o: Obj, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw invalid(`${path}.${key} is required and must be true or false`);
  return v;
}

/** taxes / shipping_taxes / fees: [{code?, amount?}], amounts in cents. */
export function taxList(o: Obj, key: string, path: string): { code?: string; amount: number }[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return arr(v, `${path}.${key}`).map((t, k) => {
    const p = `${path}.${key}[${k}]`;
    const item = obj(t, p);
    const code = str(item, 'code', p, false);
    const amount = cents(item, 'amount', p, false) ?? 0;
    return code === undefined ? { amount } : { code, amount };
  });
}
