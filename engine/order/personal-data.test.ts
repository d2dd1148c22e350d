/**
 * Redaction on the marketplaces' published order shapes (Mirakl OR11's example from its OpenAPI,
 * an Octopia order as its API documents it): every personal value goes from the raw payload by
 * its key alone, what the accounts need stays.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactPersonalData } from './personal-data.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/marketplace/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('redactPersonalData', () => {
  it('clears a Mirakl OR11 order (customer, contacts, addresses, notification e-mail), keeps lines and amounts', () => {
    const page = fixture('mirakl/or11-business-example.json') as { orders: Record<string, unknown>[] };
    const raw = page.orders[0]!;
    const text = JSON.stringify(redactPersonalData({ buyer: {} }, raw).raw);
    for (const value of ['Thomas', 'Anderson', 'Stella', 'Lettiere', 'MacDougal', 'NY 10012', 'Customer_id_001', 'notification.mirakl.net', 'LIMARK']) expect(text, value).not.toContain(value);
    expect(text).toContain('Breville Cafe Roma');
    expect(text).toContain(String(raw.order_id));
    expect(text).toContain(JSON.stringify(raw.total_price));
    expect(text).toContain(REDACTED);
  });

  it('clears an Octopia order (customer, billing and shipping addresses), keeps lines and amounts', () => {
    const raw = fixture('octopia/order.json');
    const text = JSON.stringify(redactPersonalData({ buyer: {} }, raw).raw);
    for (const value of ['Claire', 'Martin', 'claire.martin@example.fr', '+33612345678', 'rue de la Paix', '75002', 'C-58213']) expect(text, value).not.toContain(value);
    expect(text).toContain('SKU-KETTLE-01');
    expect(text).toContain('"sellingPrice":45.48');
  });

  it('keeps locale and countries in the document, and removes the buyer\'s values wherever the raw payload repeats them', () => {
    const document = {
      marketplace_order_id: 'X-1',
      buyer: { id: 'B-77', first_name: 'Zoé', last_name: 'Lefebvre', email: 'zoe@example.fr', phone: '0611', locale: 'fr_FR' },
      shipping_address: { name: 'Zoé Lefebvre', street_1: '3 quai Voltaire', zip_code: '75007', city: 'Paris', country: 'FR' },
      lines: [{ id: 'L1', title: 'Kettle' }],
    };
    const raw = { id: 'X-1', comment: 'Livrer à Zoé LEFEBVRE, code 1234', misc: { who: 'zoe@example.fr' }, items: [{ title: 'Kettle' }] };
    const out = redactPersonalData(document, raw);
    expect(out.document.buyer).toEqual({ locale: 'fr_FR' });
    expect(out.document.shipping_address).toEqual({ country: 'FR' });
    expect(out.document.lines).toEqual(document.lines);
    expect(out.raw).toEqual({ id: 'X-1', comment: REDACTED, misc: { who: REDACTED }, items: [{ title: 'Kettle' }] });
  });
});
