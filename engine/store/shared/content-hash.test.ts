/**
 * The content hash written through the scratch buffer against the definition (SHA-256 of the
 * joined texts as UTF-8): the same digest for any texts, wide and astral characters and lone
 * surrogates included, across the scratch buffer's growth and past its cap.
 */
import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyText } from '../../../test/helpers/text-arbitraries.ts';
import { contentHash } from './content-hash.ts';

const definition = (document: string, raw: string) => hash('sha256', `${document}\n${raw}`, 'base64url');

describe('contentHash', () => {
  it('is the SHA-256 of the joined texts, for any texts', () => {
    fc.assert(fc.property(anyText, anyText, (document, raw) => {
      expect(contentHash(document, raw)).toBe(definition(document, raw));
    }), { numRuns: 2_000 });
  });

  it('hashes texts too large for its scratch buffer the same way', () => {
    const document = `{"title":"${'é'.repeat(200_000)}"}`;
    const raw = `{"note":"${'😀'.repeat(100_000)}"}`;
    expect(contentHash(document, raw)).toBe(definition(document, raw));
    expect(contentHash('{}', 'null')).toBe(definition('{}', 'null'));
  });
});
