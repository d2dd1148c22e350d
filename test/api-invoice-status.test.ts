/** The invoice status the order route shows (engine/api/order-documents.ts), for every action state. */
import { describe, expect, it } from 'vitest';
import { invoiceStatus } from '../engine/api/order-documents.ts';
import type { StoredAction } from '../engine/store/store.ts';

const action = (state: StoredAction['state']) => ({ state }) as StoredAction;

describe('invoiceStatus', () => {
  it('follows the latest upload_invoice action, else the marketplace flag', () => {
    expect(invoiceStatus(undefined, undefined)).toBe('none');
    expect(invoiceStatus(undefined, false)).toBe('none');
    expect(invoiceStatus(undefined, true)).toBe('uploaded');
    expect(invoiceStatus(action('queued'), false)).toBe('uploading');
    expect(invoiceStatus(action('sending'), false)).toBe('uploading');
    expect(invoiceStatus(action('succeeded'), undefined)).toBe('uploaded');
    expect(invoiceStatus(action('failed'), false)).toBe('rejected');
    expect(invoiceStatus(action('needs_attention'), false)).toBe('rejected');
    // A later upload that failed does not hide an invoice the marketplace has: it was rejected.
    expect(invoiceStatus(action('failed'), true)).toBe('rejected');
  });
});
