import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CANCELLATION_REASONS, CARRIERS, carrierByName, reasonsFor } from './reference-data.ts';

type Lists = Record<string, { values: { code: string; label: string }[] }>;
const channel = parse(readFileSync(path.resolve(import.meta.dirname, '../../../channels/cdiscount.yaml'), 'utf8')) as { lists: Lists };

describe('Octopia reference data', () => {
  it('offers the carriers of channels/cdiscount.yaml (same Cdiscount source)', () => {
    expect(CARRIERS.map((c) => ({ code: c.code, label: c.name }))).toEqual(channel.lists.carriers?.values);
  });

  it('splits cancellation reasons by shipment as channels/cdiscount.yaml does', () => {
    const codes = (list: string) => channel.lists[list]?.values.map((v) => v.code);
    expect(reasonsFor('Accepted').map((r) => r.code)).toEqual(codes('reasons_before_shipment'));
    expect(reasonsFor('InPreparation').map((r) => r.code)).toEqual(codes('reasons_before_shipment'));
    expect(reasonsFor('Shipped').map((r) => r.code)).toEqual(codes('reasons_after_shipment'));
    expect(reasonsFor('Delivered').map((r) => r.code)).toEqual(codes('reasons_after_shipment'));
    expect(reasonsFor('WaitingAcceptance')).toEqual([]);
    expect(CANCELLATION_REASONS).toHaveLength(8);
  });

  it('matches carrier names without regard to case or surrounding spaces', () => {
    expect(carrierByName(' colissimo ')?.code).toBe('14');
    expect(carrierByName('Colissimo Express')).toBeUndefined();
  });
});
