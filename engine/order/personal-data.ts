/**
 * Redaction of a buyer's personal data (GDPR storage limitation and erasure): what the store
 * applies once an order's retention has passed or on a data subject's erasure request.
 *
 * - Normalized document: `buyer` keeps only `locale`, each address only `country`; lines,
 *   amounts, statuses and tracking stay (the merchant's accounting needs them).
 * - Raw payload (the marketplace's own shape, which varies): every value under a key that holds a
 *   person or an address (customer, buyer, *address*, recipient, contact), every leaf whose key
 *   names a contact detail (e-mail, phone, names, street, zip...), and every string that contains
 *   one of the personal values the normalized document held, become `[redacted]`.
 *
 * Order events and webhook events hold ids and statuses only, never personal data.
 */
import { FINAL_STATUSES } from '../vocabulary/statuses.ts';
import type { Address, Buyer } from './model.ts';

export const REDACTED = '[redacted]';

/** Statuses after which nothing more happens to an order: its retention period starts there. */
export { FINAL_STATUSES };

// Keys (lowercase, without _ - and spaces) whose whole value is about a person or an address.
const PERSON_SUBTREE = /^(customer|buyer|recipient|.*contacts?|.*address(es)?|.*addressline\d*)$/;
// Leaf keys that name a contact detail wherever they appear.
const PERSON_LEAF = /(e?mail|phone|mobile|fax|firstname|lastname|fullname|civility|street|zipcode|postcode|postalcode|customerid|buyerid)/;
// Values shorter than this (country codes, "M.") are too common to hunt for in the raw payload.
const MIN_VALUE_LENGTH = 3;

type Json = unknown;

export interface Redacted {
  document: Record<string, Json>;
  raw: Json;
}

/** The document (normalized order without raw) and the raw payload with personal data removed. */
export function redactPersonalData(document: Record<string, Json>, raw: Json): Redacted {
  const values = personalValues(document);
  const out: Record<string, Json> = { ...document };
  const buyer = (document.buyer ?? {}) as Buyer;
  out.buyer = buyer.locale === undefined ? {} : { locale: buyer.locale };
  for (const key of ['billing_address', 'shipping_address'] as const) {
    const address = document[key] as Address | undefined;
    if (address === undefined) continue;
    out[key] = address.country === undefined ? {} : { country: address.country };
  }
  return { document: out, raw: redactRaw(raw, values, false) };
}

/** The same on the texts the store keeps (JSON document, JSON raw). */
export function redactPersonalDataTexts(document: string, raw: string): { document: string; raw: string } {
  const result = redactPersonalData(JSON.parse(document) as Record<string, Json>, JSON.parse(raw) as Json);
  return { document: JSON.stringify(result.document), raw: JSON.stringify(result.raw) };
}

/** The personal strings the normalized document holds, longest first. */
function personalValues(document: Record<string, Json>): string[] {
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value.trim().length >= MIN_VALUE_LENGTH) found.add(value.trim().toLowerCase());
  };
  const buyer = (document.buyer ?? {}) as Buyer;
  for (const key of ['id', 'first_name', 'last_name', 'email', 'phone'] as const) add(buyer[key]);
  for (const which of ['billing_address', 'shipping_address'] as const) {
    const address = (document[which] ?? {}) as Address;
    for (const key of ['name', 'company', 'street_1', 'street_2', 'zip_code', 'city', 'phone'] as const) add(address[key]);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}

function redactRaw(value: Json, personal: readonly string[], inPersonSubtree: boolean): Json {
  if (typeof value === 'string') {
    if (inPersonSubtree) return REDACTED;
    const lower = value.toLowerCase();
    return personal.some((p) => lower.includes(p)) ? REDACTED : value;
  }
  if (typeof value === 'number') return inPersonSubtree ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => redactRaw(item, personal, inPersonSubtree));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const normalized = normalizeKey(key);
      const subtree = inPersonSubtree || (item !== null && typeof item === 'object' && PERSON_SUBTREE.test(normalized));
      const leaf = item !== null && typeof item !== 'object' && PERSON_LEAF.test(normalized);
      out[key] = redactRaw(item, personal, subtree || leaf);
    }
    return out;
  }
  return value;
}
