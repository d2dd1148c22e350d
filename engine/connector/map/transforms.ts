/**
 * Named transforms a platform mapping may apply to a value (`transform: datetime`). Each is a
 * plain function; undefined in gives undefined out, and a value that cannot be converted gives
 * undefined too, so the order check reports the field instead of storing garbage.
 */
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import { isCanonicalInstant } from '../../order/instant.ts';

/**
 * Languages whose country names are recognised (the marketplaces' European buyers). Each locale
 * is a JSON file of the package, registered once.
 */
const NAME_LOCALES = ['en', 'fr', 'es', 'pt', 'it', 'de', 'nl', 'pl'] as const;
const requireJson = createRequire(import.meta.url);
for (const locale of NAME_LOCALES) countries.registerLocale(requireJson(`i18n-iso-countries/langs/${locale}.json`) as Parameters<typeof countries.registerLocale>[0]);

/** Names the package resolves to one code although they name two countries. */
const AMBIGUOUS_NAMES = new Set(['congo', 'korea', 'guinea', 'virgin islands']);

export type Transform = (value: unknown) => unknown;

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Any date the marketplace sends -> UTC ISO-8601 with milliseconds and Z. */
function datetime(value: unknown): unknown {
  if (isBlank(value)) return undefined;
  // Already what this returns (Mirakl's dates): itself, with no Date nor string built.
  if (typeof value === 'string' && isCanonicalInstant(value)) return value;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  // A string without zone is ambiguous; marketplaces document UTC, so read it as UTC.
  const text = typeof value === 'string' && /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const ms = typeof text === 'number' ? text : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function number(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function string(value: unknown): unknown {
  if (isBlank(value)) return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/**
 * An ISO alpha-2 or alpha-3 code, or a country name in one of NAME_LOCALES ("Portugal",
 * "Espagne"), to alpha-2; undefined when it names no country or several (see countryUnresolved).
 */
function countryAlpha2(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  if (resolvedCountries.has(value)) return resolvedCountries.get(value);
  const code = resolveCountry(value);
  if (resolvedCountries.size < MAX_RESOLVED_COUNTRIES) resolvedCountries.set(value, code);
  return code;
}

/**
 * Country texts already resolved. A name is looked up by scanning every name of eight locales
 * (i18n-iso-countries normalizes each one on every call), which cost a quarter of a first sync's
 * CPU; buyers' country texts are few, so each is resolved once. Bounded: past the bound (garbage
 * texts), new ones are resolved every time.
 */
const resolvedCountries = new Map<string, string | undefined>();
const MAX_RESOLVED_COUNTRIES = 10_000;

function resolveCountry(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  const code = text.toUpperCase();
  if (code.length === 2) return countries.isValid(code) ? code : undefined;
  if (code.length === 3 && /^[A-Z]{3}$/.test(code)) return countries.alpha3ToAlpha2(code) ?? undefined;
  if (AMBIGUOUS_NAMES.has(text.toLowerCase())) return undefined;
  const found = new Set(NAME_LOCALES.map((locale) => countries.getAlpha2Code(text, locale)).filter((c) => c !== undefined));
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The country text itself when it resolves to no single ISO code (a misspelling, an ambiguous
 * name): kept on the address as `country_unresolved`, so the order says so instead of losing it.
 */
function countryUnresolved(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return countryAlpha2(value) === undefined ? value.trim() : undefined;
}

function upper(value: unknown): unknown {
  return typeof value === 'string' ? value.toUpperCase() : value;
}

function lower(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function trim(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const out = value.trim();
  return out === '' ? undefined : out;
}

function boolean(value: unknown): unknown {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1) return true;
  if (value === 'false' || value === 0) return false;
  return undefined;
}

/** Locale "en_US" -> BCP 47 "en-US". */
function locale(value: unknown): unknown {
  return typeof value === 'string' && value !== '' ? value.replace('_', '-') : undefined;
}

/**
 * An amount in hundredths to the unit (Kaufland sends 5900 for 59.00 EUR, CZK and PLN alike):
 * an integer, or a text of one; anything else is no amount.
 */
function cents(value: unknown): unknown {
  const n = number(value);
  return typeof n === 'number' && Number.isInteger(n) ? n / 100 : undefined;
}

/** Every named transform, by name: the one table mapping files select from. */
export const TRANSFORMS: Readonly<Record<string, Transform>> = Object.freeze({
  datetime,
  number,
  string,
  boolean,
  country_alpha2: countryAlpha2,
  country_unresolved: countryUnresolved,
  upper,
  lower,
  trim,
  locale,
  cents,
});

export const TRANSFORM_NAMES = Object.freeze(Object.keys(TRANSFORMS));
