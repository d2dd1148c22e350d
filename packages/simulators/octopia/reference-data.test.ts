import { describe, expect, it } from 'vitest';
import { carrierByName } from './reference-data.ts';

// That these lists match channels/cdiscount.yaml is orderwire's concern, checked over HTTP by
// test/channel-cdiscount-lists.test.ts at the repository root.
describe('Octopia reference data', () => {
  it('matches carrier names without regard to case or surrounding spaces', () => {
    expect(carrierByName(' colissimo ')?.code).toBe('14');
    expect(carrierByName('Colissimo Express')).toBeUndefined();
  });
});
