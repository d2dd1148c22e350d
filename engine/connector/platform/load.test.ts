import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OrderwireError } from '../../errors.ts';
import { loadPlatform, parsePlatform, PLATFORMS_DIR } from './load.ts';

const mirakl = readFileSync(`${PLATFORMS_DIR}/mirakl.yaml`, 'utf8');
const kaufland = readFileSync(`${PLATFORMS_DIR}/kaufland.yaml`, 'utf8');

function findings(text: string): Array<{ line: number; column: number; message: string }> {
  try {
    parsePlatform(text, 'p.yaml');
  } catch (err) {
    if (err instanceof OrderwireError) return (err.details.findings as Array<{ line: number; column: number; message: string }>) ?? [];
    throw err;
  }
  return [];
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('platform files', () => {
  it('the shipped platforms load, every strategy selected and compiled', async () => {
    for (const name of ['mirakl', 'octopia']) {
      const platform = await loadPlatform(name);
      expect(platform.id).toBe(name);
      expect(Object.keys(platform.actions)).toEqual(expect.arrayContaining(['accept', 'refuse', 'ship', 'refund']));
      // Every action the platform sends says how a read-back proves it took effect.
      expect(Object.keys(platform.effects).sort()).toEqual(Object.keys(platform.actions).sort());
      expect(Object.isFrozen(platform)).toBe(true);
    }
  });

  it('an action without an effect check is refused at load, located, naming what to add', () => {
    const text = mirakl.replace(/\n {2}cancel:\n {4}# OR29 cancels[\s\S]*?lines_except: \[REFUSED, CANCELED\]\n/, '\n');
    expect(text).not.toBe(mirakl);
    const [f] = findings(text);
    expect(f).toMatchObject({ code: 'PLATFORM_INCONSISTENT', pointer: '/effects' });
    expect(f?.message).toMatch(/^`effects`: actions\.cancel has no effect check: add effects\.cancel/);
    // Located at the effects mapping (its first entry).
    expect(f?.line).toBe(lineOf(text, 'effects:') + 1);
  });

  it('an effect check is validated like the rest: its type, its fields, its tracking step', () => {
    expect(findings(mirakl.replace('type: line_refunds', 'type: line_refund'))[0]?.message).toMatch(/`effects\.refund\.type`/);
    expect(findings(mirakl.replace('tracking_step: OR23', 'tracking_step: OR99'))[0]?.message).toMatch(/`effects\.ship\.otherwise\.tracking_step`: "OR99" is not one of the action's requests \(OR23, OR24, ST01\)/);
    expect(findings(mirakl.replace('quantity: ${line.requested.quantity}\n    amount:', 'quantity: ${lines.requested.quantity}\n    amount:'))[0]?.message).toMatch(/`effects\.refund\.quantity`: .*"lines", which is not in scope/);
  });

  it('an unknown platform is PLATFORM_NOT_FOUND', async () => {
    await expect(loadPlatform('nope')).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
  });

  it('an unknown key is reported at its line and column', () => {
    const text = mirakl.replace('  credential: api_key\n', '  credential: api_key\n  credentail: x\n');
    const [first, ...rest] = findings(text);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ line: lineOf(text, 'credentail: x'), column: 3 });
    expect(first).toMatchObject({ code: 'SCHEMA_UNKNOWN_KEY', suggestion: 'did you mean `credential`?' });
    expect(first?.message).toBe('unknown key `credentail` in `auth`');
  });

  it('a wrong strategy type names the allowed ones', () => {
    const text = mirakl.replace('type: offset_total', 'type: offset');
    const all = findings(text);
    expect(all[0]).toMatchObject({ line: lineOf(text, 'type: offset') });
    expect(all.map((f) => f.message).join('\n')).toContain('allowed: `offset_total`, `page_index_short_page` or `cursor`');
  });

  it('a mapping missing a required field says which', () => {
    const text = mirakl.replace('  currency: currency_iso_code\n', '');
    expect(findings(text).map((f) => f.message)).toContain('`mapping` is missing the required key `currency` (ISO 4217 currency code)');
  });

  it('a template reference out of scope is located (compile step)', () => {
    const text = mirakl.replace('tracking_number: ${request.data.tracking_number}', 'tracking_number: ${credentials.api_key}');
    const [f] = findings(text);
    expect(f).toMatchObject({ line: lineOf(text, '${credentials.api_key}') });
    expect(f?.message).toMatch(/`actions\.ship\[0\]\.body\.tracking_number`: .*"credentials", which is not in scope/);
    expect(f).toMatchObject({ code: 'PLATFORM_TEMPLATE_REFERENCE' });
  });

  it('a YAML syntax error is PLATFORM_SYNTAX with its position', () => {
    try {
      parsePlatform('id: x\nname: [unclosed\n', 'bad.yaml');
      expect.unreachable();
    } catch (err) {
      expect((err as OrderwireError).code).toBe('PLATFORM_SYNTAX');
      expect((err as Error).message).toMatch(/^bad\.yaml:\d+:\d+: /);
    }
  });

  it('messages are file:line:column: path: problem', () => {
    const text = mirakl.replace('page_size: 100', 'page_size: 0');
    try {
      parsePlatform(text, 'channels/platforms/mirakl.yaml');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(`channels/platforms/mirakl.yaml:${lineOf(text, 'page_size: 0')}:16: \`list_orders.pagination.page_size\` must be >= 1 [SCHEMA_OUT_OF_RANGE]`);
    }
  });
});

describe('platform schema messages', () => {
  it('a value expression that fits no form gets one message listing the forms', () => {
    const all = findings(mirakl.replace('currency: currency_iso_code', 'currency: { pth: x }'));
    expect(all).toHaveLength(1);
    expect(all[0]?.message).toMatch(/^`mapping\.currency` is not a valid value: .*\{path, transform, default\}, \{const\}/);
  });

  it('within the form the author meant, only that form\'s problems', () => {
    expect(findings(mirakl.replace('currency: currency_iso_code', 'currency: { path: x, trnsform: number }')).map((f) => f.message)).toEqual(['unknown key `trnsform` in `mapping.currency`']);
    expect(findings(mirakl.replace('transform: country_alpha2 }, { path: country,', 'transform: alpha2 }, { path: country,')).map((f) => f.message)).toEqual([
      '`alpha2` is not a transform (`mapping.billing_address.country.first[0].transform`); allowed: `datetime`, `number`, `string`, `boolean`, `country_alpha2`, `country_unresolved`, `upper`, `lower`, `trim`, `locale` or `cents`',
    ]);
    expect(findings(mirakl.replace('currency: currency_iso_code', 'currency: a..b'))[0]?.message).toMatch(/^`mapping\.currency` "a\.\.b" is not in the required form: A dotted path/);
  });

  it('a request signature is checked at load: its references, a header carrying it, never the secret sent', () => {
    const typo = kaufland.replace('"${method}\\n${url}\\n${body}', '"${method}\\n${url}\\n${bdy}');
    expect(typo).not.toBe(kaufland);
    const [f] = findings(typo);
    expect(f).toMatchObject({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(typo, '${bdy}') });
    expect(f?.message).toMatch(/`auth\.string_to_sign`: "\$\{bdy\}" refers to "bdy", which is not in scope here/);
    expect(JSON.stringify(f)).toContain('body');

    const unsigned = kaufland.replace('    Shop-Signature: ${signature}\n', '');
    expect(findings(unsigned)[0]?.message).toMatch(/`auth\.headers`: no header carries the signature/);

    const leak = kaufland.replace('Shop-Client-Key: { credential: client_key }', 'Shop-Client-Key: { credential: secret_key }');
    const [l] = findings(leak);
    expect(l).toMatchObject({ code: 'PLATFORM_INCONSISTENT', line: lineOf(leak, 'Shop-Client-Key:') });
    expect(l?.message).toMatch(/would send the secret itself/);

    expect(findings(kaufland.replace('encoding: hex', 'encoding: base32'))[0]?.message).toMatch(/`auth\.encoding`/);
  });

  it('a `when` membership test is a reference and a list, checked like any template', () => {
    const text = kaufland.replace('when: { $in: ["${line.marketplace_status}", [need_to_be_sent]] }', 'when: { $in: ["${lines.marketplace_status}", [need_to_be_sent]] }');
    expect(text).not.toBe(kaufland);
    const [f] = findings(text);
    expect(f).toMatchObject({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(text, '${lines.marketplace_status}') });
    expect(findings(kaufland.replace('[need_to_be_sent]] }', 'need_to_be_sent] }'))[0]?.message).toMatch(/`actions\.ship\[0\]\.when\.\$in\[1\]`/);
  });
});
