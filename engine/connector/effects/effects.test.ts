/**
 * The effect checks of the shipped platform files, on orders as a read-back returns them: each
 * says took effect only on proof, not yet only on proof, and unclear (with evidence) otherwise.
 */
import { describe, expect, it } from 'vitest';
import { loadChannel } from '../../channel/load.ts';
import type { NormalizedOrder, OrderLine } from '../../order/model.ts';
import type { ActionRequest } from '../../rules/request.ts';
import type { Connector } from '../connector.ts';
import { createConnector, loadPlatform } from '../declarative.ts';

async function connectorFor(channelId: 'worten' | 'cdiscount'): Promise<Connector> {
  const channel = await loadChannel(channelId);
  const credentials = { api_key: 'k', client_id: 'c', client_secret: 's', seller_id: '1' };
  return createConnector({ account: 'a', channel, baseUrl: 'http://127.0.0.1:9', credentials }, await loadPlatform(channel.platform), { budgets: false });
}

const worten = await connectorFor('worten');
const cdiscount = await connectorFor('cdiscount');

function line(id: string, marketplaceStatus: string, extra: Partial<OrderLine> = {}): OrderLine {
  return { id, sku: `S-${id}`, quantity: 2, unit_price: 10, shipping_price: 3, taxes: [], status: 'unknown', marketplace_status: marketplaceStatus, ...extra };
}

function order(marketplaceStatus: string, lines: OrderLine[], extra: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    channel: 'worten', account: 'a', marketplace_order_id: 'O1', status: 'unknown', marketplace_status: marketplaceStatus,
    created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', currency: 'EUR',
    totals: { items: 40, shipping: 6, taxes: 0, total: 46 }, buyer: {}, lines, delivered_by_marketplace: false, raw: {}, ...extra,
  };
}

function request(action: ActionRequest['action'], extra: Partial<ActionRequest> = {}): ActionRequest {
  return { channel: 'worten', account: 'a', marketplace_order_id: 'O1', action, status: 'waiting_acceptance', lines: null, data: {}, ...extra };
}

const refund = (id: string, quantity: number, amount: number) => ({ id, quantity, amount, shipping_amount: 0 });
const refunded = (...list: ReturnType<typeof refund>[]) => ({ refunds: list, refunded: { quantity: list.reduce((n, r) => n + r.quantity, 0), amount: list.reduce((n, r) => n + r.amount, 0), shipping_amount: 0 } });

describe('Mirakl: accept and refuse are proven by the decision on every line', () => {
  const partialAccept = request('accept', { lines: ['L1'], refused_lines: ['L2'] });
  it('every line decided as sent: took effect', () => {
    expect(worten.checkEffect(partialAccept, order('WAITING_DEBIT', [line('L1', 'WAITING_DEBIT'), line('L2', 'REFUSED')]), null)).toMatchObject({ verdict: 'took_effect' });
    expect(worten.checkEffect(request('refuse'), order('REFUSED', [line('L1', 'REFUSED'), line('L2', 'REFUSED')]), null)).toMatchObject({ verdict: 'took_effect' });
  });
  it('every line still waiting: not yet', () => {
    expect(worten.checkEffect(partialAccept, order('WAITING_ACCEPTANCE', [line('L1', 'WAITING_ACCEPTANCE'), line('L2', 'WAITING_ACCEPTANCE')]), null)).toMatchObject({ verdict: 'not_yet' });
  });
  it('other decisions, or an order the marketplace cancelled meanwhile: unclear, with the lines as evidence', () => {
    const other = worten.checkEffect(partialAccept, order('WAITING_DEBIT', [line('L1', 'WAITING_DEBIT'), line('L2', 'WAITING_DEBIT')]), null);
    expect(other).toMatchObject({ verdict: 'unclear', reason: expect.stringContaining('L2 is WAITING_DEBIT') });
    expect(other.evidence).toMatchObject({ lines: [{ id: 'L1', expected: 'accepted', found: 'accepted' }, { id: 'L2', expected: 'refused', found: 'accepted' }] });
    expect(worten.checkEffect(request('accept'), order('CANCELED', [line('L1', 'CANCELED')]), null)).toMatchObject({ verdict: 'unclear' });
  });
});

describe('Mirakl: ship is proven by the tracking number and the status', () => {
  const ship = request('ship', { status: 'waiting_shipment', data: { tracking_number: 'T-1', carrier: { code: 'UPS', name: 'UPS', registered: true } } });
  it('shipped with the number sent: took effect', () => {
    expect(worten.checkEffect(ship, order('SHIPPED', [line('L1', 'SHIPPED')], { tracking: { number: 'T-1' } }), null)).toMatchObject({ verdict: 'took_effect' });
  });
  it('not shipped: not yet; with the number already set, OR23 is done and only OR24 is left', () => {
    expect(worten.checkEffect(ship, order('SHIPPING', [line('L1', 'SHIPPING')]), null)).toEqual(expect.objectContaining({ verdict: 'not_yet' }));
    expect(worten.checkEffect(ship, order('SHIPPING', [line('L1', 'SHIPPING')]), null)).not.toHaveProperty('stepsDone');
    expect(worten.checkEffect(ship, order('SHIPPING', [line('L1', 'SHIPPING')], { tracking: { number: 'T-1' } }), null)).toMatchObject({ verdict: 'not_yet', stepsDone: 1 });
  });
  it('shipped with another number, or cancelled: unclear', () => {
    expect(worten.checkEffect(ship, order('SHIPPED', [line('L1', 'SHIPPED')], { tracking: { number: 'OTHER' } }), null)).toMatchObject({ verdict: 'unclear', evidence: { tracking_number: 'OTHER', sent: 'T-1' } });
    expect(worten.checkEffect(ship, order('CANCELED', [line('L1', 'CANCELED')]), null)).toMatchObject({ verdict: 'unclear' });
  });
});

describe('Mirakl: refund is proven by the refunds recorded on the lines since the first send', () => {
  const before = order('SHIPPED', [line('L1', 'SHIPPED'), line('L2', 'SHIPPED')]);
  const all = request('refund', { status: 'shipped', data: { reason: { code: '15', label: 'Out of stock' } } });
  const one = { ...all, lines: ['L2'] };
  const baseline = worten.effectBaseline(all, before);

  it('every targeted line refunded by the amount sent (unit price x quantity): took effect', () => {
    const after = order('SHIPPED', [line('L1', 'SHIPPED', refunded(refund('R1', 2, 20))), line('L2', 'SHIPPED', refunded(refund('R2', 2, 20)))]);
    expect(worten.checkEffect(all, after, baseline)).toMatchObject({ verdict: 'took_effect' });
    const onlyL2 = order('SHIPPED', [line('L1', 'SHIPPED'), line('L2', 'SHIPPED', refunded(refund('R2', 2, 20)))]);
    expect(worten.checkEffect(one, onlyL2, worten.effectBaseline(one, before))).toMatchObject({ verdict: 'took_effect' });
  });

  it('the order still SHIPPED without a new refund is not yet (the status alone proves nothing)', () => {
    expect(worten.checkEffect(all, before, baseline)).toMatchObject({ verdict: 'not_yet' });
  });

  it('refunds already there before the first send do not count', () => {
    const earlier = order('SHIPPED', [line('L1', 'SHIPPED', refunded(refund('R0', 1, 10))), line('L2', 'SHIPPED')]);
    const base = worten.effectBaseline({ ...all, lines: ['L1'] }, earlier);
    expect(worten.checkEffect({ ...all, lines: ['L1'] }, earlier, base)).toMatchObject({ verdict: 'not_yet' });
    const later = order('SHIPPED', [line('L1', 'SHIPPED', refunded(refund('R0', 1, 10), refund('R9', 2, 20))), line('L2', 'SHIPPED')]);
    expect(worten.checkEffect({ ...all, lines: ['L1'] }, later, base)).toMatchObject({ verdict: 'took_effect', evidence: { lines: [{ id: 'L1', found: { quantity: 2, amount: 20 } }] } });
  });

  it('some lines only, or another amount: unclear, never sent again on a guess', () => {
    const half = order('SHIPPED', [line('L1', 'SHIPPED', refunded(refund('R1', 2, 20))), line('L2', 'SHIPPED')]);
    expect(worten.checkEffect(all, half, baseline)).toMatchObject({ verdict: 'unclear', reason: expect.stringContaining('L2 shows 0 unit(s) for 0, expected 2 for 20') });
    const other = order('SHIPPED', [line('L1', 'SHIPPED', refunded(refund('R1', 2, 15))), line('L2', 'SHIPPED', refunded(refund('R2', 2, 20)))]);
    expect(worten.checkEffect(all, other, baseline)).toMatchObject({ verdict: 'unclear' });
  });
});

describe('Mirakl: cancel is proven by the cancelations on every open line', () => {
  const before = order('SHIPPING', [line('L1', 'SHIPPING'), line('L2', 'REFUSED')]);
  const cancel = request('cancel', { status: 'waiting_shipment' });
  const baseline = worten.effectBaseline(cancel, before);
  it('open lines cancelled in full: took effect; the refused line is left alone', () => {
    const after = order('CANCELED', [line('L1', 'CANCELED', { cancelations: [refund('C1', 2, 20)] }), line('L2', 'REFUSED')]);
    expect(worten.checkEffect(cancel, after, baseline)).toMatchObject({ verdict: 'took_effect', evidence: { lines: [{ id: 'L1' }] } });
    expect(worten.checkEffect(cancel, before, baseline)).toMatchObject({ verdict: 'not_yet' });
  });
});

describe('Octopia: approval by the status, refund (cancellation) by its record', () => {
  const accept = request('accept');
  it('approval: Accepted or later took effect, WaitingAcceptance not yet, Rejected (48 h without answer) unclear', () => {
    expect(cdiscount.checkEffect(accept, order('Accepted', [line('L1', 'Accepted')]), null)).toMatchObject({ verdict: 'took_effect' });
    expect(cdiscount.checkEffect(accept, order('WaitingAcceptance', [line('L1', 'WaitingAcceptance')]), null)).toMatchObject({ verdict: 'not_yet' });
    expect(cdiscount.checkEffect(accept, order('Rejected', [line('L1', 'Rejected')]), null)).toMatchObject({ verdict: 'unclear' });
    expect(cdiscount.checkEffect(request('refuse'), order('Refused', [line('L1', 'Refused')]), null)).toMatchObject({ verdict: 'took_effect' });
  });

  const refundAt = () => request('refund', { status: 'waiting_shipment', data: { refund_reason: { code: 'ClientCancellation', label: 'Cancelled by the customer' } } });
  const details = (requestedBy: string, reasonCode: string) => ({ raw: { cancellationDetails: { reasonCode, requestedBy, reasonLabel: 'x', requestedAt: '2026-01-01T00:00:00.000Z', refundShipping: false } } });
  it('the seller\'s cancellation with the reason sent took effect; none yet while InPreparation is not yet', () => {
    expect(cdiscount.checkEffect(refundAt(), order('Cancelled', [line('L1', 'Cancelled')], details('Seller', 'ClientCancellation')), null)).toMatchObject({ verdict: 'took_effect' });
    expect(cdiscount.checkEffect(refundAt(), order('InPreparation', [line('L1', 'InPreparation')], { raw: { cancellationDetails: null } }), null)).toMatchObject({ verdict: 'not_yet' });
  });
  it('a cancellation left by the marketplace, or with another reason, is unclear', () => {
    expect(cdiscount.checkEffect(refundAt(), order('Cancelled', [line('L1', 'Cancelled')], details('Marketplace', 'ClientCancellation')), null)).toMatchObject({ verdict: 'unclear', reason: expect.stringContaining('requestedBy is "Marketplace"') });
    expect(cdiscount.checkEffect(refundAt(), order('Cancelled', [line('L1', 'Cancelled')], details('Seller', 'ProductStockUnavailable')), null)).toMatchObject({ verdict: 'unclear' });
  });
});
