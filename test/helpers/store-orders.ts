/**
 * The stored-order fixtures and options shared by the store behaviour suites (test/store-suite.ts
 * and the suites it runs), kept apart so those suites never import each other.
 */
import type { NormalizedOrder, OrderLine } from '../../engine/order/model.ts';
import type { Store } from '../../engine/store/store.ts';

export interface StoreSuiteOptions {
  /** Makes the database itself reject inserting an order with this marketplace id (a trigger). */
  failInsertsOf(store: Store, marketplaceOrderId: string): Promise<void>;
}

export const T0 = '2025-03-01T10:00:00.000Z';

export function line(id: string, status: OrderLine['status'] = 'waiting_acceptance', marketplaceStatus = 'WAITING_ACCEPTANCE'): OrderLine {
  return { id, sku: `SKU-${id}`, title: `Item ${id}`, quantity: 1, unit_price: 10, shipping_price: 2, taxes: [{ code: 'VAT', amount: 2.3, rate: 0.23 }], status, marketplace_status: marketplaceStatus };
}

export function order(id: string, overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    channel: 'worten',
    account: 'worten-pt',
    marketplace_order_id: id,
    status: 'waiting_acceptance',
    marketplace_status: 'WAITING_ACCEPTANCE',
    created_at: T0,
    updated_at: T0,
    currency: 'EUR',
    totals: { items: 10, shipping: 2, taxes: 2.3, total: 12 },
    buyer: { first_name: 'Ana', last_name: 'Silva' },
    shipping_address: { city: 'Lisboa', country: 'PT' },
    lines: [line(`${id}-1`)],
    delivered_by_marketplace: false,
    raw: { order_id: id, order_state: 'WAITING_ACCEPTANCE', nested: { z: 1, a: [1, 2] } },
    ...overrides,
  };
}

export function at(base: string, plusSeconds: number): string {
  return new Date(Date.parse(base) + plusSeconds * 1000).toISOString();
}
