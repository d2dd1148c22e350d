/**
 * Scalar field types of action data: one small checker per type, each returning the normalized
 * value or why the input is not of that type. Value lists (carrier, reason, enum) are handled in
 * fields.ts; here a carrier or reason is only required to be a non-empty string.
 */
import countries from 'i18n-iso-countries';
import type { FieldType } from '../channel/model.ts';
import type { ActionValue } from './request.ts';

export type TypeCheck = { ok: true; value: ActionValue } | { ok: false; expected: string };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkDate(value: unknown): TypeCheck {
  const expected = 'an ISO-8601 date (2024-05-31) or date-time with a time zone (2024-05-31T10:00:00Z)';
  if (typeof value !== 'string') return { ok: false, expected };
  const m = ISO_DATE.exec(value);
  if (!m) return { ok: false, expected };
  const [, y, mo, d, h, mi, s, zone] = m;
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > daysInMonth(Number(y), month)) return { ok: false, expected: `${expected}; ${value} is not a calendar date` };
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return { ok: false, expected: `${expected}; ${value} is not a time of day` };
  // A local time without offset is read differently by each system: refuse rather than guess.
  if (h !== undefined && zone === undefined) return { ok: false, expected: `${expected}; add the time zone (Z or +01:00)` };
  return { ok: true, value };
}

function checkCountry(value: unknown): TypeCheck {
  const expected = 'an ISO 3166-1 country code, alpha-2 (PT) or alpha-3 (PRT)';
  if (typeof value !== 'string' || !/^[A-Za-z]{2,3}$/.test(value)) return { ok: false, expected };
  const code = value.toUpperCase();
  const alpha2 = code.length === 2 ? (countries.alpha2ToAlpha3(code) ? code : undefined) : countries.alpha3ToAlpha2(code);
  const alpha3 = alpha2 === undefined ? undefined : countries.alpha2ToAlpha3(alpha2);
  if (alpha2 === undefined || alpha3 === undefined) return { ok: false, expected: `${expected}; ${value} is not an assigned code` };
  return { ok: true, value: { alpha2, alpha3 } };
}

function checkUrl(value: unknown): TypeCheck {
  const expected = 'an absolute http(s) URL (https://...)';
  if (typeof value !== 'string') return { ok: false, expected };
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return { ok: true, value };
  } catch {
    // fall through: not a URL at all
  }
  return { ok: false, expected };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A stored document's reference (FileValue); its type and size are checked against the field by fields.ts. */
function checkFile(value: unknown): TypeCheck {
  const expected = 'a stored document {id, file_name, content_type, size, sha256} (upload the file with the action: POST /v1/orders/{id}/documents)';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, expected };
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || !UUID.test(v.id) || typeof v.file_name !== 'string' || v.file_name === '' || typeof v.content_type !== 'string' || !Number.isSafeInteger(v.size) || (v.size as number) < 0 || typeof v.sha256 !== 'string') {
    return { ok: false, expected };
  }
  return { ok: true, value: { id: v.id, file_name: v.file_name, content_type: v.content_type, size: v.size as number, sha256: v.sha256 } };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Checks `value` against a scalar type; list membership is checked by the caller. */
export function checkType(type: FieldType, value: unknown): TypeCheck {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false, expected: 'a string' };
    case 'carrier':
    case 'reason':
    case 'enum':
      return typeof value === 'string' && value.trim() !== '' ? { ok: true, value } : { ok: false, expected: 'a string (a code or label from the list)' };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, expected: 'true or false' };
    case 'integer':
      return Number.isSafeInteger(value) ? { ok: true, value: value as number } : { ok: false, expected: 'an integer' };
    case 'number':
      return isNumber(value) ? { ok: true, value } : { ok: false, expected: 'a number' };
    case 'amount':
      return isNumber(value) && value >= 0 ? { ok: true, value } : { ok: false, expected: 'an amount: a number >= 0' };
    case 'country':
      return checkCountry(value);
    case 'url':
      return checkUrl(value);
    case 'date':
      return checkDate(value);
    case 'file':
      return checkFile(value);
  }
}

/** A short, safe rendering of a value for messages (long strings and objects are cut). */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Cycles, BigInt, a throwing toJSON or toString: fall back to the value's kind.
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
