/**
 * `orderwire test [files|dirs]`: runs channel test files (<channel>.test.yaml), reports each case,
 * what differs when one fails, and which (status, action) pairs no case exercises.
 */
import type { Command } from 'commander';
import { CHANNELS_DIR } from '../../channel/load.ts';
import { OrderwireError } from '../../errors.ts';
import { findTestFiles, loadTestFile } from '../../rules/channel-tests/load.ts';
import { junitReport, textReport } from '../../rules/channel-tests/report.ts';
import { runTestFiles } from '../../rules/channel-tests/run.ts';
import { EXIT } from '../exit-codes.ts';

interface TestOptions {
  format: string;
  minCoverage?: string;
}

export function register(program: Command): void {
  program
    .command('test')
    .description('Run channel test files (<channel>.test.yaml): each case submits an action on an order in a status and states the verdict. Reports failures with the difference and the (status, action) pairs no case covers. Exit 1 when a case fails or a file is invalid.')
    .argument('[paths...]', 'test files or folders searched recursively for *.test.yaml (default: the shipped channels/)')
    .option('--format <format>', 'text, or junit (JUnit XML on stdout, for CI)', 'text')
    .option('--min-coverage <percent>', 'also fail when a channel\'s (status, action) coverage is below this percentage')
    .action(async (paths: string[], opts: TestOptions) => {
      if (opts.format !== 'text' && opts.format !== 'junit') throw new OrderwireError('USAGE', `--format must be text or junit, not "${opts.format}"`);
      const minCoverage = opts.minCoverage === undefined ? 0 : Number(opts.minCoverage);
      if (!Number.isFinite(minCoverage) || minCoverage < 0 || minCoverage > 100) throw new OrderwireError('USAGE', `--min-coverage takes a percentage from 0 to 100, not "${opts.minCoverage}"`);
      const files = await findTestFiles(paths.length > 0 ? paths : [CHANNELS_DIR]);
      if (files.length === 0) throw new OrderwireError('USAGE', `no *.test.yaml file in ${paths.join(', ') || CHANNELS_DIR}`);
      const summary = await runTestFiles(await Promise.all(files.map(loadTestFile)));
      const lowCoverage = summary.coverage.filter((c) => c.total > 0 && (c.covered / c.total) * 100 < minCoverage);
      if (opts.format === 'junit') {
        process.stdout.write(junitReport(summary));
      } else {
        process.stdout.write(textReport(summary));
        for (const c of lowCoverage) process.stdout.write(`coverage of ${c.channel} is below --min-coverage ${minCoverage}%\n`);
      }
      const failed = summary.failed > 0 || summary.invalid > 0 || lowCoverage.length > 0;
      process.exitCode = failed ? EXIT.FINDINGS : EXIT.OK;
    });
}
