/**
 * schemas/order.schema.json and the NormalizedOrder type (engine/order/model.ts) describe the same
 * shape. The key tables below are checked against the type by the compiler (a missing, extra or
 * wrongly optional key fails `tsc`), and against the schema by these tests; so a change to either
 * side alone breaks the build.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NORMALIZED_STATUSES } from '../engine/channel/model.ts';
import type { Address, Buyer, LineRefund, MarketplaceDocument, NormalizedOrder, OrderLine, OrderTotals, Parcel, ParcelLine, RefundTotals, Tax, Tracking } from '../engine/order/model.ts';
import { ORDER_SCHEMA_FILE, orderProblems } from '../engine/order/schema.ts';

/** For each key of T: 'optional' when T allows leaving it out, else 'required'. */
type KeyKinds<T> = { [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };

const orderKeys = {
  channel: 'required',
  account: 'required',
  marketplace_order_id: 'required',
  status: 'required',
  marketplace_status: 'required',
  status_unknown: 'optional',
  created_at: 'required',
  updated_at: 'required',
  currency: 'required',
  totals: 'required',
  sales_channel: 'optional',
  buyer: 'required',
  billing_address: 'optional',
  shipping_address: 'optional',
  lines: 'required',
  delivered_by_marketplace: 'required',
  fulfillment_code: 'optional',
  tracking: 'optional',
  parcels: 'optional',
  has_invoice: 'optional',
  documents: 'optional',
  acceptance_deadline: 'optional',
  shipping_deadline: 'optional',
  raw: 'required',
} as const satisfies KeyKinds<NormalizedOrder>;

const lineKeys = {
  id: 'required', sku: 'required', title: 'optional', quantity: 'required', unit_price: 'required',
  shipping_price: 'required', taxes: 'required', status: 'required', marketplace_status: 'required',
  refunds: 'optional', refunded: 'optional', cancelations: 'optional', canceled: 'optional', shipped_quantity: 'optional',
} as const satisfies KeyKinds<OrderLine>;
const parcelKeys = {
  id: 'optional', carrier_code: 'optional', carrier_name: 'optional', tracking_number: 'optional', tracking_url: 'optional', shipped_at: 'optional', lines: 'required',
} as const satisfies KeyKinds<Parcel>;
const documentKeys = { id: 'required', type: 'required', file_name: 'optional', size: 'optional', uploaded_at: 'optional' } as const satisfies KeyKinds<MarketplaceDocument>;
const parcelLineKeys = { id: 'required', quantity: 'required' } as const satisfies KeyKinds<ParcelLine>;
const refundKeys = {
  id: 'optional', quantity: 'required', amount: 'required', shipping_amount: 'optional', reason_code: 'optional', created_at: 'optional', state: 'optional',
} as const satisfies KeyKinds<LineRefund>;
const refundTotalsKeys = { quantity: 'required', amount: 'required', shipping_amount: 'required' } as const satisfies KeyKinds<RefundTotals>;
const taxKeys = { code: 'required', amount: 'required', rate: 'optional' } as const satisfies KeyKinds<Tax>;
const totalsKeys = { items: 'required', shipping: 'required', taxes: 'required', total: 'required' } as const satisfies KeyKinds<OrderTotals>;
const buyerKeys = {
  id: 'optional', first_name: 'optional', last_name: 'optional', email: 'optional', phone: 'optional', locale: 'optional',
} as const satisfies KeyKinds<Buyer>;
const addressKeys = {
  name: 'optional', company: 'optional', street_1: 'optional', street_2: 'optional', zip_code: 'optional',
  city: 'optional', state: 'optional', country: 'optional', country_unresolved: 'optional', phone: 'optional',
} as const satisfies KeyKinds<Address>;
const trackingKeys = { carrier_code: 'optional', carrier_name: 'optional', number: 'optional', url: 'optional' } as const satisfies KeyKinds<Tracking>;

type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[] : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

/** Every property of every nested type filled in: adding a property to the type breaks this literal. */
const full: DeepRequired<NormalizedOrder> = {
  channel: 'worten',
  account: 'worten-pt',
  marketplace_order_id: 'WRT-1',
  status: 'shipped',
  marketplace_status: 'SHIPPED',
  status_unknown: false,
  created_at: '2024-05-31T10:00:00Z',
  updated_at: '2024-05-31T12:00:00Z',
  currency: 'EUR',
  totals: { items: 20, shipping: 4.99, taxes: 4.67, total: 24.99 },
  sales_channel: 'WRT_PT_ONLINE',
  buyer: { id: 'B1', first_name: 'Ana', last_name: 'Silva', email: 'ana@example.com', phone: '+351210000000', locale: 'pt_PT' },
  billing_address: { name: 'Ana Silva', company: 'Silva Lda', street_1: 'Rua Augusta 1', street_2: '2 Esq', zip_code: '1100-048', city: 'Lisboa', state: 'Lisboa', country: 'PT', country_unresolved: 'Portugall', phone: '+351210000000' },
  shipping_address: { name: 'Ana Silva', company: 'Silva Lda', street_1: 'Rua Augusta 1', street_2: '2 Esq', zip_code: '1100-048', city: 'Lisboa', state: 'Lisboa', country: 'PT', country_unresolved: 'Portugall', phone: '+351210000000' },
  lines: [{
    id: '1', sku: 'SKU-1', title: 'Cable', quantity: 2, unit_price: 10, shipping_price: 0, taxes: [{ code: 'VAT', amount: 3.74, rate: 23 }], status: 'shipped', marketplace_status: 'SHIPPED',
    refunds: [{ id: 'R1', quantity: 1, amount: 10, shipping_amount: 0, reason_code: '15', created_at: '2024-06-01T08:00:00Z', state: 'REFUNDED' }],
    refunded: { quantity: 1, amount: 10, shipping_amount: 0 },
    cancelations: [{ id: 'C1', quantity: 1, amount: 10, shipping_amount: 0, reason_code: '35', created_at: '2024-05-31T11:00:00Z', state: 'CANCELED' }],
    canceled: { quantity: 1, amount: 10, shipping_amount: 0 },
    shipped_quantity: 1,
  }],
  delivered_by_marketplace: false,
  fulfillment_code: 'MKPFBC',
  tracking: { carrier_code: 'UPS', carrier_name: 'UPS', number: '1Z999', url: 'https://www.ups.com/track?tracknum=1Z999' },
  parcels: [{ id: 'P1', carrier_code: 'UPS', carrier_name: 'UPS', tracking_number: '1Z999', tracking_url: 'https://www.ups.com/track?tracknum=1Z999', shipped_at: '2024-05-31T12:00:00Z', lines: [{ id: '1', quantity: 1 }] }],
  has_invoice: true,
  documents: [{ id: '7', type: 'SYSTEM_DELIVERY_BILL', file_name: 'delivery-slip-WRT-1.pdf', size: 1024, uploaded_at: '2024-05-31T12:00:00Z' }],
  acceptance_deadline: '2024-06-05T10:00:00Z',
  shipping_deadline: '2024-06-03T10:00:00Z',
  raw: { order_id: 'WRT-1' },
};

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode & { $ref?: string }>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: string[];
  title?: string;
  description?: string;
  items?: SchemaNode;
  $ref?: string;
}
const schema = JSON.parse(readFileSync(ORDER_SCHEMA_FILE, 'utf8')) as SchemaNode & { $defs: Record<string, SchemaNode> };

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Paths of `object` whose key table says `kind`, e.g. ['lines', 0, 'title']. */
const tables: Array<[string, Record<string, 'required' | 'optional'>, (string | number)[]]> = [
  ['NormalizedOrder', orderKeys, []],
  ['line', lineKeys, ['lines', 0]],
  ['tax', taxKeys, ['lines', 0, 'taxes', 0]],
  ['refund', refundKeys, ['lines', 0, 'refunds', 0]],
  ['refundTotals', refundTotalsKeys, ['lines', 0, 'refunded']],
  ['totals', totalsKeys, ['totals']],
  ['buyer', buyerKeys, ['buyer']],
  ['address', addressKeys, ['shipping_address']],
  ['tracking', trackingKeys, ['tracking']],
  ['parcel', parcelKeys, ['parcels', 0]],
  ['parcelLine', parcelLineKeys, ['parcels', 0, 'lines', 0]],
  ['marketplaceDocument', documentKeys, ['documents', 0]],
];

function at(value: unknown, path: (string | number)[]): Record<string, unknown> {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value) as Record<string, unknown>;
}

describe('order schema and NormalizedOrder type', () => {
  it('accepts a fully populated order typed as NormalizedOrder', () => {
    expect(orderProblems(full)).toEqual([]);
  });

  it.each(tables)('%s: the schema lists exactly the type\'s properties, with the same required ones', (def, keys) => {
    const node = def === 'NormalizedOrder' ? schema : schema.$defs[def]!;
    expect(node.additionalProperties).toBe(false);
    expect(Object.keys(node.properties ?? {}).sort()).toEqual(Object.keys(keys).sort());
    expect([...(node.required ?? [])].sort()).toEqual(Object.entries(keys).filter(([, k]) => k === 'required').map(([name]) => name).sort());
  });

  it.each(tables)('%s: removing a required property fails, removing an optional one does not', (_def, keys, path) => {
    for (const [name, kind] of Object.entries(keys)) {
      const order = clone(full);
      delete at(order, path)[name];
      const problems = orderProblems(order);
      if (kind === 'required') expect(problems, `${name} is required`).toContainEqual(expect.objectContaining({ keyword: 'required' }));
      else expect(problems, `${name} is optional`).toEqual([]);
    }
  });

  it.each(tables)('%s: an extra property fails', (_def, _keys, path) => {
    const order = clone(full);
    at(order, path).not_in_the_model = 1;
    expect(orderProblems(order)).toEqual([expect.objectContaining({ keyword: 'additionalProperties', pointer: `/${[...path, 'not_in_the_model'].join('/')}` })]);
  });

  it('has the normalized statuses plus unknown, as OrderStatus does', () => {
    expect(schema.$defs.orderStatus!.enum).toEqual([...NORMALIZED_STATUSES, 'unknown']);
  });

  it('documents every property with a title and a description', () => {
    const undocumented: string[] = [];
    const visit = (node: SchemaNode, where: string) => {
      for (const [name, prop] of Object.entries(node.properties ?? {})) {
        if (prop.$ref) continue;
        if (!prop.title || !prop.description) undocumented.push(`${where}.${name}`);
      }
    };
    visit(schema, 'order');
    for (const [name, def] of Object.entries(schema.$defs)) {
      if (!def.title || !def.description) undocumented.push(`$defs.${name}`);
      visit(def, name);
    }
    expect(undocumented).toEqual([]);
  });

  it('rejects wrong values with the pointer of the field', () => {
    const order = clone(full) as unknown as Record<string, unknown>;
    order.created_at = '2024-05-31 10:00';
    (order.lines as Record<string, unknown>[])[0]!.status = 'Shipped';
    const pointers = orderProblems(order).map((p) => p.pointer);
    expect(pointers).toContain('/created_at');
    expect(pointers).toContain('/lines/0/status');
  });
});
