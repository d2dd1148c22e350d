/**
 * Memory per id of the listing's set of handed-over ids (engine/connector/id-set.ts) against the
 * plain `Set<string>` it replaced: N Mirakl-shaped order ids (`000123457-A`, as the simulator and
 * Worten make them, parsed from JSON as a listing receives them) added to each kind of set, in a
 * fresh process per kind, then measured after a full GC. Prints one JSON line per kind; `none`
 * parses the same ids and keeps none of them: the RSS its garbage leaves is the baseline the other
 * two kinds' RSS growth is read against.
 *
 *   npx node --expose-gc bench/memory-ids.ts [--ids 1000000]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { IdSet } from '../engine/connector/id-set.ts';

const { values } = parseArgs({ options: { ids: { type: 'string', default: '1000000' }, kind: { type: 'string' } } });
const n = Number(values.ids);

function measure(kind: 'IdSet' | 'Set' | 'none'): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  const before = process.memoryUsage();
  const set = kind === 'IdSet' ? new IdSet() : kind === 'Set' ? new Set<string>() : { size: 0, add: (id: string) => id.length };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    // Each id a string of its own, as JSON.parse gives one per record.
    set.add(JSON.parse(`"${String(i * 7 + 100_000_000).padStart(9, '0')}-A"`) as string);
  }
  const ms = performance.now() - t0;
  gc();
  const after = process.memoryUsage();
  const perId = (k: keyof NodeJS.MemoryUsage) => Math.round(((after[k] - before[k]) / n) * 10) / 10;
  console.log(JSON.stringify({ kind, ids: set.size, rssBytesPerId: perId('rss'), heapTotalBytesPerId: perId('heapTotal'), heapUsedBytesPerId: perId('heapUsed'), arrayBufferBytesPerId: perId('arrayBuffers'), nsPerAdd: Math.round((ms * 1e6) / n) }));
}

if (values.kind === 'IdSet' || values.kind === 'Set' || values.kind === 'none') {
  measure(values.kind);
} else {
  for (const kind of ['none', 'Set', 'IdSet']) {
    process.stdout.write(execFileSync(process.execPath, ['--expose-gc', import.meta.filename, '--ids', String(n), '--kind', kind], { encoding: 'utf8' }));
  }
}
