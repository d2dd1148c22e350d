/**
 * The quarantine, written once for both stores: argument checks, the record key (the
 * marketplace order id, else a hash of the payload, so one record is one row however often it is
 * met), and rows to records.
 */
import { createHash } from 'node:crypto';
import type { NewQuarantinedRecord, QuarantinedRecord } from '../store.ts';
import type { JsonDecoder, Row } from './rows.ts';
import { toIso } from './time.ts';
import { requireText } from './validate.ts';

/** Longest reason kept (a mapping problem names one field; a driver message can be long). */
const MAX_REASON = 2_000;

export interface PreparedQuarantine {
  account: string;
  channel: string;
  record_key: string;
  marketplace_order_id: string | null;
  code: string;
  reason: string;
  raw: string;
  run: string | null;
}

/** One entry per record key: a batch naming one record twice keeps its last version (one sighting). */
export function prepareQuarantine(records: readonly NewQuarantinedRecord[]): PreparedQuarantine[] {
  const prepared = records.map((r, i): PreparedQuarantine => {
    const account = requireText(r?.account, `records[${i}].account`);
    const channel = requireText(r.channel, `records[${i}].channel`);
    const code = requireText(r.code, `records[${i}].code`);
    const reason = requireText(r.reason, `records[${i}].reason`).slice(0, MAX_REASON);
    const id = typeof r.marketplace_order_id === 'string' && r.marketplace_order_id !== '' ? r.marketplace_order_id : null;
    const raw = JSON.stringify(r.raw === undefined ? null : r.raw);
    const recordKey = id ?? `sha256:${createHash('sha256').update(raw).digest('base64url')}`;
    return { account, channel, record_key: recordKey, marketplace_order_id: id, code, reason, raw, run: typeof r.run === 'string' ? r.run : null };
  });
  return [...new Map(prepared.map((r) => [`${r.account}\u0000${r.channel}\u0000${r.record_key}`, r])).values()];
}

export function quarantineFromRow(row: Row, json: JsonDecoder): QuarantinedRecord {
  const record: QuarantinedRecord = {
    id: String(row.id),
    account: String(row.account),
    channel: String(row.channel),
    code: String(row.code),
    reason: String(row.reason),
    raw: json(row.raw),
    attempts: Number(row.attempts),
    first_seen_at: toIso(row.first_seen_at),
    last_seen_at: toIso(row.last_seen_at),
  };
  if (row.marketplace_order_id !== null && row.marketplace_order_id !== undefined) record.marketplace_order_id = String(row.marketplace_order_id);
  if (row.last_run !== null && row.last_run !== undefined) record.last_run = String(row.last_run);
  return record;
}
