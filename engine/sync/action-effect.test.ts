import { describe, expect, it } from 'vitest';
import { actionEffect } from './action-effect.ts';

describe('action effect after an ambiguous failure', () => {
  it('an accepted order that moved on took effect', () => {
    expect(actionEffect('accept', 'waiting_acceptance', 'accepted')).toBe('took_effect');
    expect(actionEffect('accept', 'waiting_acceptance', 'waiting_shipment')).toBe('took_effect');
  });
  it('an order still in its status has not seen the action: safe to send again', () => {
    expect(actionEffect('ship', 'waiting_shipment', 'waiting_shipment')).toBe('not_yet');
  });
  it('an order that went somewhere unexpected needs a human', () => {
    expect(actionEffect('accept', 'waiting_acceptance', 'canceled')).toBe('unclear');
    expect(actionEffect('ship', 'waiting_shipment', 'unknown')).toBe('unclear');
  });
  it('Cdiscount refund ends in refunded (Cancelled)', () => {
    expect(actionEffect('refund', 'waiting_shipment', 'refunded')).toBe('took_effect');
  });
});
