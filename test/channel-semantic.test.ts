/**
 * Semantic checks: what needs two places of a schema-valid document at once. Each test starts
 * from the valid base channel and changes one thing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownPlatforms } from '../engine/channel/platforms.ts';
import { validateChannelText, type ValidateOptions } from '../engine/channel/validate.ts';

const BASE = readFileSync(path.resolve(import.meta.dirname, 'fixtures/channels/valid/base.yaml'), 'utf8');

function variant(...replacements: [string, string][]): string {
  let text = BASE;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`base has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  return text;
}

function check(text: string, file = 'base.yaml', options: ValidateOptions = {}) {
  const result = validateChannelText(text, file, options);
  return { ...result, codes: result.findings.map((f) => f.code) };
}

describe('semantic checks', () => {
  it('pass the base channel without any finding and compile it', () => {
    const r = check(BASE);
    expect(r.findings).toEqual([]);
    expect(r.channel?.id).toBe('base');
  });

  it('warn when the id differs from the file name, without failing', () => {
    const r = check(BASE, 'channels/other.yaml');
    expect(r.codes).toEqual(['CHANNEL_ID_MISMATCH']);
    expect(r.findings[0]).toMatchObject({ severity: 'warning', suggestion: 'rename the file base.yaml, or set id: other' });
    expect(r.channel).toBeDefined();
    expect(check(BASE, '<stdin>').codes).toEqual([]);
  });

  it('warn about a mapped status where nothing can be done and nothing is said', () => {
    const r = check(variant(['  canceled: No action available.\n', '']));
    expect(r.codes).toEqual(['CHANNEL_STATUS_DEAD_END']);
    expect(r.findings[0]).toMatchObject({ pointer: '/statuses/canceled', severity: 'warning' });
    expect(r.channel).toBeDefined();
  });

  it('warn about a list no field uses', () => {
    const r = check(variant(['lists:\n', 'lists:\n  unused:\n    kind: enum\n    values: [ { code: A, label: A } ]\n']));
    expect(r.codes).toEqual(['CHANNEL_LIST_UNUSED']);
  });

  it('count line_statuses as mapped for actions', () => {
    const r = check(variant(['status_notes:\n', 'line_statuses:\n  refunding: [WAITING_REFUND]\nstatus_notes:\n'], ['    when: [shipped]', '    when: [shipped, refunding]']));
    expect(r.codes).toEqual([]);
  });

  it('name the duplicated marketplace status and both places', () => {
    const r = check(variant(['  canceled: [CANCELED]', '  canceled: [CANCELED, WAITING_DEBIT_PAYMENT]']));
    expect(r.codes).toEqual(['CHANNEL_STATUS_MAPPED_TWICE']);
    expect(r.findings[0]!.message).toContain('`statuses.accepted` and again to `statuses.canceled`');
  });

  it('refuse instead advice towards an action the channel does not define', () => {
    const r = check(variant(['  refuse:\n    when: [waiting_acceptance]\n', ''], ['      waiting_acceptance: refuse\n', '      waiting_acceptance: accept\n'], ['    instead:\n', '    instead:\n      accepted: refuse\n']));
    expect(r.codes).toEqual(['CHANNEL_INSTEAD_NOT_ALLOWED']);
    expect(r.findings[0]!.message).toContain('the channel does not define `refuse`');
  });

  it('check ignored_when_registered against the fields of each status, overrides included', () => {
    const moved = variant(
      ['      carrier: { type: carrier, required: true, values: carriers }\n', ''],
      ['  refund:\n', '    by_status:\n      waiting_shipment:\n        fields:\n          carrier: { type: carrier, required: true, values: carriers }\n  refund:\n'],
    );
    expect(check(moved).codes).toEqual([]);
    const sibling = check(variant(['      carrier: { type: carrier, required: true, values: carriers }', '      carrier: { type: carrier, required: true, free_values: true }'], ['lists:\n  carriers:', 'lists:\n  carriers_unused:']));
    expect(sibling.codes).toContain('CHANNEL_FIELD_SIBLING_MISSING');
    expect(sibling.findings.find((f) => f.code === 'CHANNEL_FIELD_SIBLING_MISSING')!.message).toContain('has no `values`');
  });

  it('check defaults against the field type and its valid values', () => {
    const notInList = check(variant(['values: reasons }', 'values: reasons, default: "99" }']));
    expect(notInList.codes).toEqual(['CHANNEL_FIELD_DEFAULT_INVALID']);
    expect(notInList.findings[0]!.suggestion).toBe('use one of `15` or `16`');
    expect(check(variant(['values: reasons }', 'values: reasons, default: "15" }'])).codes).toEqual([]);
  });

  it('refuse `values:` on a boolean: the doc would say Y/N while the runtime takes true/false', () => {
    const text = variant(['refund_shipping: { type: boolean, default: false }', 'refund_shipping: { type: boolean, default: false, values: [{ code: "Y", label: Yes }, { code: "N", label: No }] }']);
    const r = check(text);
    expect(r.codes).toEqual(['CHANNEL_FIELD_VALUES_ON_BOOLEAN']);
    const line = text.split('\n').findIndex((l) => l.includes('values: [{ code: "Y"')) + 1;
    expect(r.findings[0]).toMatchObject({ severity: 'error', line, pointer: expect.stringMatching(/refund_shipping\/values$/) });
    expect(r.channel).toBeUndefined();
  });

  it('refuse an impossible length range', () => {
    const r = check(variant(['{ type: string, required: true }', '{ type: string, required: true, min_length: 10, max_length: 5 }']));
    expect(r.codes).toEqual(['CHANNEL_FIELD_LENGTH_RANGE']);
  });

  it('find duplicate codes in inline values and fulfilment modes too', () => {
    const r = check(variant(
      ['    - { code: FBM, label: Fulfilled by the marketplace }', '    - { code: FBM, label: Fulfilled by the marketplace }\n    - { code: FBM, label: Again }'],
      ['{ type: boolean, default: false }', '{ type: enum, values: [ { code: A, label: A }, { code: A, label: B } ] }'],
    ));
    expect(r.codes).toEqual(['CHANNEL_LIST_DUPLICATE_CODE', 'CHANNEL_LIST_DUPLICATE_CODE']);
    expect(r.findings.map((f) => f.pointer)).toEqual(['/fulfillment/modes/1/code', '/actions/refund/fields/refund_shipping/values/1/code']);
  });

  it('refuse a rule scoped to a status that is not mapped', () => {
    const r = check(variant(['    actions: [accept]', '    actions: [accept]\n    when: [refunded]']));
    expect(r.codes).toEqual(['CHANNEL_STATUS_UNMAPPED']);
    expect(r.findings[0]!.pointer).toBe('/rules/0/when/0');
  });

  it('report every semantic problem at once, in source order', () => {
    const r = check(variant(['platform: mirakl', 'platform: mirakel'], ['lookback: P2D', 'lookback: PT1M'], ['values: reasons }', 'values: reasonz }']));
    expect(r.codes).toEqual(['CHANNEL_UNKNOWN_PLATFORM', 'CHANNEL_WINDOW_LOOKBACK_SHORT', 'CHANNEL_LIST_UNUSED', 'CHANNEL_LIST_UNKNOWN']);
    expect(r.findings.map((f) => f.line)).toEqual([...r.findings.map((f) => f.line)].sort((a, b) => a - b));
  });

  it('stop at the first layer with errors: no semantic finding while the schema fails', () => {
    const r = check(variant(['platform: mirakl', 'platform: mirakel'], ['name: Fixture', 'name: ""']));
    expect(r.codes).toEqual(['SCHEMA_EMPTY']);
  });

  it('know the platforms beside a channel file, and accept a platform list from the caller', () => {
    const rich = path.resolve(import.meta.dirname, 'fixtures/channels/valid/rich.yaml');
    expect(knownPlatforms(rich)).toEqual(expect.arrayContaining(['acme', 'mirakl', 'octopia']));
    expect(knownPlatforms()).toEqual(expect.arrayContaining(['mirakl', 'octopia']));
    expect(knownPlatforms()).not.toContain('acme');
    expect(check(variant(['platform: mirakl', 'platform: shopee']), 'base.yaml', { platforms: ['shopee'] }).codes).toEqual([]);
  });
});
