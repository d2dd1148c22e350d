/**
 * Reference lists (channel lists fetched live per account), written once for both stores:
 * argument checks and rows to stored lists.
 */
import { OrderwireError } from '../../errors.ts';
import type { NewReferenceList, ReferenceListFailure, ReferenceListValue, StoredReferenceList } from '../store.ts';
import type { JsonDecoder, Row } from './rows.ts';
import { canonicalInstant, toIso, toIsoOrUndefined } from './time.ts';
import { requireText } from './validate.ts';

/** Longest error kept (a marketplace message can be long). */
const MAX_ERROR = 2_000;

function badValues(index: number, problem: string): OrderwireError {
  return new OrderwireError('STORE_ARGUMENT_INVALID', `values[${index}] ${problem}`, { field: `values[${index}]` });
}

function cleanValue(value: ReferenceListValue, index: number): ReferenceListValue {
  if (typeof value !== 'object' || value === null) throw badValues(index, 'must be an object with code and label');
  if (typeof value.code !== 'string' || value.code === '') throw badValues(index, 'must have a non-empty code');
  if (typeof value.label !== 'string' || value.label === '') throw badValues(index, 'must have a non-empty label');
  return { code: value.code, label: value.label, ...(typeof value.tracking_url === 'string' && value.tracking_url !== '' && { tracking_url: value.tracking_url }) };
}

export interface PreparedList {
  account: string;
  channel: string;
  list: string;
  source: string;
  values: string;
  fetched_at: string;
}

export function prepareReferenceList(list: NewReferenceList): PreparedList {
  const account = requireText(list?.account, 'account');
  if (!Array.isArray(list.values)) throw new OrderwireError('STORE_ARGUMENT_INVALID', 'values must be an array', { field: 'values' });
  return {
    account,
    channel: requireText(list.channel, 'channel'),
    list: requireText(list.list, 'list'),
    source: requireText(list.source, 'source'),
    values: JSON.stringify(list.values.map(cleanValue)),
    fetched_at: canonicalInstant(list.fetched_at, 'fetched_at'),
  };
}

export interface PreparedFailure {
  account: string;
  channel: string;
  list: string;
  source: string;
  attempted_at: string;
  error: string;
}

export function prepareReferenceListFailure(failure: ReferenceListFailure): PreparedFailure {
  return {
    account: requireText(failure?.account, 'account'),
    channel: requireText(failure.channel, 'channel'),
    list: requireText(failure.list, 'list'),
    source: requireText(failure.source, 'source'),
    attempted_at: canonicalInstant(failure.attempted_at, 'attempted_at'),
    error: requireText(failure.error, 'error').slice(0, MAX_ERROR),
  };
}

export function referenceListFromRow(row: Row, json: JsonDecoder): StoredReferenceList {
  const values = row.entries === null || row.entries === undefined ? null : (json(row.entries) as ReferenceListValue[]);
  const fetched = toIsoOrUndefined(row.fetched_at);
  return {
    account: String(row.account),
    channel: String(row.channel),
    list: String(row.list),
    source: String(row.source),
    values,
    ...(fetched !== undefined && { fetched_at: fetched }),
    attempted_at: toIso(row.attempted_at),
    ...(row.error !== null && row.error !== undefined && { error: String(row.error) }),
    failures: Number(row.failures),
  };
}
