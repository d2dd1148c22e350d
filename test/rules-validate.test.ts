/**
 * validateAction: one test per verdict code (each fails if its check is removed), all problems
 * reported at once, and the normalized request. The shipped channels are used where they have
 * the case; a small "lab" channel covers field types and policies they do not use.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileChannel, type RawChannel } from '../engine/channel/compile.ts';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { actionErrors } from '../engine/errors/action.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { syntheticOrder, type SyntheticLine } from '../engine/order/synthetic.ts';
import { validateAction, type ActionInput, type ValidationResult } from '../engine/rules/index.ts';

const LAB: RawChannel = {
  id: 'lab',
  name: 'Lab',
  platform: 'mirakl',
  retrieval: { incremental: { every: 'PT15M' }, catch_up: { every: 'P1D', lookback: 'P2D' } },
  statuses: { waiting_acceptance: ['WA'], shipped: ['SH'], refunded: ['RF'] },
  line_statuses: { refunded: ['LINE_REFUNDED'] },
  lists: { colours: { kind: 'enum', values: [{ code: 'R', label: 'Red' }, { code: 'G', label: 'Green' }] } },
  actions: {
    accept: { when: ['waiting_acceptance'], lines: 'optional' },
    refund: {
      when: ['shipped'],
      lines: 'required',
      partial_amount: true,
      fields: {
        count: { type: 'integer' },
        ratio: { type: 'number' },
        on: { type: 'date' },
        code: { type: 'string', min_length: 2, max_length: 4, pattern: '^[A-Z]+$' },
        colour: { type: 'enum', values: 'colours' },
        any_colour: { type: 'enum', values: 'colours', free_values: true },
        fee: { type: 'amount' },
        reference: { type: 'string', required: true, default: 'AUTO' },
      },
    },
  },
  rules: [
    {
      id: 'large-refunds-are-manual',
      actions: ['refund'],
      when: ['shipped'],
      severity: 'error',
      field: 'data.amount',
      message: 'Refunds above 15 are made in the back office.',
      conditions: { all: [{ fact: 'data', path: '$.amount', operator: 'greaterThan', value: 15 }] },
    },
  ],
};

let cdiscount: Channel;
let worten: Channel;
let pcc: Channel;
/** A stored document as a file field carries it. */
const INVOICE = { id: '0b5e7c9a-4f1e-4d2b-9a63-2f6f1d0e8a41', file_name: 'invoice.pdf', content_type: 'application/pdf', size: 636, sha256: '9f2b' };
const lab = compileChannel(LAB);
/** The lab channel where a refund takes some units or part of the amount of a line. */
const labParts = compileChannel({ ...LAB, actions: { ...LAB.actions, refund: { ...LAB.actions.refund!, partial_lines: ['quantity', 'amount'] } } });
/** The lab channel shipping in parcels (the synthetic lines have 1 unit each); `whole`: no partial shipment. */
const labParcels = (partial = true) => compileChannel({
  ...LAB,
  statuses: { ...LAB.statuses, waiting_shipment: ['WS'] },
  actions: { ...LAB.actions, ship: { when: ['waiting_shipment'], parcels: { partial, max: 2 }, fields: { tracking_number: { type: 'string', required: true } } } },
});

let jardiland: Channel;

beforeAll(async () => {
  cdiscount = await loadChannel('cdiscount');
  worten = await loadChannel('worten');
  pcc = await loadChannel('pccomponentes');
  jardiland = await loadChannel('jardiland');
});

function order(channel: Channel, marketplaceStatus: string, lines?: SyntheticLine[]): NormalizedOrder {
  return syntheticOrder(channel, marketplaceStatus, lines ? { lines } : {});
}

function codes(result: ValidationResult): string[] {
  return result.errors.map((e) => e.code);
}

type Case = [code: string, run: () => Promise<ValidationResult>, field?: string];

/** One row per verdict code: the code must be reported; removing its check makes the row fail. */
const byCode: Case[] = [
  ['ACTION_UNKNOWN', () => validateAction(cdiscount, order(cdiscount, 'InPreparation'), { name: 'shipp' }), 'action'],
  ['ACTION_STATUS_UNKNOWN', () => validateAction(worten, order(worten, 'Shipping'), { name: 'ship' }), 'status'],
  ['ACTION_NOT_ALLOWED_IN_STATUS', () => validateAction(worten, order(worten, 'SHIPPING'), { name: 'refund', data: { reason: '15' } }), 'action'],
  ['ACTION_MARKETPLACE_STATUS_NOT_ALLOWED', () => validateAction(jardiland, order(jardiland, 'CLOSED'), { name: 'refund', data: { reason: '15' } }), 'action'],
  ['ACTION_DATA_INVALID', () => validateAction(worten, order(worten, 'WAITING_ACCEPTANCE'), { name: 'accept', data: ['PT'] as unknown as Record<string, unknown> }), 'data'],
  ['ACTION_FIELD_REQUIRED', () => validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund' }), 'data.reason'],
  ['ACTION_FIELD_UNKNOWN', () => validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund', data: { reason: '15', refund_tax: true } }), 'data.refund_tax'],
  ['ACTION_FIELD_TYPE', () => validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund', data: { reason: '15', refund_taxes: 'false' } }), 'data.refund_taxes'],
  ['ACTION_FIELD_CONSTRAINT', () => validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'], data: { code: 'abcde' } }), 'data.code'],
  ['ACTION_FIELD_VALUE_NOT_ALLOWED', () => validateAction(cdiscount, order(cdiscount, 'InPreparation'), { name: 'ship', data: { tracking_number: 'X', carrier: 'CTT' } }), 'data.carrier'],
  ['ACTION_LINES_INVALID', () => validateAction(worten, order(worten, 'WAITING_ACCEPTANCE'), { name: 'accept', lines: [1] as unknown as string[] }), 'lines[0]'],
  ['ACTION_LINES_NOT_ACCEPTED', () => validateAction(cdiscount, order(cdiscount, 'Shipped'), { name: 'refund', data: { refund_reason: 'ClientClaim' }, lines: ['1'] }), 'lines'],
  ['ACTION_LINES_REQUIRED', () => validateAction(lab, order(lab, 'SH'), { name: 'refund' }), 'lines'],
  ['ACTION_LINE_UNKNOWN', () => validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund', data: { reason: '15' }, lines: ['2'] }), 'lines[0]'],
  ['ACTION_LINE_STATUS_NOT_ALLOWED', () => validateAction(lab, order(lab, 'SH', [{ id: '1', marketplace_status: 'LINE_REFUNDED' }]), { name: 'refund', lines: ['1'] }), 'lines[0]'],
  ['ACTION_PARTIAL_AMOUNT_NOT_ALLOWED', () => validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund', data: { reason: '15', amount: 1 } }), 'data.amount'],
  ['ACTION_AMOUNT_EXCEEDS_TOTAL', () => validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'], data: { amount: 10.01 } }), 'data.amount'],
  ['ACTION_LINE_PARTIAL_NOT_ALLOWED', () => validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund', data: { reason: '15' }, lines: [{ id: '1', quantity: 1 }] }), 'lines[0].quantity'],
  ['ACTION_LINE_PART_INVALID', () => validateAction(labParts, order(lab, 'SH'), { name: 'refund', lines: [{ id: '1', quantity: 0.5 }] }), 'lines[0].quantity'],
  // Synthetic lines: 1 unit at 10.
  ['ACTION_LINE_QUANTITY_EXCEEDED', () => validateAction(labParts, order(lab, 'SH'), { name: 'refund', lines: [{ id: '1', quantity: 2 }] }), 'lines[0].quantity'],
  ['ACTION_LINE_AMOUNT_EXCEEDED', () => validateAction(labParts, order(lab, 'SH'), { name: 'refund', lines: [{ id: '1', amount: 10.01 }] }), 'lines[0].amount'],
  ['ACTION_PARCELS_NOT_ALLOWED', () => validateAction(worten, order(worten, 'SHIPPING'), { name: 'ship', data: { carrier: 'UPS', tracking_number: '1Z' }, parcels: [{ lines: ['1'] }] }), 'parcels'],
  ['ACTION_PARCELS_INVALID', () => validateAction(labParcels(), order(labParcels(), 'WS'), { name: 'ship', parcels: [{ lines: ['1', '1'], tracking_number: 'A' }] }), 'parcels[0].lines[1]'],
  ['ACTION_PARCEL_QUANTITY_EXCEEDED', () => validateAction(labParcels(), order(labParcels(), 'WS'), { name: 'ship', parcels: [{ lines: [{ id: '1', quantity: 2 }], tracking_number: 'A' }] }), 'parcels'],
  ['ACTION_PARCELS_INCOMPLETE', () => validateAction(labParcels(false), order(labParcels(false), 'WS', [{ id: '1' }, { id: '2' }]), { name: 'ship', parcels: [{ lines: ['1'], tracking_number: 'A' }] }), 'parcels'],
  ['ACTION_NOTHING_TO_SHIP', () => validateAction(labParcels(), { ...order(labParcels(), 'WS'), lines: order(labParcels(), 'WS').lines.map((l) => ({ ...l, shipped_quantity: 1 })) }, { name: 'ship', data: { tracking_number: 'A' } }), 'action'],
  ['ACTION_RULE_VIOLATED', () => validateAction(lab, order(lab, 'SH', [{ id: '1' }, { id: '2' }]), { name: 'refund', lines: ['1'], data: { amount: 16 } }), 'data.amount'],
  ['ACTION_FILE_TYPE_NOT_ALLOWED', () => validateAction(pcc, order(pcc, 'SHIPPED'), { name: 'upload_invoice', data: { invoice: { ...INVOICE, content_type: 'image/png' } } }), 'data.invoice'],
  ['ACTION_FILE_TOO_LARGE', () => validateAction(pcc, order(pcc, 'SHIPPED'), { name: 'upload_invoice', data: { invoice: { ...INVOICE, size: 10_485_761 } } }), 'data.invoice'],
  ['ACTION_RULE_FAILED', () => validateAction(compileChannel({ ...LAB, rules: [{ id: 'typo', message: 'm', conditions: { all: [{ fact: 'data', operator: 'greaterThn', value: 1 }] } }] }), order(lab, 'WA'), { name: 'accept' })],
];

describe('each verdict code', () => {
  it.each(byCode)('%s is reported', async (code, run, field) => {
    const result = await run();
    expect(result.allowed).toBe(false);
    expect(result.request).toBeNull();
    const finding = result.errors.find((e) => e.code === code);
    expect(finding, JSON.stringify(result.errors)).toBeDefined();
    if (field !== undefined) expect(finding!.field).toBe(field);
    expect(finding!.message.length).toBeGreaterThan(10);
  });

  it('ACTION_FIELD_IGNORED and ACTION_RULE_WARNING are warnings: the action stays allowed', async () => {
    const ignored = await validateAction(worten, order(worten, 'SHIPPING'), { name: 'ship', data: { tracking_number: 'X', carrier: 'DHL', tracking_url: 'https://dhl.example/X' } });
    expect(ignored).toMatchObject({ allowed: true, errors: [], warnings: [{ code: 'ACTION_FIELD_IGNORED', field: 'data.tracking_url' }] });
    expect(ignored.request?.data).not.toHaveProperty('tracking_url');
    const partial = await validateAction(worten, order(worten, 'WAITING_ACCEPTANCE', [{ id: '1' }, { id: '2' }]), { name: 'accept', lines: ['1'] });
    expect(partial).toMatchObject({ allowed: true, warnings: [{ code: 'ACTION_RULE_WARNING', rule: 'partial-acceptance-refuses-the-rest' }] });
    expect(partial.request?.warnings).toEqual(partial.warnings);
  });

  it('every verdict code of the catalogue has a row above', () => {
    const tested = new Set([...byCode.map(([c]) => c), 'ACTION_FIELD_IGNORED', 'ACTION_RULE_WARNING']);
    // ORDER_STATUS_UNKNOWN: rules-status.test.ts; CHANNEL_TEST_*: rules-channel-tests.test.ts.
    const elsewhere = new Set(['ORDER_STATUS_UNKNOWN', 'CHANNEL_TEST_INVALID', 'CHANNEL_TEST_FAILED']);
    expect(Object.keys(actionErrors).filter((c) => !elsewhere.has(c)).sort()).toEqual([...tested].sort());
  });
});

describe('where an action is allowed and what to do instead', () => {
  const cancel = (status: string) => validateAction(cdiscount, order(cdiscount, status), { name: 'cancel' });

  it('Cdiscount cancel before acceptance: use refuse', async () => {
    expect((await cancel('WaitingAcceptance')).errors).toEqual([expect.objectContaining({ code: 'ACTION_NOT_ALLOWED_IN_STATUS', suggestion: 'use refuse' })]);
  });

  it.each(['Accepted', 'InPreparation', 'Shipped', 'Delivered'])('Cdiscount cancel at %s: use refund', async (status) => {
    const [error] = (await cancel(status)).errors;
    expect(error).toMatchObject({ code: 'ACTION_NOT_ALLOWED_IN_STATUS', suggestion: 'use refund' });
    expect(error!.message).toContain('Use refund instead');
  });

  it('Cdiscount cancel when canceled: cancel must be managed manually', async () => {
    const [error] = (await cancel('Refused')).errors;
    expect(error!.message).toContain('Cancel must be managed manually');
    expect(error!.suggestion).toContain('Cancel must be managed manually');
  });

  it('names the statuses where the action is allowed', async () => {
    const result = await validateAction(cdiscount, order(cdiscount, 'WaitingAcceptance'), { name: 'refund', data: { reason: 'VendorRejection' } });
    expect(result.errors[0]!.message).toContain('it is allowed at accepted, waiting_shipment, shipped');
  });

  it('suggests the nearest action name', async () => {
    const result = await validateAction(cdiscount, order(cdiscount, 'Shipped'), { name: 'refnud' });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'ACTION_UNKNOWN', suggestion: 'did you mean refund?' })]);
  });
});

describe('fields', () => {
  it('Cdiscount refund at waiting_shipment: `reason` -> did you mean refund_reason?', async () => {
    const result = await validateAction(cdiscount, order(cdiscount, 'InPreparation'), { name: 'refund', data: { reason: 'VendorRejection' } });
    const unknown = result.errors.find((e) => e.code === 'ACTION_FIELD_UNKNOWN')!;
    expect(unknown.field).toBe('data.reason');
    expect(unknown.message).toContain('did you mean refund_reason?');
    expect(unknown.message).toContain('reason is taken at accepted');
  });

  it('Cdiscount refund at accepted requires reason and refuses refund_reason', async () => {
    const result = await validateAction(cdiscount, order(cdiscount, 'Accepted'), { name: 'refund', data: { refund_reason: 'VendorRejection' } });
    expect(result.errors.map((e) => [e.code, e.field])).toEqual([['ACTION_FIELD_UNKNOWN', 'data.refund_reason'], ['ACTION_FIELD_REQUIRED', 'data.reason']]);
    expect(result.errors[0]!.message).toContain('did you mean reason?');
  });

  it('reason lists depend on the status, and say where a reason is valid', async () => {
    const result = await validateAction(cdiscount, order(cdiscount, 'Shipped'), { name: 'refund', data: { refund_reason: 'VendorRejection' } });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'ACTION_FIELD_VALUE_NOT_ALLOWED', suggestion: 'VendorRejection is valid at waiting_shipment, not at shipped' })]);
    expect(result.errors[0]!.message).toContain('ClientClaim (Customer claim)');
  });

  it.each<[string, unknown, boolean]>([
    ['count', 3, true], ['count', 1.5, false], ['count', '3', false],
    ['ratio', 0.25, true], ['ratio', Number.NaN, false], ['ratio', '0.25', false],
    ['on', '2024-02-29', true], ['on', '2023-02-29', false], ['on', '2024-05-31T10:00:00Z', true], ['on', '2024-05-31T10:00:00+01:00', true],
    ['on', '2024-05-31T10:00:00', false], ['on', '2024-05-31T24:00:00Z', false], ['on', '31/05/2024', false],
    ['fee', 0, true], ['fee', 2.5, true], ['fee', -0.01, false], ['fee', Number.POSITIVE_INFINITY, false],
    ['code', 'AB', true], ['code', 'ABCD', true],
  ])('lab %s = %j valid: %s', async (field, value, valid) => {
    const result = await validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'], data: { [field]: value } });
    expect(result.allowed, JSON.stringify(result.errors)).toBe(valid);
    if (!valid) expect(result.errors).toEqual([expect.objectContaining({ code: 'ACTION_FIELD_TYPE', field: `data.${field}` })]);
  });

  it.each(['A', 'ABCDE', 'ab'])('lab code %j breaks a length or pattern constraint', async (code) => {
    const result = await validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'], data: { code } });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'ACTION_FIELD_CONSTRAINT', field: 'data.code' })]);
  });

  it('enums take a code or a label; free values are kept as given', async () => {
    const ok = await validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'], data: { colour: 'green', any_colour: 'Teal' } });
    expect(ok.request?.data).toMatchObject({ colour: 'G', any_colour: 'Teal' });
    const bad = await validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'], data: { colour: 'Teal' } });
    expect(bad.errors).toEqual([expect.objectContaining({ code: 'ACTION_FIELD_VALUE_NOT_ALLOWED', field: 'data.colour' })]);
  });

  it.each([['PT', 'PT', 'PRT'], ['prt', 'PT', 'PRT'], ['es', 'ES', 'ESP']])('country %j is normalized to alpha-2 and alpha-3', async (input, alpha2, alpha3) => {
    const result = await validateAction(worten, order(worten, 'WAITING_ACCEPTANCE'), { name: 'accept', data: { shipping_from_country: input } });
    expect(result.request?.data.shipping_from_country).toEqual({ alpha2, alpha3 });
  });

  it.each(['XX', 'XYZ', 'P', 'Portugal', '620', 620])('country %j is refused', async (input) => {
    const result = await validateAction(worten, order(worten, 'WAITING_ACCEPTANCE'), { name: 'accept', data: { shipping_from_country: input } });
    expect(codes(result)).toEqual(['ACTION_FIELD_TYPE']);
  });

  it.each(['ftp://example.com/x', 'example.com/x', '/track/1', 'https://', 42])('tracking url %j is refused', async (url) => {
    const result = await validateAction(worten, order(worten, 'SHIPPING'), { name: 'ship', data: { tracking_number: 'X', carrier: 'Nacex', tracking_url: url } });
    expect(codes(result)).toEqual(['ACTION_FIELD_TYPE']);
  });

  it('applies defaults and normalizes carriers, reasons and countries', async () => {
    const refund = await validateAction(worten, order(worten, 'SHIPPED'), { name: 'refund', data: { reason: 'out of stock' } });
    expect(refund.request?.data).toEqual({ reason: { code: '15', label: 'Out of stock' }, refund_taxes: true, refund_shipping: false, refund_shipping_taxes: false });
    const labDefault = await validateAction(lab, order(lab, 'SH'), { name: 'refund', lines: ['1'] });
    expect(labDefault.request?.data).toEqual({ reference: 'AUTO' });
    const free = await validateAction(worten, order(worten, 'SHIPPING'), { name: 'ship', data: { tracking_number: 'RR1PT', carrier: ' CTT Expresso ', tracking_url: 'https://ctt.example/RR1PT' } });
    expect(free.request?.data).toEqual({ tracking_number: 'RR1PT', carrier: { name: 'CTT Expresso', label: 'CTT Expresso', registered: false }, tracking_url: 'https://ctt.example/RR1PT' });
  });
});

describe('lines', () => {
  it.each<[string, unknown, string]>([
    ['not a list', '1', 'lines'],
    ['empty', [], 'lines'],
    ['a number', [1], 'lines[0]'],
    ['an empty id', [''], 'lines[0]'],
    ['listed twice', ['1', '1'], 'lines[1]'],
  ])('a selection that is %s is refused', async (_what, lines, field) => {
    const result = await validateAction(worten, order(worten, 'WAITING_ACCEPTANCE'), { name: 'accept', lines: lines as string[] });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'ACTION_LINES_INVALID', field })]);
  });

  it('a line in a status the channel does not map is refused', async () => {
    const result = await validateAction(worten, order(worten, 'WAITING_ACCEPTANCE', [{ id: '1' }, { id: '2', marketplace_status: 'waiting_acceptance' }]), { name: 'refuse', lines: ['2'] });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'ACTION_LINE_STATUS_NOT_ALLOWED', field: 'lines[0]' })]);
    expect(result.errors[0]!.message).toContain('does not map');
  });

  it('accept on some Worten lines sends the refused remainder, leaving lines already decided out', async () => {
    const o = order(worten, 'WAITING_ACCEPTANCE', [{ id: 'a' }, { id: 'b' }, { id: 'c', marketplace_status: 'REFUSED' }, { id: 'd' }]);
    const result = await validateAction(worten, o, { name: 'accept', lines: ['b'] });
    expect(result.request).toMatchObject({ lines: ['b'], refused_lines: ['a', 'd'] });
    const whole = await validateAction(worten, o, { name: 'accept' });
    expect(whole.request?.lines).toBeNull();
    expect(whole.request).not.toHaveProperty('refused_lines');
    expect(whole.warnings).toEqual([]);
  });

  it('refuse on some lines has no remainder', async () => {
    const result = await validateAction(worten, order(worten, 'WAITING_ACCEPTANCE', [{ id: '1' }, { id: '2' }]), { name: 'refuse', lines: ['1'] });
    expect(result.request).toMatchObject({ action: 'refuse', lines: ['1'] });
    expect(result.request).not.toHaveProperty('refused_lines');
  });
});

describe('all problems at once', () => {
  it('reports every error of a request, not only the first', async () => {
    const o = order(worten, 'SHIPPED', [{ id: '1' }, { id: '2', marketplace_status: 'REFUNDED' }]);
    const result = await validateAction(worten, o, { name: 'refund', data: { refund_reason: '15', refund_taxes: 'yes', amount: 3 }, lines: ['2', '9'] });
    expect(codes(result).sort()).toEqual(['ACTION_FIELD_REQUIRED', 'ACTION_FIELD_TYPE', 'ACTION_FIELD_UNKNOWN', 'ACTION_LINE_STATUS_NOT_ALLOWED', 'ACTION_LINE_UNKNOWN', 'ACTION_PARTIAL_AMOUNT_NOT_ALLOWED']);
  });

  it('reports a custom rule together with a status problem', async () => {
    const fulfilled = { ...order(cdiscount, 'Shipped'), delivered_by_marketplace: true, fulfillment_code: 'MKPFBC' };
    const result = await validateAction(cdiscount, fulfilled, { name: 'ship', data: {} });
    expect(result.errors.map((e) => e.code)).toEqual(['ACTION_NOT_ALLOWED_IN_STATUS', 'ACTION_RULE_VIOLATED']);
    expect(result.errors[1]).toMatchObject({ rule: 'fulfilled-orders-are-shipped-by-cdiscount' });
  });
});

describe('the request', () => {
  it('is what the sync engine queues: ids, action, status at validation, lines, data, warnings', async () => {
    const o = { ...order(worten, 'SHIPPED'), account: 'worten-pt', marketplace_order_id: 'WRT-42', status: 'unknown' as const };
    const action: ActionInput = { name: 'refund', data: { reason: '16' }, lines: ['1'] };
    const result = await validateAction(worten, o, action);
    expect(result).toEqual({
      allowed: true,
      status: 'shipped',
      errors: [],
      warnings: [],
      request: {
        channel: 'worten',
        account: 'worten-pt',
        marketplace_order_id: 'WRT-42',
        action: 'refund',
        status: 'shipped',
        lines: ['1'],
        data: { reason: { code: '16', label: 'Product returned by the customer' }, refund_taxes: true, refund_shipping: false, refund_shipping_taxes: false },
        warnings: [],
      },
    });
  });

  it('uses the marketplace status mapped now, not a stale normalized status', async () => {
    const stale = { ...order(worten, 'SHIPPED'), status: 'waiting_shipment' as const };
    const result = await validateAction(worten, stale, { name: 'ship', data: { tracking_number: 'X', carrier: 'UPS' } });
    expect(result.status).toBe('shipped');
    expect(codes(result)).toEqual(['ACTION_NOT_ALLOWED_IN_STATUS']);
  });
});

describe('parts of lines (partial_lines)', () => {
  it('a part within what the line has left becomes the request\'s line_parts; a bare id stays whole', async () => {
    const result = await validateAction(labParts, order(lab, 'SH', [{ id: '1' }, { id: '2' }]), { name: 'refund', lines: [{ id: '1', amount: 2.5 }, '2'] });
    expect(result.errors).toEqual([]);
    expect(result.request).toMatchObject({ lines: ['1', '2'], line_parts: { 1: { quantity: 0, amount: 2.5 } } });
    expect(Object.keys(result.request!.line_parts!)).toEqual(['1']);
    const units = await validateAction(labParts, order(lab, 'SH'), { name: 'refund', lines: [{ id: '1', quantity: 1 }] });
    expect(units.request?.line_parts).toEqual({ 1: { quantity: 1, amount: 10 } });
  });

  it('what was already refunded or cancelled is not left', async () => {
    const o = order(lab, 'SH');
    const line = { ...o.lines[0]!, quantity: 3, refunded: { quantity: 1, amount: 10, shipping_amount: 0 }, canceled: { quantity: 1, amount: 10, shipping_amount: 0 } };
    const partly = { ...o, lines: [line] };
    expect((await validateAction(labParts, partly, { name: 'refund', lines: [{ id: '1', quantity: 1 }] })).allowed).toBe(true);
    expect((await validateAction(labParts, partly, { name: 'refund', lines: [{ id: '1', quantity: 2 }] })).errors.map((e) => e.code)).toEqual(['ACTION_LINE_QUANTITY_EXCEEDED']);
    expect((await validateAction(labParts, partly, { name: 'refund', lines: [{ id: '1', amount: 10.01 }] })).errors.map((e) => e.code)).toEqual(['ACTION_LINE_AMOUNT_EXCEEDED']);
  });

  it('a line named whole after a part of it went asks for what it has left, not the whole line again', async () => {
    const o = order(lab, 'SH', [{ id: '1' }, { id: '2' }]);
    const partly = { ...o, lines: [{ ...o.lines[0]!, quantity: 3, unit_price: 10, shipping_price: 4, refunded: { quantity: 1, amount: 10, shipping_amount: 0 }, canceled: { quantity: 1, amount: 10, shipping_amount: 1.5 } }, o.lines[1]!] };
    const named = await validateAction(labParts, partly, { name: 'refund', lines: ['1', '2'] });
    expect(named.errors).toEqual([]);
    // Line 2 was never touched: it stays whole (no part); line 1 has 1 unit, 10, and 2.5 of shipping left.
    expect(named.request?.line_parts).toEqual({ 1: { quantity: 1, amount: 10, shipping_amount: 2.5 } });
    // The same channel with lines optional: a refund of the whole order.
    const labOrder = compileChannel({ ...LAB, actions: { ...LAB.actions, refund: { ...LAB.actions.refund!, lines: 'optional', partial_lines: ['quantity', 'amount'] } } });
    const wholeOrder = await validateAction(labOrder, partly, { name: 'refund' });
    expect(wholeOrder.request).toMatchObject({ lines: null, line_parts: { 1: { quantity: 1, amount: 10, shipping_amount: 2.5 } } });
    // An amount alone (a gesture) leaves every unit but less money.
    const gesture = { ...o, lines: [{ ...o.lines[0]!, quantity: 2, unit_price: 10, shipping_price: 0, refunded: { quantity: 0, amount: 5, shipping_amount: 0 } }] };
    expect((await validateAction(labParts, gesture, { name: 'refund', lines: ['1'] })).request?.line_parts).toEqual({ 1: { quantity: 2, amount: 15, shipping_amount: 0 } });
    // Nothing left: refused at the line's place; in a whole-order refund the line is left out.
    const spent = { ...o, lines: [{ ...o.lines[0]!, quantity: 2, unit_price: 10, refunded: { quantity: 2, amount: 20, shipping_amount: 0 } }, o.lines[1]!] };
    const denied = await validateAction(labParts, spent, { name: 'refund', lines: ['2', '1'] });
    expect(denied.errors.map((e) => [e.code, e.field])).toEqual([['ACTION_LINE_QUANTITY_EXCEEDED', 'lines[1]']]);
    expect((await validateAction(labOrder, spent, { name: 'refund' })).request).toMatchObject({ lines: null });
    expect((await validateAction(labOrder, spent, { name: 'refund' })).request?.line_parts).toBeUndefined();
    // A channel taking whole lines only sends them as they are (its platform sends no part).
    expect((await validateAction(lab, { ...partly, lines: [partly.lines[0]!] }, { name: 'refund', lines: ['1'] })).request?.line_parts).toBeUndefined();
  });

  it('Cdiscount keeps "no partial amount or line-level refund": a part is a line, and lines are refused', async () => {
    const result = await validateAction(cdiscount, order(cdiscount, 'Shipped'), { name: 'refund', data: { refund_reason: 'ClientClaim' }, lines: [{ id: '1', amount: 1 }] });
    expect(result.errors.map((e) => e.code)).toEqual(['ACTION_LINES_NOT_ACCEPTED']);
  });
});
