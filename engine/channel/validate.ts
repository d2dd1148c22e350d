/**
 * The validation pipeline of a channel file: YAML (with positions) -> JSON Schema -> semantic
 * checks -> custom rules compile -> compiled model. Each layer runs only if the previous one found
 * no error, since later layers trust the shape earlier ones guarantee; warnings never stop it.
 */
import { readFile } from 'node:fs/promises';
import { OrderwireError } from '../errors.ts';
import { checkContext } from './check-context.ts';
import { compileChannel, type RawChannel } from './compile.ts';
import { hasErrors, sortFindings, type Finding } from '../documents/finding.ts';
import type { Channel } from './model.ts';
import { parseYaml } from '../documents/yaml.ts';
import { checkRules } from './rules-check.ts';
import { schemaFindings } from '../documents/schema-findings.ts';
import { channelNamer } from './where.ts';
import { checkActions, checkRuleScopes } from './semantic-actions.ts';
import { checkListsAndFields } from './semantic-fields.ts';
import { checkLiveLists } from './semantic-live-lists.ts';
import { checkIdentity, checkStatusMap, checkWindows } from './semantic-statuses.ts';

export interface ValidationResult {
  /** The compiled channel, present when no finding is an error. */
  readonly channel?: Channel;
  /** Every finding, sorted by position (errors first at one place). */
  readonly findings: readonly Finding[];
}

export interface ValidateOptions {
  /** Platform names to accept instead of the ones found on disk (tests, embedders). */
  readonly platforms?: readonly string[];
  /** Operators the rules engine registers beyond json-rules-engine's defaults. */
  readonly extraOperators?: readonly string[];
}

export function validateChannelText(text: string, file: string, options: ValidateOptions = {}): ValidationResult {
  const findings: Finding[] = [];
  const done = (channel?: Channel): ValidationResult => ({ findings: sortFindings(findings), ...(channel && { channel }) });

  const parsed = parseYaml(text, file);
  findings.push(...parsed.findings);
  if (hasErrors(findings)) return done();

  findings.push(...schemaFindings(parsed, 'channel', channelNamer));
  if (hasErrors(findings)) return done();

  const raw = parsed.data as RawChannel;
  const ctx = checkContext(raw, parsed, findings);
  checkIdentity(ctx, options.platforms);
  checkStatusMap(ctx);
  checkWindows(ctx);
  checkActions(ctx);
  checkRuleScopes(ctx);
  checkListsAndFields(ctx);
  checkLiveLists(ctx);
  if (hasErrors(findings)) return done();

  checkRules(ctx, options.extraOperators ? { extraOperators: options.extraOperators } : {});
  if (hasErrors(findings)) return done();

  return done(compileChannel(raw, file));
}

/** Reads and validates a file; a missing or unreadable file is an OrderwireError, not a finding. */
export async function validateChannelFile(file: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OrderwireError('FILE_NOT_FOUND', `no such file: ${file}`, { file }, { cause: err });
    throw new OrderwireError('FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { file }, { cause: err });
  }
  return validateChannelText(text, file, options);
}
