import { describe, expect, it } from 'vitest';
import { loadChannel } from '../channel/load.ts';
import type { ActionRequest } from '../rules/request.ts';
import { projectedStatus } from './projected-status.ts';

const worten = await loadChannel('worten');
const cdiscount = await loadChannel('cdiscount');
const req = (action: ActionRequest['action'], extra: Partial<ActionRequest> = {}): ActionRequest => ({ channel: 'c', account: 'a', marketplace_order_id: 'o', action, status: 'waiting_acceptance', lines: null, data: {}, ...extra });

describe('the status an order will have after its pending actions', () => {
  it('follows the pending actions in queue order, in the channel\'s statuses', () => {
    expect(projectedStatus(worten, 'waiting_acceptance', [], 2)).toBe('waiting_acceptance');
    expect(projectedStatus(worten, 'waiting_acceptance', [req('accept')], 2)).toBe('accepted');
    expect(projectedStatus(worten, 'waiting_acceptance', [req('refuse')], 2)).toBe('refused');
    // Cdiscount has no `refused`: a refused order is canceled there.
    expect(projectedStatus(cdiscount, 'waiting_acceptance', [req('refuse')], 1)).toBe('canceled');
    expect(projectedStatus(cdiscount, 'waiting_acceptance', [req('accept'), req('refund')], 1)).toBe('refunded');
  });

  it('a refusal of some lines accepts the others; a refund of some lines leaves the order where it is', () => {
    expect(projectedStatus(worten, 'waiting_acceptance', [req('refuse', { lines: ['1'], accepted_lines: ['2'] })], 2)).toBe('accepted');
    expect(projectedStatus(worten, 'shipped', [req('refund', { lines: ['1'] })], 2)).toBe('shipped');
    expect(projectedStatus(worten, 'shipped', [req('refund', { lines: ['1', '2'] })], 2)).toBe('refunded');
  });
});

describe('parts of lines leave the order open', () => {
  it('a refund of one unit of every line is not a refund of the order; cancel_lines of every whole line cancels it', () => {
    expect(projectedStatus(worten, 'shipped', [req('refund', { lines: ['1', '2'], line_parts: { 1: { quantity: 1, amount: 5 } } })], 2)).toBe('shipped');
    expect(projectedStatus(worten, 'waiting_shipment', [req('cancel_lines', { lines: ['1'], line_parts: { 1: { quantity: 1, amount: 5 } } })], 1)).toBe('waiting_shipment');
    expect(projectedStatus(worten, 'waiting_shipment', [req('cancel_lines', { lines: ['1', '2'] })], 2)).toBe('canceled');
  });
});
