/**
 * Live lists in channel files (`lists.<name>.live`): the semantic checks against the platform
 * file (the reference list exists, its type applies, the refresh keeps within the endpoint's
 * budget), and the channel an account sees once its live values are in (withLiveLists).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLiveLists } from '../engine/channel/live-lists.ts';
import { loadChannel } from '../engine/channel/load.ts';
import { validateChannelText } from '../engine/channel/validate.ts';
import { validateAction } from '../engine/rules/index.ts';
import { syntheticOrder } from '../engine/order/synthetic.ts';

const WORTEN_FILE = path.resolve(import.meta.dirname, '../channels/worten.yaml');
const WORTEN = readFileSync(WORTEN_FILE, 'utf8');

function findings(text: string) {
  const result = validateChannelText(text, WORTEN_FILE);
  return result.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}:${f.code}`);
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('channel files: live lists', () => {
  it('the shipped Worten file declares SH21 carriers and RE01 REFUND reasons, daily', async () => {
    const worten = await loadChannel('worten');
    expect(worten.lists.carriers?.live).toEqual({ from: 'carriers', refresh: 'P1D', refreshMs: 86_400_000 });
    expect(worten.lists.refund_reasons?.live).toEqual({ from: 'reasons', type: 'REFUND', refresh: 'P1D', refreshMs: 86_400_000 });
  });

  it('a live source the platform does not declare is located, with the closest name', () => {
    const text = WORTEN.replace('live: { from: carriers, refresh: P1D }', 'live: { from: carrier, refresh: P1D }');
    expect(findings(text)).toEqual([`${lineOf(text, 'live: { from: carrier,')}:CHANNEL_LIST_LIVE_UNKNOWN`]);
    const result = validateChannelText(text, WORTEN_FILE);
    expect(result.findings[0]?.message).toBe('platform `mirakl` declares no reference list `carrier` (it declares `carriers` or `reasons`)');
    expect(result.findings[0]?.suggestion).toMatch(/carriers/);
  });

  it('a refresh more often than the endpoint budget (SH21: once a day) is refused', () => {
    const text = WORTEN.replace('live: { from: carriers, refresh: P1D }', 'live: { from: carriers, refresh: PT1H }');
    expect(findings(text)).toEqual([`${lineOf(text, 'refresh: PT1H')}:CHANNEL_LIST_LIVE_OVER_BUDGET`]);
    expect(validateChannelText(text, WORTEN_FILE).findings[0]?.message).toBe('refresh every PT1H exceeds the budget of SH21 (1 per P1D) declared by platform `mirakl`');
    // RE01 has no budget: hourly is allowed.
    expect(findings(WORTEN.replace('type: REFUND, refresh: P1D', 'type: REFUND, refresh: PT1H'))).toEqual([]);
  });

  it('RE01 holds reasons of every type: the type is required, and refused on an untyped list', () => {
    const untyped = WORTEN.replace('live: { from: reasons, type: REFUND, refresh: P1D }', 'live: { from: reasons, refresh: P1D }');
    expect(findings(untyped)).toEqual([`${lineOf(untyped, 'live: { from: reasons, refresh')}:CHANNEL_LIST_LIVE_TYPE`]);
    const typedCarriers = WORTEN.replace('live: { from: carriers, refresh: P1D }', 'live: { from: carriers, type: REFUND, refresh: P1D }');
    expect(findings(typedCarriers)).toEqual([`${lineOf(typedCarriers, 'live: { from: carriers, type: REFUND')}:CHANNEL_LIST_LIVE_TYPE`]);
  });

  it('a bad refresh duration is a schema error at its value', () => {
    const text = WORTEN.replace('live: { from: carriers, refresh: P1D }', 'live: { from: carriers, refresh: daily }');
    expect(findings(text)).toEqual([`${lineOf(text, 'refresh: daily')}:SCHEMA_BAD_DURATION`]);
  });
});

describe('withLiveLists: the channel an account sees', () => {
  it('fields take the live values, the rest is unchanged, and one version is built once', async () => {
    const worten = await loadChannel('worten');
    const live = new Map([['refund_reasons', { values: [{ code: '19', label: 'Late delivery' }], fetchedAt: '2026-01-01T00:00:00.000Z' }]]);
    const seen = withLiveLists(worten, live);
    expect(withLiveLists(worten, new Map(live))).toBe(seen);
    expect(seen.actions.refund?.byStatus.shipped?.fields.reason?.values?.values).toEqual([{ code: '19', label: 'Late delivery' }]);
    expect(seen.actions.ship).not.toBe(worten.actions.ship);
    expect(seen.actions.ship?.byStatus.waiting_shipment?.fields.carrier?.values).toBe(worten.lists.carriers);
    expect(worten.actions.refund?.byStatus.shipped?.fields.reason?.values?.values.map((v) => v.code)).toEqual(['15', '16', '17', '18']);
    // Lists that are not live, or unknown names, change nothing.
    expect(withLiveLists(worten, new Map([['nope', live.get('refund_reasons')!]]))).toBe(worten);

    const order = syntheticOrder(worten, 'SHIPPED');
    expect((await validateAction(seen, order, { name: 'refund', data: { reason: '19' } })).allowed).toBe(true);
    const refused = await validateAction(seen, order, { name: 'refund', data: { reason: '15' } });
    expect(refused.errors.map((e) => e.code)).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED']);
    expect((await validateAction(worten, order, { name: 'refund', data: { reason: '15' } })).allowed).toBe(true);
  });
});
