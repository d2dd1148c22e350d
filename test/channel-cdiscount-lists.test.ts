/**
 * channels/cdiscount.yaml and the Octopia simulator copy the same Cdiscount lists (carriers,
 * cancellation reasons by status); this keeps the two in step, reading the lists the way a
 * connector would, from the simulator's /seller/v2 routes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OctopiaClient, startOctopiaSimulator, type RunningOctopiaSimulator } from '@orderwire/simulators';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Lists = Record<string, { values: { code: string; label: string }[] }>;
const channel = parse(readFileSync(path.resolve(import.meta.dirname, '../channels/cdiscount.yaml'), 'utf8')) as { lists: Lists };
const codes = (list: string) => channel.lists[list]?.values.map((v) => v.code);

let sim: RunningOctopiaSimulator;
let client: OctopiaClient;
beforeAll(async () => {
  sim = await startOctopiaSimulator({ orders: 0 });
  client = new OctopiaClient({ baseUrl: sim.baseUrl, credentials: sim.credentials });
});
afterAll(async () => sim.close());

describe('channels/cdiscount.yaml lists match the Octopia marketplace', () => {
  it('offers the carriers the marketplace lists (same Cdiscount source), plus the instance\'s live-only one', async () => {
    const res = await client.get<{ items: { code: string; label: string }[] }>('/carriers');
    expect(res.status).toBe(200);
    // The file's list is the fallback; a simulated instance also lists a carrier the file does not
    // (live lists, test/channel-live-lists.test.ts, prove it is accepted only through the live list).
    const fileCodes = new Set(codes('carriers'));
    expect(res.body.items.filter((c) => fileCodes.has(c.code))).toEqual(channel.lists.carriers?.values);
    expect(res.body.items.filter((c) => !fileCodes.has(c.code))).toEqual([{ code: '33', label: 'Kuehne + Nagel' }]);
  });

  it('splits cancellation reasons by shipment as the marketplace does', async () => {
    const reasons = async (status: string) =>
      (await client.get<{ items: { code: string }[] }>('/cancellation-reasons', { status })).body.items.map((r) => r.code);
    expect(await reasons('Accepted')).toEqual(codes('reasons_before_shipment'));
    expect(await reasons('InPreparation')).toEqual(codes('reasons_before_shipment'));
    expect(await reasons('Shipped')).toEqual(codes('reasons_after_shipment'));
    expect(await reasons('Delivered')).toEqual(codes('reasons_after_shipment'));
    expect(await reasons('WaitingAcceptance')).toEqual([]);
    expect((await client.get<{ items: unknown[] }>('/cancellation-reasons')).body.items).toHaveLength(8);
  });
});
