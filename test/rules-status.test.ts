/**
 * Status mapping (engine/order/status.ts): exact, letter case included, for orders and lines; an
 * unmapped status keeps the order as `unknown` and is reported, never dropped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel, NormalizedStatus } from '../engine/channel/model.ts';
import { isErrorCode } from '../engine/errors.ts';
import { applyStatusMapping, mapLineStatus, mapOrderStatus, mappedStatuses } from '../engine/order/status.ts';
import { syntheticOrder } from '../engine/order/synthetic.ts';

let worten: Channel;
let cdiscount: Channel;
beforeAll(async () => {
  worten = await loadChannel('worten');
  cdiscount = await loadChannel('cdiscount');
});

/** The seed documents' tables, as the marketplaces send the statuses. */
const WORTEN: Array<[string, NormalizedStatus]> = [
  ['STAGING', 'new'], ['WAITING_ACCEPTANCE', 'waiting_acceptance'], ['WAITING_DEBIT', 'accepted'],
  ['WAITING_DEBIT_PAYMENT', 'accepted'], ['SHIPPING', 'waiting_shipment'], ['SHIPPED', 'shipped'],
  ['REFUSED', 'refused'], ['CLOSED', 'closed'], ['RECEIVED', 'closed'], ['CANCELED', 'canceled'],
  ['WAITING_REFUND', 'refunding'], ['WAITING_REFUND_PAYMENT', 'refunding'], ['REFUNDED', 'refunded'],
];
const CDISCOUNT: Array<[string, NormalizedStatus]> = [
  ['Processing', 'new'], ['WaitingAcceptance', 'waiting_acceptance'], ['Accepted', 'accepted'],
  ['InPreparation', 'waiting_shipment'], ['Shipped', 'shipped'], ['Delivered', 'shipped'],
  ['Refused', 'canceled'], ['Rejected', 'canceled'], ['Cancelled', 'refunded'],
];

describe('order status mapping', () => {
  it.each(WORTEN)('Worten %s -> %s', (marketplace, status) => {
    expect(mapOrderStatus(worten, marketplace)).toEqual({ status, unknown: false });
    expect(mapLineStatus(worten, marketplace)).toEqual({ status, unknown: false });
  });

  it.each(CDISCOUNT)('Cdiscount %s -> %s', (marketplace, status) => {
    expect(mapOrderStatus(cdiscount, marketplace)).toEqual({ status, unknown: false });
  });

  it('maps exactly the statuses of the source tables, nothing more', () => {
    expect([...worten.statusIndex.keys()].sort()).toEqual(WORTEN.map(([m]) => m).sort());
    expect([...cdiscount.statusIndex.keys()].sort()).toEqual(CDISCOUNT.map(([m]) => m).sort());
    expect(mappedStatuses(cdiscount)).toEqual(['new', 'waiting_acceptance', 'accepted', 'waiting_shipment', 'shipped', 'canceled', 'refunded']);
  });

  it.each(['shipped', 'Shipping', 'Shipped', 'shipping', 'waiting_acceptance', ' SHIPPED', 'SHIPPED '])('Worten %j is not a mapped status (letter case and spaces matter)', (marketplace) => {
    const mapped = mapOrderStatus(worten, marketplace);
    expect(mapped.status).toBe('unknown');
    expect(mapped.unknown).toBe(true);
    expect(mapped.finding?.code).toBe('ORDER_STATUS_UNKNOWN');
    expect(isErrorCode(mapped.finding!.code)).toBe(true);
  });

  it('says when an unknown status differs from a mapped one only in letter case', () => {
    expect(mapOrderStatus(worten, 'Shipping').finding).toEqual({
      code: 'ORDER_STATUS_UNKNOWN',
      field: 'marketplace_status',
      message: expect.stringContaining('"Shipping" is not mapped by channel worten'),
      suggestion: expect.stringContaining('"SHIPPING" differs only in letter case'),
    });
    expect(mapOrderStatus(cdiscount, 'shipped').finding?.suggestion).toContain('"Shipped" differs only in letter case');
  });

  it('suggests a near status, or lists the mapped ones', () => {
    expect(mapOrderStatus(worten, 'SHIPPPED').finding?.suggestion).toContain('did you mean "SHIPPED"');
    expect(mapOrderStatus(worten, 'INCIDENT_OPEN').finding?.suggestion).toContain('mapped: STAGING');
  });

  it('reports a missing or non-string status instead of throwing', () => {
    for (const value of [undefined, null, 42, {}]) {
      const mapped = mapOrderStatus(worten, value);
      expect(mapped.status).toBe('unknown');
      expect(mapped.finding?.message).toMatch(/is not mapped by channel worten/);
    }
  });
});

describe('applyStatusMapping', () => {
  it('keeps an order with an unknown status, flags it and reports it', () => {
    const order = { ...syntheticOrder(worten, 'WAITING_ACCEPTANCE'), marketplace_status: 'Waiting_Acceptance' };
    const { order: mapped, findings } = applyStatusMapping(worten, order);
    expect(mapped.status).toBe('unknown');
    expect(mapped.status_unknown).toBe(true);
    expect(mapped.marketplace_status).toBe('Waiting_Acceptance');
    expect(mapped.lines).toHaveLength(1);
    expect(findings).toEqual([expect.objectContaining({ code: 'ORDER_STATUS_UNKNOWN', field: 'marketplace_status' })]);
  });

  it('maps each line on its own and reports unknown line statuses with their index', () => {
    const order = syntheticOrder(worten, 'SHIPPED', { lines: [{ id: '1' }, { id: '2', marketplace_status: 'REFUNDED' }, { id: '3', marketplace_status: 'Refunded' }] });
    const { order: mapped, findings } = applyStatusMapping(worten, order);
    expect(mapped.status).toBe('shipped');
    expect(mapped.status_unknown).toBeUndefined();
    expect(mapped.lines.map((l) => l.status)).toEqual(['shipped', 'refunded', 'unknown']);
    expect(findings).toEqual([expect.objectContaining({ code: 'ORDER_STATUS_UNKNOWN', field: 'lines[2].marketplace_status' })]);
  });

  it('clears a stale unknown flag once the status is mapped', () => {
    const order = { ...syntheticOrder(worten, 'SHIPPED'), status: 'unknown' as const, status_unknown: true };
    const { order: mapped, findings } = applyStatusMapping(worten, order);
    expect(mapped.status).toBe('shipped');
    expect('status_unknown' in mapped).toBe(false);
    expect(findings).toEqual([]);
  });
});
