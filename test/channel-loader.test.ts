/**
 * The loader: shipped channels compile into the model the engine trusts, with the facts of the
 * seed documents (/work/shared/seeds); invalid or missing files throw located OrderwireErrors.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderwireError } from '../engine/errors.ts';
import type { Finding } from '../engine/channel/finding.ts';
import { CHANNELS_DIR, loadChannel, loadChannelFile, loadChannels } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { LIBRARY_CHANNELS } from './helpers/library.ts';

const DAY = 24 * 3_600_000;
const BASE_FILE = path.resolve(import.meta.dirname, 'fixtures/channels/valid/base.yaml');

describe('shipped channels', () => {
  let worten: Channel;
  let cdiscount: Channel;
  beforeAll(async () => {
    [worten, cdiscount] = await Promise.all([loadChannel('worten'), loadChannel('cdiscount')]);
  });

  it('load every channel of channels/ and freeze them', async () => {
    const all = await loadChannels();
    expect(all.map((c) => c.id)).toEqual(LIBRARY_CHANNELS);
    expect(Object.isFrozen(worten)).toBe(true);
    expect(Object.isFrozen(worten.actions.ship!.byStatus.waiting_shipment!.fields)).toBe(true);
    expect(worten.file).toBe(path.join(CHANNELS_DIR, 'worten.yaml'));
  });

  it('Worten: retrieval every 15 minutes, once a day over the last 5 days', () => {
    expect(worten.retrieval.incremental).toMatchObject({ every: 'PT15M', everyMs: 15 * 60_000 });
    expect(worten.retrieval.catchUp).toEqual({ every: 'P1D', everyMs: DAY, lookback: 'P5D', lookbackMs: 5 * DAY });
  });

  it('Worten: the ten Lengow statuses and their Mirakl statuses', () => {
    expect(worten.statuses).toEqual({
      new: ['STAGING'],
      waiting_acceptance: ['WAITING_ACCEPTANCE'],
      accepted: ['WAITING_DEBIT', 'WAITING_DEBIT_PAYMENT'],
      waiting_shipment: ['SHIPPING'],
      shipped: ['SHIPPED'],
      refused: ['REFUSED'],
      closed: ['CLOSED', 'RECEIVED'],
      canceled: ['CANCELED'],
      refunding: ['WAITING_REFUND', 'WAITING_REFUND_PAYMENT'],
      refunded: ['REFUNDED'],
    });
    expect(worten.statusIndex.get('WAITING_DEBIT_PAYMENT')).toBe('accepted');
    expect(worten.statusIndex.get('shipped')).toBeUndefined();
  });

  it('Worten: actions where the seed allows them, with their fields', () => {
    const { accept, refuse, ship, refund, cancel } = worten.actions;
    expect(accept!.allowedIn).toEqual(['waiting_acceptance']);
    expect(refuse!.allowedIn).toEqual(['waiting_acceptance']);
    expect(accept!.byStatus.waiting_acceptance!.lines).toBe('optional');
    expect(refuse!.byStatus.waiting_acceptance!.lines).toBe('optional');
    expect(accept!.byStatus.waiting_acceptance!.fields.shipping_from_country).toMatchObject({ type: 'country', required: false });
    expect(ship!.allowedIn).toEqual(['waiting_shipment']);
    const shipFields = ship!.byStatus.waiting_shipment!.fields;
    expect(shipFields.tracking_number).toMatchObject({ required: true });
    expect(shipFields.carrier).toMatchObject({ type: 'carrier', required: true, freeValues: true });
    expect(shipFields.carrier!.values?.kind).toBe('carrier');
    expect(shipFields.tracking_url).toMatchObject({ required: false, ignoredWhenRegistered: 'carrier' });
    expect(refund!.allowedIn).toEqual(['shipped']);
    const atShipped = refund!.byStatus.shipped!;
    expect(atShipped.lines).toBe('optional');
    expect(atShipped.fields.reason).toMatchObject({ type: 'reason', required: true });
    expect(atShipped.fields.reason!.values?.name).toBe('refund_reasons');
    expect(Object.keys(atShipped.fields)).toEqual(['reason', 'refund_taxes', 'refund_shipping', 'refund_shipping_taxes']);
    expect(cancel!.allowedIn).toEqual([]);
  });

  it('Cdiscount: retrieval every 15 minutes, once a day over the last 2 days, Cdiscount orders only', () => {
    expect(cdiscount.retrieval.incremental.every).toBe('PT15M');
    expect(cdiscount.retrieval.catchUp).toMatchObject({ every: 'P1D', lookback: 'P2D', lookbackMs: 2 * DAY });
    expect(cdiscount.scope?.salesChannels).toEqual(['CDISCOUNT']);
  });

  it('Cdiscount: the status table of the seed', () => {
    expect(cdiscount.statuses).toEqual({
      new: ['Processing'],
      waiting_acceptance: ['WaitingAcceptance'],
      accepted: ['Accepted'],
      waiting_shipment: ['InPreparation'],
      shipped: ['Shipped', 'Delivered'],
      canceled: ['Refused', 'Rejected'],
      refunded: ['Cancelled'],
    });
    expect(cdiscount.statusNotes.canceled).toContain('Cancel must be managed manually');
  });

  it('Cdiscount: refund takes `reason` at accepted and `refund_reason` later, from lists that depend on the status', () => {
    const refund = cdiscount.actions.refund!;
    expect(refund.marketplaceName).toBe('cancellation');
    expect(refund.allowedIn).toEqual(['accepted', 'waiting_shipment', 'shipped']);
    const accepted = refund.byStatus.accepted!.fields;
    expect(Object.keys(accepted).sort()).toEqual(['reason', 'refund_shipping']);
    expect(accepted.reason).toMatchObject({ required: true, type: 'reason' });
    expect(accepted.reason!.values?.name).toBe('reasons_before_shipment');
    for (const status of ['waiting_shipment', 'shipped'] as const) {
      const fields = refund.byStatus[status]!.fields;
      expect(Object.keys(fields).sort()).toEqual(['refund_reason', 'refund_shipping']);
      expect(fields.refund_reason!.required).toBe(true);
      expect(fields.refund_shipping).toMatchObject({ type: 'boolean', required: false });
      expect(refund.byStatus[status]!).toMatchObject({ lines: 'none', partialAmount: false });
    }
    expect(refund.byStatus.waiting_shipment!.fields.refund_reason!.values?.name).toBe('reasons_before_shipment');
    expect(refund.byStatus.shipped!.fields.refund_reason!.values?.name).toBe('reasons_after_shipment');
  });

  it('Cdiscount: ship needs a supported carrier; cancel is manual, refuse or refund instead', () => {
    const ship = cdiscount.actions.ship!.byStatus.waiting_shipment!.fields;
    expect(ship.carrier).toMatchObject({ required: true, freeValues: false });
    expect(ship.tracking_url!.required).toBe(false);
    const cancel = cdiscount.actions.cancel!;
    expect(cancel.allowedIn).toEqual([]);
    expect(cancel.instead).toEqual({ waiting_acceptance: 'refuse', accepted: 'refund', waiting_shipment: 'refund', shipped: 'refund' });
    expect(cdiscount.fulfillment).toMatchObject({ arrivesIn: 'shipped' });
    expect(cdiscount.fulfillment!.modes.map((m) => m.code)).toEqual(['MKPFBC', 'EXTFBC']);
  });
});

describe('loader errors and folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-channels-'));
    const base = await readFile(BASE_FILE, 'utf8');
    await writeFile(path.join(dir, 'alpha.yaml'), base.replace('id: base', 'id: alpha'));
    await writeFile(path.join(dir, 'beta.yml'), base.replace('id: base', 'id: beta'));
    await writeFile(path.join(dir, 'alpha.test.yaml'), 'cases: [not, a, channel]\n');
    await mkdir(path.join(dir, 'platforms'));
    await writeFile(path.join(dir, 'platforms', 'mirakl.yaml'), 'name: mirakl\n');
    await writeFile(path.join(dir, 'broken.yaml.txt'), 'ignored');
    await mkdir(path.join(dir, 'bad'));
    await writeFile(path.join(dir, 'bad', 'bad.yaml'), base.replace('id: base', 'id: bad').replace('  refuse:\n', '  refuze:\n'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every channel of a folder, skipping channel tests and platforms/', async () => {
    expect((await loadChannels(dir)).map((c) => c.id)).toEqual(['alpha', 'beta']);
  });

  it('finds a channel by id (.yaml or .yml) in a folder, or by path', async () => {
    expect((await loadChannel('beta', dir)).id).toBe('beta');
    expect((await loadChannel(path.join(dir, 'alpha.yaml'))).id).toBe('alpha');
  });

  it('throws CHANNEL_INVALID with every finding located', async () => {
    const file = path.join(dir, 'bad', 'bad.yaml');
    const err = await loadChannelFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderwireError);
    const e = err as OrderwireError;
    expect(e.code).toBe('CHANNEL_INVALID');
    const findings = e.details.findings as Finding[];
    expect(findings[0]).toMatchObject({ code: 'SCHEMA_INVALID_VALUE', file, line: 36, column: 3, suggestion: 'did you mean `refuse`?' });
    expect(e.message).toContain(`${file}:36:3`);
    await expect(loadChannel('bad', path.join(dir, 'bad'))).rejects.toMatchObject({ code: 'CHANNEL_INVALID' });
  });

  it('throws CHANNEL_NOT_FOUND naming the channels that exist', async () => {
    const err = (await loadChannel('gamma', dir).catch((e: unknown) => e)) as OrderwireError;
    expect(err.code).toBe('CHANNEL_NOT_FOUND');
    expect(err.message).toContain('alpha, beta');
    await expect(loadChannelFile(path.join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
    await expect(loadChannel('Not An Id')).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
  });
});
