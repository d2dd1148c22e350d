/**
 * The compiled rules of a channel: built once per Channel object, custom rules run only where
 * their actions and statuses apply, every documented fact available to them, and runs
 * of one Engine kept apart (json-rules-engine keeps its running state on the Engine).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RULE_FACTS as CHANNEL_CHECK_FACTS } from '../engine/channel/rules-check.ts';
import { compileChannel, type RawChannel } from '../engine/channel/compile.ts';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { syntheticOrder } from '../engine/order/synthetic.ts';
import { compiledEngineCount, compiledRules, planKey, RULE_FACTS, validateAction } from '../engine/rules/index.ts';

let worten: Channel;
let cdiscount: Channel;
beforeAll(async () => {
  worten = await loadChannel('worten');
  cdiscount = await loadChannel('cdiscount');
});

function channelWithRules(rules: RawChannel['rules']): Channel {
  return compileChannel({
    id: 'rulebook',
    name: 'Rulebook',
    platform: 'mirakl',
    retrieval: { incremental: { every: 'PT15M' }, catch_up: { every: 'P1D', lookback: 'P2D' } },
    statuses: { waiting_acceptance: ['WA'], shipped: ['SH'] },
    actions: {
      accept: { when: ['waiting_acceptance'], lines: 'optional' },
      refund: { when: ['shipped'], lines: 'optional', partial_amount: true, fields: { note: { type: 'string' } } },
    },
    rules,
  });
}

describe('compilation', () => {
  it('compiles one Engine per channel, however many validations run', async () => {
    const channel = channelWithRules([]);
    const before = compiledEngineCount();
    const order = syntheticOrder(channel, 'WA');
    await Promise.all(Array.from({ length: 50 }, (_, i) => validateAction(channel, order, { name: i % 2 ? 'accept' : 'refund' })));
    for (let i = 0; i < 20; i++) await validateAction(channel, order, { name: 'accept' });
    expect(compiledEngineCount() - before).toBe(1);
    expect(compiledRules(channel)).toBe(compiledRules(channel));
    await validateAction(channelWithRules([]), order, { name: 'accept' });
    expect(compiledEngineCount() - before).toBe(2);
  });

  it('holds one plan per (action, status) the channel allows', () => {
    expect([...compiledRules(cdiscount).plans.keys()].sort()).toEqual([
      planKey('accept', 'waiting_acceptance'), planKey('refund', 'accepted'), planKey('refund', 'shipped'),
      planKey('refund', 'waiting_shipment'), planKey('refuse', 'waiting_acceptance'), planKey('ship', 'waiting_shipment'),
    ].sort());
  });

  it('runs, per (action, status), only the custom rules whose actions and statuses take it in', () => {
    const compiled = compiledRules(worten);
    expect(compiled.rulesFor('accept', 'waiting_acceptance')).toEqual(['partial-acceptance-refuses-the-rest']);
    expect(compiled.rulesFor('refuse', 'waiting_acceptance')).toEqual(['partial-refusal-accepts-the-rest']);
    expect(compiled.rulesFor('ship', 'waiting_shipment')).toEqual([]);
    expect(compiled.rulesFor('no-such-action', 'waiting_acceptance')).toEqual([]);
    const channel = channelWithRules([
      { id: 'everywhere', message: 'm', severity: 'warning', conditions: { all: [{ fact: 'action', operator: 'equal', value: 'x' }] } },
      { id: 'refund-shipped', actions: ['refund'], when: ['shipped'], message: 'm', severity: 'warning', conditions: { all: [{ fact: 'action', operator: 'equal', value: 'x' }] } },
      { id: 'when-shipped', when: ['shipped'], message: 'm', severity: 'warning', conditions: { all: [{ fact: 'action', operator: 'equal', value: 'x' }] } },
    ]);
    const rules = compiledRules(channel);
    expect(rules.rulesFor('refund', 'shipped')).toEqual(['everywhere', 'refund-shipped', 'when-shipped']);
    expect(rules.rulesFor('refund', 'waiting_acceptance')).toEqual(['everywhere']);
    expect(rules.rulesFor('accept', 'shipped')).toEqual(['everywhere', 'when-shipped']);
    expect(rules.rulesFor('made-up', 'shipped')).toEqual(['everywhere', 'when-shipped']);
  });
});

describe('custom rules', () => {
  it('see every documented fact', async () => {
    const channel = channelWithRules([
      { id: 'sees-order', message: 'order', severity: 'warning', conditions: { all: [{ fact: 'order', path: '$.totals.total', operator: 'equal', value: 20 }] } },
      { id: 'sees-action', message: 'action', severity: 'warning', conditions: { all: [{ fact: 'action', operator: 'equal', value: 'refund' }] } },
      { id: 'sees-data', message: 'data', severity: 'warning', conditions: { all: [{ fact: 'data', path: '$.note', operator: 'equal', value: 'hi' }] } },
      { id: 'sees-status', message: 'status', severity: 'warning', conditions: { all: [{ fact: 'status', operator: 'equal', value: 'shipped' }] } },
      { id: 'sees-lines', message: 'lines', severity: 'warning', conditions: { all: [{ fact: 'lines', operator: 'contains', value: '2' }] } },
      { id: 'sees-selection', message: 'selection', severity: 'warning', conditions: { all: [{ fact: 'selection', path: '$.unselected', operator: 'equal', value: 1 }, { fact: 'selection', path: '$.total', operator: 'equal', value: 2 }] } },
    ]);
    const order = syntheticOrder(channel, 'SH', { lines: [{ id: '1' }, { id: '2' }] });
    const result = await validateAction(channel, order, { name: 'refund', data: { note: 'hi' }, lines: ['2'] });
    expect(result.warnings.map((w) => w.rule)).toEqual(['sees-order', 'sees-action', 'sees-data', 'sees-status', 'sees-lines', 'sees-selection']);
    expect(result.allowed).toBe(true);
  });

  it('are the facts the channel loader lets rules use', () => {
    expect([...RULE_FACTS].sort()).toEqual([...CHANNEL_CHECK_FACTS].sort());
  });

  it('only run for their actions and statuses: a rule that cannot evaluate is not reached elsewhere', async () => {
    const channel = channelWithRules([
      { id: 'refunds-only', actions: ['refund'], when: ['shipped'], message: 'm', conditions: { all: [{ fact: 'no_such_fact', operator: 'equal', value: 1 }] } },
    ]);
    const accept = await validateAction(channel, syntheticOrder(channel, 'WA'), { name: 'accept' });
    expect(accept).toMatchObject({ allowed: true, errors: [] });
    const refundElsewhere = await validateAction(channel, syntheticOrder(channel, 'WA'), { name: 'refund' });
    expect(refundElsewhere.errors.map((e) => e.code)).toEqual(['ACTION_NOT_ALLOWED_IN_STATUS']);
    const refund = await validateAction(channel, syntheticOrder(channel, 'SH'), { name: 'refund' });
    expect(refund.errors).toEqual([expect.objectContaining({ code: 'ACTION_RULE_FAILED', message: expect.stringContaining('no_such_fact') })]);
    expect(refund.allowed).toBe(false);
  });

  it('report errors with their id and field, and warnings without denying', async () => {
    const channel = channelWithRules([
      { id: 'no-big-refunds', severity: 'error', field: 'data.amount', message: 'Refunds above 50 are manual.', conditions: { all: [{ fact: 'data', path: '$.amount', operator: 'greaterThan', value: 50 }] } },
      { id: 'small-refund', severity: 'warning', field: 'data.amount', message: 'Small refunds cost more than they return.', conditions: { all: [{ fact: 'data', path: '$.amount', operator: 'lessThan', value: 20 }] } },
    ]);
    const order = { ...syntheticOrder(channel, 'SH'), totals: { items: 100, shipping: 0, taxes: 0, total: 100 } };
    const big = await validateAction(channel, order, { name: 'refund', data: { amount: 60 } });
    expect(big.errors).toEqual([{ code: 'ACTION_RULE_VIOLATED', field: 'data.amount', message: 'Refunds above 50 are manual.', rule: 'no-big-refunds' }]);
    const small = await validateAction(channel, order, { name: 'refund', data: { amount: 10 } });
    expect(small).toMatchObject({ allowed: true, warnings: [{ code: 'ACTION_RULE_WARNING', field: 'data.amount', rule: 'small-refund' }] });
  });
});

describe('concurrent validations on one Engine', () => {
  it('each run evaluates every rule, even when runs interleave', async () => {
    // json-rules-engine marks the Engine FINISHED when a run ends: without the run queue, runs
    // that started meanwhile skip their rules and a fulfilled order could be "shipped".
    const fulfilled = { ...syntheticOrder(cdiscount, 'InPreparation'), delivered_by_marketplace: true, fulfillment_code: 'MKPFBC' };
    const pending: Array<ReturnType<typeof validateAction>> = [];
    for (let i = 0; i < 40; i++) {
      pending.push(validateAction(cdiscount, fulfilled, { name: 'ship', data: { tracking_number: `T${i}`, carrier: 'UPS' } }));
      for (let tick = 0; tick < i % 7; tick++) await null;
    }
    const results = await Promise.all(pending);
    expect(results.filter((r) => r.allowed)).toEqual([]);
    expect(results.every((r) => r.errors.some((e) => e.rule === 'fulfilled-orders-are-shipped-by-cdiscount'))).toBe(true);
  });
});
