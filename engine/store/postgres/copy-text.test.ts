import { describe, expect, it } from 'vitest';
import { copyField, copyRow } from './copy-text.ts';

describe('COPY text format', () => {
  it('escapes the four characters COPY gives a meaning to, and nothing else', () => {
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField('{"k":"line\\nnext \\"q\\""}')).toBe('{"k":"line\\\\nnext \\\\"q\\\\""}');
    expect(copyField('plain é 😀 \u0001')).toBe('plain é 😀 \u0001');
  });

  it('writes NULL as \\N, booleans as t/f, numbers as digits; a text \\N stays text', () => {
    expect([null, undefined, true, false, 42].map(copyField)).toEqual(['\\N', '\\N', 't', 'f', '42']);
    expect(copyField('\\N')).toBe('\\\\N');
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(copyRow(['id', null, 'x\ty', 3])).toBe('id\t\\N\tx\\ty\t3\n');
  });
});
