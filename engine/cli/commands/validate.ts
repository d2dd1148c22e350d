/**
 * `orderwire validate [files|dirs|-]`: check channel files (YAML, schema, semantic checks, custom
 * rules) and report findings for people, CI annotations, or code-scanning tools.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CHANNELS_DIR } from '../../channel/load.ts';
import { discoverChannelFiles } from '../../channel/discover.ts';
import { formatHuman, type FileReport } from '../../channel/report/human.ts';
import { formatGithub, formatJson, formatSarif } from '../../channel/report/machine.ts';
import { validateChannelText } from '../../channel/validate.ts';
import { OrderwireError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';

const FORMATS = ['human', 'json', 'github', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export const STDIN_NAME = '<stdin>';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Paths under the working folder are shown relative to it, as editors and CI expect. */
function display(file: string): string {
  if (file === STDIN_NAME) return file;
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

export async function validatePaths(paths: readonly string[]): Promise<FileReport[]> {
  const files = await discoverChannelFiles(paths);
  const reports: FileReport[] = [];
  for (const file of files) {
    const name = file === '-' ? STDIN_NAME : file;
    const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((err: Error) => {
      throw new OrderwireError('FILE_UNREADABLE', `cannot read ${file}: ${err.message}`, { file }, { cause: err });
    });
    reports.push({ file: name, text, findings: validateChannelText(text, name).findings });
  }
  return reports;
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
    .description('Validate channel files: YAML syntax, JSON Schema, semantic checks and custom rules. Exit 0 when no error (warnings allowed), 1 when a file has an error, 2 on bad usage, 3 on an internal error.')
    .argument('[paths...]', 'channel files, folders to walk (*.yaml, *.yml; *.test.yaml and platforms/ are skipped unless named), or - for standard input', [path.relative(process.cwd(), CHANNELS_DIR) || '.'])
    .addOption(new Option('-f, --format <format>', 'output: human (source line and fix), json, github (workflow annotations) or sarif (SARIF 2.1.0)').choices(FORMATS).default('human'))
    .action(async (paths: string[], options: { format: Format }) => {
      const reports = await validatePaths(paths);
      process.stdout.write(render(reports, options.format));
      const failed = reports.some((r) => r.findings.some((f) => f.severity === 'error'));
      if (failed) process.exitCode = EXIT.FINDINGS;
    });
}
