/**
 * `orderwire validate` on any file: the kind comes from the file (documents/kinds.ts), each kind
 * runs its own checks (channel/validate.ts, connector/platform/load.ts, config/load.ts,
 * rules/channel-tests/load.ts), all of them speaking the one finding type, then the checks across
 * files (fit.ts) add what a file gets wrong about another.
 */
import { readFile } from 'node:fs/promises';
import { validateChannelText } from '../../channel/validate.ts';
import { validateConfigText } from '../../config/load.ts';
import { validatePlatformText } from '../../connector/platform/load.ts';
import { OrderwireError } from '../../errors.ts';
import { loadTestText } from '../../rules/channel-tests/load.ts';
import { discoverDocuments } from '../discover.ts';
import { platformFitFindings } from './fit.ts';
import { sortFindings, type Finding } from '../finding.ts';
import { kindOfText, type DetectedKind, type DocumentKind } from '../kinds.ts';
import type { FileReport } from '../report/human.ts';

export const STDIN_NAME = '<stdin>';

export interface DocumentReport extends FileReport {
  readonly kind: DocumentKind;
  /** How the kind was found (modeline, file name, content, default, option). */
  readonly kindBy: DetectedKind['by'];
}

type KindValidator = (text: string, file: string) => Promise<readonly Finding[]>;

/** One validator per kind: the table `orderwire validate` dispatches on. */
const VALIDATORS: Readonly<Record<DocumentKind, KindValidator>> = {
  channel: async (text, file) => validateChannelText(text, file).findings,
  platform: async (text, file) => {
    const findings = validatePlatformText(text, file).findings;
    if (findings.some((f) => f.code.startsWith('YAML_'))) return findings;
    // The fit across files is checked beside the file's own problems, except where one of them already sits.
    const taken = findings.filter((f) => f.severity === 'error').map((f) => f.pointer);
    const fit = (await platformFitFindings(text, file)).filter((f) => !taken.some((p) => f.pointer === p || f.pointer.startsWith(`${p}/`)));
    return [...findings, ...fit];
  },
  config: async (text, file) => (await validateConfigText(text, file)).findings,
  'channel-test': async (text, file) => (await loadTestText(text, file)).problems,
};

/** Validates one file's text as its kind (or the kind forced by `kind`). */
export async function validateDocument(file: string, text: string, kind?: DocumentKind): Promise<DocumentReport> {
  const detected: DetectedKind = kind ? { kind, by: 'option' } : kindOfText(file, text);
  const findings = await VALIDATORS[detected.kind](text, file);
  return { file, text, kind: detected.kind, kindBy: detected.by, findings: sortFindings(findings) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Every file named or found in the folders named ('-': standard input), each validated as its kind. */
export async function validatePaths(paths: readonly string[], options: { kind?: DocumentKind } = {}): Promise<DocumentReport[]> {
  const files = await discoverDocuments(paths);
  const reports: DocumentReport[] = [];
  for (const file of files) {
    const name = file === '-' ? STDIN_NAME : file;
    const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((err: Error) => {
      throw new OrderwireError('FILE_UNREADABLE', `cannot read ${file}: ${err.message}`, { file }, { cause: err });
    });
    reports.push(await validateDocument(name, text, options.kind));
  }
  return reports;
}
