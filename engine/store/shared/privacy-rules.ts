/**
 * What both drivers share for personal data retention and erasure: checking the requests and
 * redacting a stored row's texts (engine/order/personal-data.ts says what is redacted).
 */
import { OrderwireError } from '../../errors.ts';
import { redactPersonalData } from '../../order/personal-data.ts';
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
