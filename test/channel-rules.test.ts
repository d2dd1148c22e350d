/** Custom rules compile check: conditions must build with json-rules-engine, with known operators and facts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_FACTS } from '../engine/channel/rules-check.ts';
import { validateChannelText, type ValidateOptions } from '../engine/channel/validate.ts';

const BASE = readFileSync(path.resolve(import.meta.dirname, 'fixtures/channels/valid/base.yaml'), 'utf8');
const CONDITION = '        - { fact: selection, path: $.unselected, operator: greaterThan, value: 0 }';

/** The base channel with its one rule's conditions replaced by `yaml` (indented under `conditions:`). */
function withConditions(yaml: string, options: ValidateOptions = {}) {
  const text = BASE.replace(`      all:\n${CONDITION}`, yaml);
  const result = validateChannelText(text, 'base.yaml', options);
  return { ...result, codes: result.findings.map((f) => f.code) };
}

describe('custom rules check', () => {
  it('accepts every json-rules-engine construct: all, any, not, decorated operators, fact references', () => {
    const r = withConditions([
      '      any:',
      '        - { fact: data, path: $.carrier, operator: in, value: [UPS, DHL] }',
      '        - not: { fact: order, path: $.total, operator: lessThanInclusive, value: { fact: data, path: $.amount } }',
      '        - all:',
      '            - { fact: lines, operator: someValue:equal, value: "1" }',
      '            - { fact: status, operator: not:equal, value: shipped }',
      '            - { fact: action, operator: doesNotContain, value: x }',
    ].join('\n'));
    expect(r.findings).toEqual([]);
    expect(r.channel?.rules[0]!.conditions).toHaveProperty('any');
  });

  it('reports an unknown operator at the operator, with the closest one', () => {
    const r = withConditions('      all:\n        - { fact: data, path: $.carrier, operator: equals, value: UPS }');
    expect(r.codes).toEqual(['CHANNEL_RULE_UNKNOWN_OPERATOR']);
    expect(r.findings[0]).toMatchObject({ pointer: '/rules/0/conditions/all/0/operator', line: 65, suggestion: 'did you mean `equal`?' });
  });

  it('accepts operators the rules engine registers when told about them', () => {
    const yaml = '      all:\n        - { fact: data, path: $.country, operator: isCountry, value: true }';
    expect(withConditions(yaml).codes).toEqual(['CHANNEL_RULE_UNKNOWN_OPERATOR']);
    expect(withConditions(yaml, { extraOperators: ['isCountry'] }).codes).toEqual([]);
  });

  it('reports unknown facts, including in a fact reference used as value', () => {
    const r = withConditions('      all:\n        - { fact: data, path: $.amount, operator: lessThan, value: { fact: totals, path: $.x } }');
    expect(r.codes).toEqual(['CHANNEL_RULE_UNKNOWN_FACT']);
    expect(r.findings[0]!.pointer).toBe('/rules/0/conditions/all/0/value/fact');
    expect(r.findings[0]!.message).toContain(RULE_FACTS.join('`, `').slice(0, 20));
  });

  it('reports a misspelt condition key and a named condition', () => {
    const typo = withConditions('      all:\n        - { fact: data, path: $.x, opertor: equal, value: 1 }');
    expect(typo.codes).toEqual(['CHANNEL_RULE_INVALID', 'CHANNEL_RULE_INVALID']);
    expect(typo.findings.map((f) => f.suggestion)).toContain('did you mean `operator`?');
    const named = withConditions('      all:\n        - { condition: isBig }');
    expect(named.codes).toEqual(['CHANNEL_RULE_INVALID']);
    expect(named.findings[0]!.message).toContain('named conditions');
  });

  it('reports nested boolean operators used together and non-list all/any', () => {
    const both = withConditions('      all:\n        - { all: [], any: [] }');
    expect(both.codes).toEqual(['CHANNEL_RULE_INVALID']);
    expect(both.findings[0]!.pointer).toBe('/rules/0/conditions/all/0');
    const notList = withConditions('      all:\n        - any: { fact: data, operator: equal, value: 1 }');
    expect(notList.codes).toEqual(['CHANNEL_RULE_INVALID']);
    expect(notList.findings[0]!.message).toContain('must be a list of conditions');
  });

  it('reports a path that is not JSONPath with the corrected path', () => {
    const r = withConditions('      all:\n        - { fact: order, path: .delivered_by_marketplace, operator: equal, value: true }');
    expect(r.findings[0]).toMatchObject({ code: 'CHANNEL_RULE_BAD_PATH', suggestion: 'write `$.delivered_by_marketplace`' });
  });
});
