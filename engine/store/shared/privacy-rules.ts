/**
 * What both drivers share for personal data retention and erasure: checking the requests and
 * redacting a stored row's texts (engine/order/personal-data.ts says what is redacted).
 */
import { OrderwireError } from '../../errors.ts';
import { REDACTED, redactPersonalData, redactPersonalDataInRaw } from '../../order/personal-data.ts';
import type { ErasureRequest } from '../store.ts';
import { canonicalInstant } from './time.ts';
import { requireText } from './validate.ts';

/** Orders redacted per retention statement: bounded transactions, however many are due. */
export const RETENTION_BATCH = 200;

export function checkRetention(before: string, limit: number | undefined): { before: string; limit: number } {
  const n = limit ?? RETENTION_BATCH;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', 'limit must be an integer from 1 to 10000', { field: 'limit' });
  }
  return { before: canonicalInstant(before, 'before'), limit: n };
}

export function checkErasure(request: ErasureRequest): { email: string; accounts?: readonly string[] } {
  const email = requireText(request?.buyer_email, 'buyer_email').trim().toLowerCase();
  if (request.accounts !== undefined && !Array.isArray(request.accounts)) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', 'accounts must be an array of account ids', { field: 'accounts' });
  }
  return { email, ...(request.accounts && { accounts: request.accounts }) };
}

/** The stored document (without raw) and raw, parsed, redacted. */
export function redactRow(document: Record<string, unknown>, raw: unknown): { document: string; raw: string } {
  const out = redactPersonalData(document, raw);
  return { document: JSON.stringify(out.document), raw: JSON.stringify(out.raw) };
}

/**
 * A quarantined record's raw payload (the marketplace's own JSON, kept as text) without the data
 * subject's personal data: person and address subtrees, contact leaves, and any string holding
 * the e-mail or one of those values. A payload that is not JSON is replaced whole.
 */
export function redactQuarantinedRaw(raw: string, email: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return JSON.stringify(REDACTED);
  }
  return JSON.stringify(redactPersonalDataInRaw(parsed, [email]));
}

/** `%text%` for a LIKE that matches `text` literally (backslash escapes). */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
