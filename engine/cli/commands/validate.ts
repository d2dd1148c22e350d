/**
 * `orderwire validate [files|dirs|-]`: check orderwire files of every kind (channels, platforms,
 * configurations, channel tests; the kind comes from each file, engine/documents/kinds.ts) and
 * report findings for people, CI annotations, or code-scanning tools.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CHANNELS_DIR } from '../../channel/load.ts';
import { KIND_NAMES, type DocumentKind } from '../../documents/kinds.ts';
import { formatHuman, type FileReport } from '../../documents/report/human.ts';
import { formatGithub, formatJson, formatSarif } from '../../documents/report/machine.ts';
import { STDIN_NAME, validatePaths } from '../../documents/workspace/validate.ts';
import { EXIT } from '../exit-codes.ts';

const FORMATS = ['human', 'json', 'github', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export { STDIN_NAME, validatePaths };

/** Paths under the working folder are shown relative to it, as editors and CI expect. */
function display(file: string): string {
  if (file === STDIN_NAME) return file;
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** `./channels` when the working folder has one, else the channels orderwire ships. */
export function defaultChannelsPath(): string {
  if (existsSync(path.resolve('channels'))) return 'channels';
  return path.relative(process.cwd(), CHANNELS_DIR) || '.';
}

export function render(reports: readonly FileReport[], format: Format): string {
  switch (format) {
    case 'json':
      return formatJson(reports, display);
    case 'github':
      return formatGithub(reports, display);
    case 'sarif':
      return formatSarif(reports, display, process.env.npm_package_version ?? '0.1.0');
    default:
      return formatHuman(reports, display);
  }
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('Validate orderwire files of every kind (channels, platforms, configurations, channel tests): YAML syntax, JSON Schema, semantic checks, custom rules and the checks across files. The kind comes from the file\'s `$schema=` modeline, its name and place (*.test.yaml, platforms/, orderwire.yaml) or its keys. Exit 0 when no error (warnings allowed), 1 when a file has an error, 2 on bad usage, 3 on an internal error.')
    .argument('[paths...]', 'files, folders to walk (*.yaml, *.yml), or - for standard input (default: ./channels if present, else the shipped channels)')
    .addOption(new Option('-f, --format <format>', 'output: human (source line and fix), json, github (workflow annotations) or sarif (SARIF 2.1.0)').choices(FORMATS).default('human'))
    .addOption(new Option('-k, --kind <kind>', 'validate every file as this kind instead of telling it from the file').choices(KIND_NAMES))
    .action(async (paths: string[], options: { format: Format; kind?: DocumentKind }) => {
      const reports = await validatePaths(paths.length > 0 ? paths : [defaultChannelsPath()], options.kind ? { kind: options.kind } : {});
      process.stdout.write(render(reports, options.format));
      const failed = reports.some((r) => r.findings.some((f) => f.severity === 'error'));
      if (failed) process.exitCode = EXIT.FINDINGS;
    });
}
