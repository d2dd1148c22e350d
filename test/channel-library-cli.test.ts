/**
 * `orderwire channels`: the library with each channel's platform, source and test coverage, and the
 * facts that differ between library channels (status conditions, automatic acceptance, retrieval).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryEntry } from '../engine/cli/commands/channels.ts';
import { CHANNELS_DIR, loadChannel } from '../engine/channel/load.ts';
import { runCliInProcess as cli } from './helpers/cli-process.ts';
import { LIBRARY_CHANNELS } from './helpers/library.ts';

describe('orderwire channels', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-channels-'));
    await mkdir(path.join(dir, 'platforms'));
    await copyFile(path.join(CHANNELS_DIR, 'platforms', 'mirakl.yaml'), path.join(dir, 'platforms', 'mirakl.yaml'));
    await copyFile(path.join(CHANNELS_DIR, 'manor.yaml'), path.join(dir, 'manor.yaml'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists every shipped channel with its platform, source and full coverage', async () => {
    const r = await cli('channels', '--json');
    expect(r.code).toBe(0);
    const library = JSON.parse(r.stdout) as LibraryEntry[];
    expect(library.map((e) => e.id)).toEqual(LIBRARY_CHANNELS);
    for (const e of library) {
      expect(e.coverage, e.id).toMatchObject({ percent: 100 });
      expect(e.coverage!.covered).toBe(e.coverage!.total);
      expect(e.failed, e.id).toBe(0);
      expect(e.source, e.id).toMatch(/^https:\/\//);
    }
    expect(library.find((e) => e.id === 'cdiscount')).toMatchObject({ platform: 'octopia' });
    expect(library.filter((e) => e.platform === 'mirakl')).toHaveLength(16);
  });

  it('prints a table, and says "no tests" for a channel without a test file', async () => {
    const r = await cli('channels', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID +NAME +PLATFORM +COVERAGE +SOURCE/);
    expect(r.stdout).toMatch(/manor +Manor +mirakl +no tests +https:\/\/help\.lengow\.com\/hc\/en-us\/articles\/23853455841948/);
    expect(r.stdout).toContain('1 channels');
  });
});

describe('what the library channels say', () => {
  it('Decathlon accepts automatically: accept and refuse are never allowed', async () => {
    const decathlon = await loadChannel('decathlon');
    expect(decathlon.actions.accept!.allowedIn).toEqual([]);
    expect(decathlon.actions.refuse!.allowedIn).toEqual([]);
  });
  it('La Redoute alone refunds while waiting for shipment', async () => {
    for (const id of LIBRARY_CHANNELS) {
      const channel = await loadChannel(id);
      // bol.com and Kaufland have no refund action at all (orders are cancelled before shipping).
      expect(channel.actions.refund?.allowedIn.includes('waiting_shipment') ?? false, id).toBe(id === 'laredoute' || id === 'cdiscount');
    }
  });
  it('Rue du Commerce is polled hourly with a 10-day catch-up', async () => {
    const rdc = await loadChannel('rueducommerce');
    expect(rdc.retrieval.incremental.every).toBe('PT1H');
    expect(rdc.retrieval.catchUp.lookback).toBe('P10D');
  });
});
