/** The YAML layer: positions of keys and values, duplicate keys, syntax errors, pointers. */
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../engine/documents/yaml.ts';
import { dottedPath, fromPointer, toPointer } from '../engine/documents/pointer.ts';

const TEXT = [
  'id: demo', // 1
  'actions:', // 2
  '  refund:', // 3
  '    when: [accepted, shipped]', // 4
  '    by_status:', // 5
  '      accepted:', // 6
  '        fields:', // 7
  '          reason:', // 8
  '            type: reason', // 9
  '            values: [ { code: A, label: "Out of stock" } ]', // 10
  'lists:', // 11
  '  "a/b~c":', // 12
  '    kind: reason', // 13
].join('\n');

describe('parseYaml', () => {
  const parsed = parseYaml(TEXT, 'demo.yaml');

  it('returns plain data and no finding for well-formed YAML', () => {
    expect(parsed.findings).toEqual([]);
    expect(parsed.data).toMatchObject({ id: 'demo', actions: { refund: { when: ['accepted', 'shipped'] } } });
  });

  it('locates a value by JSON pointer, 1-based, end exclusive', () => {
    expect(parsed.locate('/actions/refund/by_status/accepted/fields/reason/values')).toEqual({ line: 10, column: 21, endLine: 10, endColumn: 59 });
    expect(parsed.locate('/actions/refund/when/1')).toEqual({ line: 4, column: 22, endLine: 4, endColumn: 29 });
    expect(parsed.locate('/actions/refund/by_status/accepted/fields/reason/values/0/label')).toEqual({ line: 10, column: 41, endLine: 10, endColumn: 55 });
  });

  it('locates the key itself when asked (unknown keys point at the key)', () => {
    expect(parsed.locate('/actions/refund/by_status/accepted/fields/reason/type', 'key')).toEqual({ line: 9, column: 13, endLine: 9, endColumn: 17 });
    expect(parsed.locate('/actions/refund', 'key')).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 9 });
  });

  it('underlines only the first line of a block value', () => {
    expect(parsed.locate('/actions/refund')).toEqual({ line: 4, column: 5, endLine: 4, endColumn: 30 });
  });

  it('falls back to the nearest existing ancestor for a missing node', () => {
    expect(parsed.locate('/actions/refund/fields/nothing', 'key')).toEqual(parsed.locate('/actions/refund', 'key'));
  });

  it('escapes ~ and / in pointers (RFC 6901)', () => {
    expect(toPointer(['lists', 'a/b~c', 'kind'])).toBe('/lists/a~1b~0c/kind');
    expect(fromPointer('/lists/a~1b~0c/kind')).toEqual(['lists', 'a/b~c', 'kind']);
    expect(parsed.locate(toPointer(['lists', 'a/b~c', 'kind']))).toEqual({ line: 13, column: 11, endLine: 13, endColumn: 17 });
    expect(dottedPath('/lists/carriers/values/2/code')).toBe('lists.carriers.values[2].code');
  });

  it('reports a duplicate key at the second occurrence, naming the first line', () => {
    const dup = parseYaml('id: a\nstatuses:\n  new: [A]\n  new: [B]\n', 'dup.yaml');
    expect(dup.findings).toHaveLength(1);
    expect(dup.findings[0]).toMatchObject({ code: 'YAML_DUPLICATE_KEY', line: 4, column: 3, endColumn: 6, pointer: '/statuses/new', severity: 'error' });
    expect(dup.findings[0]!.message).toContain('first defined on line 3');
    expect(dup.data).toBeUndefined();
  });

  it('turns syntax errors into located findings with a hint', () => {
    const bad = parseYaml('id: a\nstatuses:\n\tnew: [A]\n', 'tab.yaml');
    expect(bad.findings[0]).toMatchObject({ code: 'YAML_SYNTAX', line: 3, column: 1, suggestion: 'indent with spaces, never tabs' });
    const quote = parseYaml('id: a\nname: "Worten\n', 'quote.yaml');
    expect(quote.findings[0]).toMatchObject({ code: 'YAML_SYNTAX' });
    expect(quote.findings[0]!.message).toMatch(/quote/);
  });

  it('reports an empty document and an undefined alias', () => {
    expect(parseYaml('# nothing\n', 'e.yaml').findings[0]).toMatchObject({ code: 'YAML_EMPTY', line: 1, column: 1 });
    expect(parseYaml('', 'e.yaml').findings[0]).toMatchObject({ code: 'YAML_EMPTY' });
    expect(parseYaml('a: *missing\n', 'alias.yaml').findings[0]).toMatchObject({ code: 'YAML_SYNTAX' });
  });

  it('resolves aliases when walking a pointer', () => {
    const aliased = parseYaml('base: &b\n  when: [shipped]\nother: *b\n', 'alias.yaml');
    expect(aliased.data).toEqual({ base: { when: ['shipped'] }, other: { when: ['shipped'] } });
    expect(aliased.locate('/other/when/0')).toEqual({ line: 2, column: 10, endLine: 2, endColumn: 17 });
  });

  it('gives the text of a line for quoting', () => {
    expect(parsed.lineText(4)).toBe('    when: [accepted, shipped]');
    expect(parsed.lineText(99)).toBe('');
  });
});
