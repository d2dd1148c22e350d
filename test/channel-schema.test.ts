/** The schema layer: readable findings from ajv errors, suggestions, collapsed oneOf noise. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../engine/documents/yaml.ts';
import { guessDuration, schemaFindings } from '../engine/documents/schema-findings.ts';
import { compiledSchema } from '../engine/documents/schemas.ts';
import { channelNamer } from '../engine/channel/where.ts';
import { closest, levenshtein } from '../engine/documents/suggest.ts';

const BASE = readFileSync(path.resolve(import.meta.dirname, 'fixtures/channels/valid/base.yaml'), 'utf8');

function findingsOf(...replacements: [string, string][]) {
  let text = BASE;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`base has no ${from}`);
    text = text.replace(from, to);
  }
  return schemaFindings(parseYaml(text, 'base.yaml'), 'channel', channelNamer);
}

describe('schema findings', () => {
  it('accepts the base channel', () => {
    expect(findingsOf()).toEqual([]);
  });

  it('names an unknown key, where it sits, and the closest known key', () => {
    const [f] = findingsOf(['      refund_shipping: { type: boolean, default: false }', '      refund_shipping: { type: boolean, defualt: false }']);
    expect(f).toMatchObject({ code: 'SCHEMA_UNKNOWN_KEY', pointer: '/actions/refund/fields/refund_shipping/defualt', suggestion: 'did you mean `default`?' });
    expect(f!.message).toBe('unknown key `defualt` in field `refund_shipping` of action `refund`');
    expect(f!.message).not.toMatch(/must NOT/);
  });

  it('lists the allowed keys when nothing is close', () => {
    const [f] = findingsOf(['  catch_up: { every: P1D, lookback: P2D }', '  catch_up: { every: P1D, lookback: P2D, zzzzzz: 1 }']);
    expect(f!.suggestion).toBe('keys allowed here: `every` or `lookback`');
  });

  it('suggests the normalized status closest to a typo, as a key or as a value', () => {
    const [key] = findingsOf(['  canceled: [CANCELED]', '  cancelled: [CANCELED]']);
    expect(key).toMatchObject({ code: 'SCHEMA_INVALID_VALUE', pointer: '/statuses/cancelled', suggestion: 'did you mean `canceled`?' });
    expect(key!.message).toContain('is not a normalized status');
    const [value] = findingsOf(['    when: [shipped]', '    when: [Shipped]']);
    expect(value).toMatchObject({ code: 'SCHEMA_INVALID_VALUE', pointer: '/actions/refund/when/0', suggestion: 'did you mean `shipped`?' });
  });

  it('says which required key is missing and what it is for', () => {
    const [f] = findingsOf(['  catch_up: { every: P1D, lookback: P2D }', '  catch_up: { every: P1D }']);
    expect(f).toMatchObject({ code: 'SCHEMA_MISSING_KEY', pointer: '/retrieval/catch_up', line: 7, column: 3 });
    expect(f!.message).toContain('`lookback`');
    expect(f!.message).toContain('How far back the catch-up reads');
  });

  it('asks to quote numeric codes', () => {
    const [f] = findingsOf(['{ code: "16", label: Damaged }', '{ code: 16, label: Damaged }']);
    expect(f).toMatchObject({ code: 'SCHEMA_WRONG_TYPE', suggestion: 'quote it: "16"' });
  });

  it('reports one type error for a value matching no branch of a oneOf', () => {
    const findings = findingsOf(['values: carriers }', 'values: true }']);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/must be a text or a list .*, not `true`/);
  });

  it('keeps only the errors of the branch a oneOf value was meant for', () => {
    const findings = findingsOf(['values: carriers }', 'values: [ { code: X } ] }']);
    expect(findings.map((f) => f.code)).toEqual(['SCHEMA_MISSING_KEY']);
    expect(findings[0]!.message).toContain('`label`');
  });

  it('reports only the type when a value of the wrong type also fails its enum', () => {
    const findings = findingsOf(['    lines: optional', '    lines: 3']);
    expect(findings.map((f) => f.code)).toEqual(['SCHEMA_WRONG_TYPE']);
  });

  it('explains durations and guesses the ISO form', () => {
    const [f] = findingsOf(['lookback: P2D', 'lookback: 2 days']);
    expect(f).toMatchObject({ code: 'SCHEMA_BAD_DURATION', suggestion: 'did you mean `P2D`?' });
    expect(guessDuration('15min')).toBe('did you mean `PT15M`?');
    expect(guessDuration('1h')).toBe('did you mean `PT1H`?');
    expect(guessDuration('pt15m')).toBe('write it in capitals: `PT15M`');
    expect(guessDuration('P1Y')).toMatch(/P365D/);
    expect(guessDuration('P2M')).toMatch(/PT2M/);
  });

  it('points at the repeated item of a list that must be unique', () => {
    const [f] = findingsOf(['  accepted: [WAITING_DEBIT_PAYMENT]', '  accepted: [WAITING_DEBIT_PAYMENT, PAID, WAITING_DEBIT_PAYMENT]']);
    expect(f).toMatchObject({ code: 'SCHEMA_DUPLICATE_ITEM', pointer: '/statuses/accepted/2', column: 43 });
  });

  it('reports every schema problem of a file at once', () => {
    const findings = findingsOf(['name: Fixture', 'nmae: Fixture'], ['    lines: optional', '    lines: some'], ['lookback: P2D', 'lookback: 2d']);
    expect(findings.map((f) => f.code).sort()).toEqual(['SCHEMA_BAD_DURATION', 'SCHEMA_INVALID_VALUE', 'SCHEMA_MISSING_KEY', 'SCHEMA_UNKNOWN_KEY']);
  });

  it('refuses a document that is not a mapping', () => {
    const [f] = schemaFindings(parseYaml('- a\n- b\n', 'list.yaml'), 'channel', channelNamer);
    expect(f).toMatchObject({ code: 'SCHEMA_WRONG_TYPE', pointer: '' });
    expect(f!.message).toContain('the channel must be a mapping');
  });

  it('compiles the schema once per process', () => {
    expect(compiledSchema('channel')).toBe(compiledSchema('channel'));
  });
});

describe('did-you-mean', () => {
  it('measures edit distance', () => {
    expect(levenshtein('refund_reasn', 'refund_reason')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('suggests only plausible typos', () => {
    expect(closest('waiting_acceptence', ['waiting_acceptance', 'accepted'])).toBe('waiting_acceptance');
    expect(closest('REFUND', ['refund', 'refuse'])).toBe('refund');
    expect(closest('xyz', ['refund', 'refuse'])).toBeUndefined();
  });
});
