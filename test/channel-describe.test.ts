/** describeChannel: the JSON document UIs and the API get; it must validate against its schema. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { describeChannel, type ChannelDescription } from '../engine/channel/describe.ts';
import { describeText } from '../engine/channel/describe-text.ts';
import { loadChannel } from '../engine/channel/load.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ajv = new Ajv2020Module.default({ allErrors: true, strict: true, allowUnionTypes: true });
addFormatsModule.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas/channel-description.schema.json'), 'utf8')) as object);

const channels = ['worten', 'cdiscount', 'printemps', 'pccomponentes', path.join(ROOT, 'test/fixtures/channels/valid/rich.yaml')];

describe('describeChannel', () => {
  it.each(channels)('%s validates against schemas/channel-description.schema.json', async (idOrFile) => {
    const description = describeChannel(await loadChannel(idOrFile));
    const valid = validate(JSON.parse(JSON.stringify(description)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema has teeth: a missing key or a camelCase key is refused', async () => {
    const description = JSON.parse(JSON.stringify(describeChannel(await loadChannel('worten')))) as Record<string, unknown>;
    delete description.status_notes;
    expect(validate(description)).toBe(false);
    const camel = { ...JSON.parse(JSON.stringify(describeChannel(await loadChannel('worten')))), statusNotes: {} };
    expect(validate(camel)).toBe(false);
  });

  it('gives, per action and allowed status, the fields with their valid values', async () => {
    const d = describeChannel(await loadChannel('cdiscount'));
    expect(d.retrieval).toEqual({ incremental: { every: 'PT15M', min_every: 'PT5M' }, catch_up: { every: 'P1D', lookback: 'P2D' } });
    expect(d.allowed_actions).toMatchObject({ new: [], waiting_acceptance: ['accept', 'refuse'], waiting_shipment: ['ship', 'refund'] });
    const refund = d.actions.refund!;
    expect(refund).toMatchObject({ name: 'refund', label: 'Refund', marketplace_name: 'cancellation', allowed_in: ['accepted', 'waiting_shipment', 'shipped'], note: null });
    const accepted = refund.by_status.accepted!;
    expect(accepted).toMatchObject({ lines: 'none', partial_amount: false, note: null });
    const reason = accepted.fields.find((f) => f.name === 'reason')!;
    expect(reason).toMatchObject({ required: true, type: 'reason', label: 'Refund reason', free_values: false, default: null, ignored_when_registered: null });
    expect(reason.values).toMatchObject({ list: 'reasons_before_shipment', kind: 'reason' });
    expect(reason.values!.items[0]).toEqual({ code: 'ProductStockUnavailable', label: 'Product out of stock', tracking_url: null });
    expect(refund.by_status.shipped!.fields.map((f) => f.name)).toEqual(['refund_shipping', 'refund_reason']);
    expect(d.actions.cancel).toMatchObject({ allowed_in: [], by_status: {}, instead: { waiting_acceptance: 'refuse', shipped: 'refund' } });
    expect(d.scope).toEqual({ sales_channels: ['CDISCOUNT'], note: 'Only Cdiscount orders are supported, not orders from other Octopia partners.' });
    expect(d.fulfillment!.modes.map((m) => m.code)).toEqual(['MKPFBC', 'EXTFBC']);
  });

  it('lists the documents: those downloaded from the marketplace, and the files actions upload with their content types and size limits', async () => {
    const printemps = describeChannel(await loadChannel('printemps'));
    expect(printemps.documents.download).toEqual({ types: ['SYSTEM_DELIVERY_BILL'], max_bytes: expect.any(Number), source: expect.stringContaining('http') });
    const pcc = describeChannel(await loadChannel('pccomponentes'));
    expect(pcc.documents).toEqual({
      download: null,
      upload: [{ action: 'upload_invoice', field: 'invoice', statuses: ['accepted', 'waiting_shipment', 'shipped', 'closed'], required: true, content_types: ['application/pdf'], max_bytes: 10_485_760 }],
    });
    expect(describeChannel(await loadChannel('worten')).documents).toEqual({ download: null, upload: [] });
    const text = describeText(pcc);
    expect(text).toContain('Documents:\n  uploaded by upload_invoice: field invoice* (application/pdf, up to 10485760 bytes) in accepted, waiting_shipment, shipped, closed\n');
    expect(describeText(printemps)).toMatch(/Documents:\n {2}downloaded from the marketplace: SYSTEM_DELIVERY_BILL \(up to \d+ bytes each\), served at GET \/v1\/documents\/\{id\}/);
    expect(describeText(describeChannel(await loadChannel('worten')))).not.toContain('Documents:');
  });

  it('marks inline values with list null and keeps carriers tracking URLs', async () => {
    const rich = describeChannel(await loadChannel(path.join(ROOT, 'test/fixtures/channels/valid/rich.yaml')));
    const speed = rich.actions.ship!.by_status.waiting_shipment!.fields.find((f) => f.name === 'speed')!;
    expect(speed.values).toEqual({ list: null, kind: 'enum', items: [{ code: 'STD', label: 'Standard', tracking_url: null }, { code: 'EXP', label: 'Express', tracking_url: null }] });
    expect(rich.line_statuses).toEqual({ shipped: ['LINE_INCIDENT'] });
    expect(rich.fulfillment).toBeNull();
    const worten: ChannelDescription = describeChannel(await loadChannel('worten'));
    const carrier = worten.actions.ship!.by_status.waiting_shipment!.fields.find((f) => f.name === 'carrier')!;
    expect(carrier.values!.items[0]!.tracking_url).toContain('{trackingId}');
  });

  it('is stable: the same channel gives byte-identical JSON', async () => {
    const a = JSON.stringify(describeChannel(await loadChannel('worten')));
    const b = JSON.stringify(describeChannel(await loadChannel('worten')));
    expect(a).toBe(b);
  });

  it('has a readable summary', async () => {
    const text = describeText(describeChannel(await loadChannel('cdiscount')));
    expect(text).toContain('Cdiscount (cdiscount), platform octopia');
    expect(text).toMatch(/refund\s+\(cancellation\) in accepted \[refund_shipping, reason\*; lines none\]/);
    expect(text).toMatch(/canceled\s+Refused, Rejected\s+no action \(No action available. Cancel must be managed manually.\)/);
  });
});
