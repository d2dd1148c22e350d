/**
 * The SQLite feed page (engine/store/sqlite/api.ts listOrderFeed) relies on group_concat taking
 * rows in the subquery's order, which SQLite does not promise: a page that came back in another
 * order is put back in change order. Its closings become members placed before the document's,
 * so a closing that is not `,<members>}` is refused rather than rendered into broken JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inChangeOrder } from '../engine/store/sqlite/api.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';

describe('inChangeOrder', () => {
  it('sorts NUL-separated items by their change_seq, keeping each item whole', () => {
    const items = Buffer.from(['{"n":3,"s":"ü"}', '{"n":1}', '{"n":2,"x":""}'].join('\0'));
    const sorted = inChangeOrder(items, [30, 10, 20]);
    expect(sorted.seqs).toEqual([10, 20, 30]);
    expect(sorted.items.toString('utf8').split('\0')).toEqual(['{"n":1}', '{"n":2,"x":""}', '{"n":3,"s":"ü"}']);
    expect(inChangeOrder(Buffer.from('{"n":1}'), [1]).items.toString()).toBe('{"n":1}');
  });
});

describe('listOrderFeed closings', () => {
  it('refuses a closing that does not start with a comma and end with a brace (STORE_ARGUMENT_INVALID)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orderwire-feed-closings-'));
    const store = await openSqliteStore(path.join(dir, 'store.sqlite'));
    try {
      await store.migrate();
      const good = ',"c":1}';
      for (const bad of ['"c":1}', ',"c":1', '']) {
        await expect(store.listOrderFeed({ limit: 10 }, { flag_action: 'upload_invoice', closings: { absent: good, true: good, false: bad } }))
          .rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      }
      expect(await store.listOrderFeed({ limit: 10 }, { flag_action: 'upload_invoice', closings: { absent: good, true: good, false: good } })).toMatchObject({ count: 0 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
