/**
 * Run as a child process by test/document-store.test.ts: opens the store named by argv[2] (an
 * SQLite file or a PostgreSQL URL, with argv[3] its schema) and streams an endless document into
 * the database document store, printing "written N" after each chunk, until it is killed.
 */
import { Readable } from 'node:stream';
import { DatabaseDocumentStore, type ChunkStore } from '../../engine/store/database-documents.ts';
import { openPostgresStore } from '../../engine/store/postgres/index.ts';
import { openSqliteStore } from '../../engine/store/sqlite/index.ts';

const [spec, schema] = process.argv.slice(2) as [string, string?];
const store = spec.startsWith('postgres') ? await openPostgresStore(spec, { ...(schema && { schema }), max: 1 }) : await openSqliteStore(spec);
let written = 0;
const counting: ChunkStore = {
  ...store,
  writeFileChunk: async (content, seq, data) => {
    await store.writeFileChunk(content, seq, data);
    process.stdout.write(`written ${++written}\n`);
  },
};
const block = Buffer.alloc(64 * 1024, 0x25);
async function* endless() {
  for (;;) {
    yield block;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
await new DatabaseDocumentStore(counting).put(Readable.from(endless()), { file_name: 'never.pdf', content_type: 'application/pdf', maxBytes: Number.MAX_SAFE_INTEGER });
