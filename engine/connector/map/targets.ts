/**
 * What a platform mapping fills: the normalized order's fields with their types, minus what the
 * connector adds itself (channel, account, statuses from the channel's maps, the
 * delivered-by-marketplace flag, raw). Drives both the compile step (which keys a mapping may
 * and must have) and the check of every mapped order.
 */
export type TargetField =
  | { kind: 'string' | 'number' | 'date' | 'boolean'; required: boolean }
  | { kind: 'object'; required: boolean; fields: TargetObject }
  | { kind: 'array'; required: boolean; item: TargetObject };

export type TargetObject = Readonly<Record<string, TargetField>>;

const str = (required = false): TargetField => ({ kind: 'string', required });
const num = (required = false): TargetField => ({ kind: 'number', required });
const date = (required = false): TargetField => ({ kind: 'date', required });

export const TAX_TARGET: TargetObject = { code: str(true), amount: num(true), rate: num() };

export const ADDRESS_TARGET: TargetObject = {
  name: str(),
  company: str(),
  street_1: str(),
  street_2: str(),
  zip_code: str(),
  city: str(),
  state: str(),
  country: str(),
  country_unresolved: str(),
  phone: str(),
};

/** A refund or a cancelation recorded on a line. */
export const REFUND_TARGET: TargetObject = {
  id: str(),
  quantity: num(true),
  amount: num(true),
  shipping_amount: num(),
  reason_code: str(),
  created_at: date(),
  state: str(),
};

/** A parcel's fields, with the units of one line (a line's parcels) or its lines (an order's). */
const PARCEL_FIELDS: TargetObject = {
  id: str(),
  carrier_code: str(),
  carrier_name: str(),
  tracking_number: str(),
  tracking_url: str(),
  shipped_at: date(),
};

/** A parcel as listed under a line (Octopia lines[].parcels): the units of this line in it. */
export const LINE_PARCEL_TARGET: TargetObject = { ...PARCEL_FIELDS, quantity: num(true) };

/** A parcel as listed on the order (Mirakl ST11 shipments), with its lines. */
export const PARCEL_TARGET: TargetObject = {
  ...PARCEL_FIELDS,
  lines: { kind: 'array', required: true, item: { id: str(true), quantity: num(true) } },
};

/** A document the marketplace lists on the order (Mirakl OR72). */
export const DOCUMENT_TARGET: TargetObject = { id: str(true), type: str(true), file_name: str(), size: num(), uploaded_at: date() };

export const LINE_TARGET: TargetObject = {
  id: str(true),
  sku: str(true),
  title: str(),
  quantity: num(true),
  unit_price: num(true),
  shipping_price: num(true),
  taxes: { kind: 'array', required: false, item: TAX_TARGET },
  marketplace_status: str(true),
  refunds: { kind: 'array', required: false, item: REFUND_TARGET },
  cancelations: { kind: 'array', required: false, item: REFUND_TARGET },
  parcels: { kind: 'array', required: false, item: LINE_PARCEL_TARGET },
};

export const ORDER_TARGET: TargetObject = {
  marketplace_order_id: str(true),
  marketplace_status: str(true),
  created_at: date(true),
  updated_at: date(true),
  currency: str(true),
  totals: { kind: 'object', required: true, fields: { items: num(true), shipping: num(true), taxes: num(true), total: num(true) } },
  sales_channel: str(),
  buyer: {
    kind: 'object',
    required: true,
    fields: { id: str(), first_name: str(), last_name: str(), email: str(), phone: str(), locale: str() },
  },
  billing_address: { kind: 'object', required: false, fields: ADDRESS_TARGET },
  shipping_address: { kind: 'object', required: false, fields: ADDRESS_TARGET },
  lines: { kind: 'array', required: true, item: LINE_TARGET },
  fulfillment_code: str(),
  tracking: { kind: 'object', required: false, fields: { carrier_code: str(), carrier_name: str(), number: str(), url: str() } },
  parcels: { kind: 'array', required: false, item: PARCEL_TARGET },
  has_invoice: { kind: 'boolean', required: false },
  documents: { kind: 'array', required: false, item: DOCUMENT_TARGET },
  acceptance_deadline: date(),
  shipping_deadline: date(),
};

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Whether a mapped date is one (UTC ISO-8601 with Z): a `date` field's test. */
export function isUtcDate(text: string): boolean {
  return ISO_UTC.test(text);
}

/**
 * The first problem of a mapped value against its target, as "field: what is wrong", or
 * undefined when it conforms. Field paths read like lines[2].quantity, spelled out only on the way
 * back from a problem (each level prepends its own part), never for fields that conform.
 */
export function checkObject(value: Record<string, unknown>, target: TargetObject): string | undefined {
  for (const name in target) {
    const field = target[name]!;
    const v = value[name];
    if (v === undefined) {
      if (field.required) return `${name}: missing`;
      continue;
    }
    switch (field.kind) {
      case 'string':
        if (typeof v !== 'string' || v === '') return `${name}: expected a non-empty text, got ${JSON.stringify(v)}`;
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) return `${name}: expected a number, got ${JSON.stringify(v)}`;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') return `${name}: expected true or false, got ${JSON.stringify(v)}`;
        break;
      case 'date':
        if (typeof v !== 'string' || !isUtcDate(v)) return `${name}: expected a UTC ISO-8601 date, got ${JSON.stringify(v)}`;
        break;
      case 'object': {
        const problem = checkObject(v as Record<string, unknown>, field.fields);
        if (problem !== undefined) return `${name}.${problem}`;
        break;
      }
      case 'array': {
        if (!Array.isArray(v)) return `${name}: expected a list`;
        for (let i = 0; i < v.length; i++) {
          const problem = checkObject(v[i] as Record<string, unknown>, field.item);
          if (problem !== undefined) return `${name}[${i}].${problem}`;
        }
      }
    }
  }
  return undefined;
}
