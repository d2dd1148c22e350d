/**
 * Conditions on the marketplace status (`by_status.<status>.marketplace_statuses`): an action
 * allowed at a normalized status only for some of its marketplace statuses. Mirakl: refund at
 * `closed` only while the order is RECEIVED, never CLOSED. Checked in the file with located,
 * coded findings; enforced by validation; shown by describe and the documentation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeChannel } from '../engine/channel/describe.ts';
import { renderChannelDoc } from '../engine/channel/doc.ts';
import { loadChannels } from '../engine/channel/load.ts';
import { validateChannelText } from '../engine/channel/validate.ts';
import { validateAction } from '../engine/rules/validate.ts';
import { order } from './helpers/store-orders.ts';

const BASE = readFileSync(path.resolve(import.meta.dirname, 'fixtures/channels/valid/base.yaml'), 'utf8');

/** The base channel with `closed: [CLOSED, RECEIVED]` and refund allowed there under `condition`. */
function withCondition(condition: string): string {
  return BASE
    .replace('  canceled: [CANCELED]\n', '  canceled: [CANCELED]\n  closed: [CLOSED, RECEIVED]\n')
    .replace('    when: [shipped]\n    fields:\n      reason', '    when: [shipped, closed]\n    fields:\n      reason')
    .replace('      shipped:\n        partial_amount: false\n', `      shipped:\n        partial_amount: false\n      closed:\n${condition}`);
}

function check(text: string) {
  const r = validateChannelText(text, 'base.yaml');
  return { ...r, located: r.findings.map((f) => `${f.code} ${f.line}:${f.column} ${f.pointer}`) };
}

describe('marketplace-status conditions in the channel file', () => {
  it('compile into the action in that status, and nowhere else', () => {
    const r = check(withCondition('        marketplace_statuses: [RECEIVED]\n'));
    expect(r.findings).toEqual([]);
    expect(r.channel!.actions.refund!.byStatus.closed!.marketplaceStatuses).toEqual(['RECEIVED']);
    expect(r.channel!.actions.refund!.byStatus.shipped!.marketplaceStatuses).toBeUndefined();
  });

  it('locate a status the platform never sends, with the closest one', () => {
    const r = check(withCondition('        marketplace_statuses: [RECIEVED]\n'));
    expect(r.located).toEqual(['CHANNEL_STATUS_UNKNOWN_TO_PLATFORM 54:32 /actions/refund/by_status/closed/marketplace_statuses/0']);
    expect(r.findings[0]).toMatchObject({ severity: 'error', suggestion: expect.stringContaining('RECEIVED') });
    expect(r.channel).toBeUndefined();
  });

  it('locate a status mapped to another normalized status: the condition could never hold', () => {
    const r = check(withCondition('        marketplace_statuses: [RECEIVED, SHIPPED]\n'));
    expect(r.located).toEqual(['CHANNEL_MARKETPLACE_STATUS_OUTSIDE_STATUS 54:42 /actions/refund/by_status/closed/marketplace_statuses/1']);
    expect(r.findings[0]!.message).toContain('`statuses` maps it to `shipped`');
  });

  it('warn about a condition that lists every marketplace status of its normalized status', () => {
    const r = check(withCondition('        marketplace_statuses: [CLOSED, RECEIVED]\n'));
    expect(r.located).toEqual(['CHANNEL_MARKETPLACE_STATUS_CONDITION_EMPTY 54:9 /actions/refund/by_status/closed/marketplace_statuses']);
    expect(r.findings[0]!.severity).toBe('warning');
    expect(r.channel).toBeDefined();
  });

  it('refuse an empty or repeated list through the schema', () => {
    expect(check(withCondition('        marketplace_statuses: []\n')).findings.map((f) => f.code)).toEqual(['SCHEMA_EMPTY']);
    expect(check(withCondition('        marketplace_statuses: [RECEIVED, RECEIVED]\n')).findings.map((f) => f.code)).toEqual(['SCHEMA_DUPLICATE_ITEM']);
  });
});

describe('the library channels: refund at closed only while Mirakl says RECEIVED', async () => {
  const library = (await loadChannels()).filter((c) => c.platform === 'mirakl' && c.actions.refund?.allowedIn.includes('closed'));
  // Worten keeps its source document's word (refund at closed without the condition).
  const conditioned = library.filter((c) => c.id !== 'worten');

  it('is declared by every Mirakl channel of the library that refunds at closed, Worten excepted', () => {
    expect(conditioned.length).toBeGreaterThanOrEqual(14);
    for (const c of conditioned) expect([c.id, c.actions.refund!.byStatus.closed!.marketplaceStatuses]).toEqual([c.id, ['RECEIVED']]);
    // No channel keeps the old custom rule beside it.
    for (const c of conditioned) expect(c.rules.map((r) => r.id)).not.toContain('refund-at-closed-only-when-received');
  });

  it.each(conditioned.map((c) => [c.id, c] as const))('%s: RECEIVED is refunded, CLOSED is refused with the new code', async (_id, channel) => {
    const closed = (marketplaceStatus: string) => order('C1', { channel: channel.id, status: 'closed', marketplace_status: marketplaceStatus });
    const reason = channel.actions.refund!.byStatus.closed!.fields.reason!.values!.values[0]!.code;
    const received = await validateAction(channel, closed('RECEIVED'), { name: 'refund', data: { reason } });
    expect(received.errors).toEqual([]);
    expect(received.allowed).toBe(true);
    const refused = await validateAction(channel, closed('CLOSED'), { name: 'refund', data: { reason } });
    expect(refused.allowed).toBe(false);
    expect(refused.errors.map((e) => e.code)).toEqual(['ACTION_MARKETPLACE_STATUS_NOT_ALLOWED']);
    expect(refused.errors[0]!.message).toMatch(/^refund is allowed at closed on .+ only while the marketplace status is RECEIVED; this order is CLOSED\./);
  });

  it('shows in describe and in the generated documentation', async () => {
    const jardiland = conditioned.find((c) => c.id === 'jardiland')!;
    expect(describeChannel(jardiland).actions.refund!.by_status.closed!.marketplace_statuses).toEqual(['RECEIVED']);
    expect(describeChannel(jardiland).actions.refund!.by_status.shipped!.marketplace_statuses).toBeNull();
    const doc = renderChannelDoc(jardiland);
    expect(doc).toContain('| `closed` | `CLOSED`, `RECEIVED` | Refund (only at `RECEIVED`) |');
    expect(doc).toContain('- Only while the marketplace status is `RECEIVED`; refused at `CLOSED`.');
  });
});
