/**
 * `orderwire channels [dir] [--json]`: the channel library, one row per channel file: id, name,
 * platform, the source it is written from (its first cited source) and the (status, action)
 * coverage of its test file (<id>.test.yaml next to it), "no tests" when there is none.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { CHANNELS_DIR, loadChannels } from '../../channel/load.ts';
import { findTestFiles, loadTestFile } from '../../rules/channel-tests/load.ts';
import { runTestFiles } from '../../rules/channel-tests/run.ts';
import { renderTable } from '../table.ts';

export interface LibraryEntry {
  id: string;
  name: string;
  platform: string;
  source: string | null;
  /** Covered and total (status, action) pairs of the channel's test file; null without one. */
  coverage: { covered: number; total: number; percent: number } | null;
  /** Cases of the test file that fail (a channel with failing cases is not what its tests say). */
  failed: number;
}

export async function channelLibrary(dir: string = CHANNELS_DIR): Promise<LibraryEntry[]> {
  const channels = await loadChannels(dir);
  const testFiles = await Promise.all((await findTestFiles([dir])).filter((f) => path.dirname(f) === path.resolve(dir)).map(loadTestFile));
  const summary = await runTestFiles(testFiles);
  return channels.map((channel) => {
    const coverage = summary.coverage.find((c) => c.channel === channel.id);
    const results = summary.files.find((f) => f.file.channel?.id === channel.id)?.results ?? [];
    return {
      id: channel.id,
      name: channel.name,
      platform: channel.platform,
      source: channel.sources[0]?.url ?? null,
      coverage: coverage ? { covered: coverage.covered, total: coverage.total, percent: coverage.total === 0 ? 100 : Math.floor((coverage.covered / coverage.total) * 100) } : null,
      failed: results.filter((r) => r.differences.length > 0).length,
    };
  });
}

export function register(program: Command): void {
  program
    .command('channels')
    .description('List the channel library: each channel file\'s id, name, platform, the source it is written from, and the (status, action) coverage of its test file.')
    .argument('[dir]', 'channels folder', CHANNELS_DIR)
    .option('--json', 'print the list as JSON')
    .action(async (dir: string, options: { json?: boolean }) => {
      const library = await channelLibrary(dir);
      if (options.json) {
        process.stdout.write(JSON.stringify(library, null, 2) + '\n');
        return;
      }
      const rows = library.map((e) => [
        e.id,
        e.name,
        e.platform,
        e.coverage ? `${e.coverage.covered}/${e.coverage.total} (${e.coverage.percent}%)${e.failed > 0 ? `, ${e.failed} failing` : ''}` : 'no tests',
        e.source ?? '-',
      ]);
      process.stdout.write(renderTable(['ID', 'NAME', 'PLATFORM', 'COVERAGE', 'SOURCE'], rows));
      process.stdout.write(`\n${library.length} channels\n`);
    });
}
