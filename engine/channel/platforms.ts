/**
 * Platforms (API families) a channel may name. Each is described by channels/platforms/<name>.yaml;
 * mirakl and octopia count as known even before their files exist, so channels validate while the
 * connector work lands.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { durationToMs } from './duration.ts';

/** Folder holding the shipped channel files. */
export const CHANNELS_DIR = path.resolve(import.meta.dirname, '../../channels');

export const BUILTIN_PLATFORMS = ['mirakl', 'octopia'] as const;

function platformFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ''));
  } catch {
    return [];
  }
}

/** Platforms known to a channel file: shipped ones, built-ins, and a platforms/ folder beside the file. */
export function knownPlatforms(channelFile?: string): string[] {
  const names = new Set<string>([...BUILTIN_PLATFORMS, ...platformFiles(path.join(CHANNELS_DIR, 'platforms'))]);
  if (channelFile !== undefined && channelFile !== '-') {
    for (const name of platformFiles(path.join(path.dirname(path.resolve(channelFile)), 'platforms'))) names.add(name);
  }
  return [...names].sort();
}

/** The platform file a channel file's `platform:` names: beside the channel first, then the shipped ones. */
function platformFileFor(platform: string, channelFile?: string): string | undefined {
  const dirs = channelFile !== undefined && channelFile !== '-' ? [path.join(path.dirname(path.resolve(channelFile)), 'platforms')] : [];
  dirs.push(path.join(CHANNELS_DIR, 'platforms'));
  for (const dir of dirs) {
    for (const ext of ['.yaml', '.yml']) {
      const file = path.join(dir, platform + ext);
      try {
        if (statSync(file).isFile()) return file;
      } catch {
        // not in this folder
      }
    }
  }
  return undefined;
}

/** What channel checks read of a platform file: its statuses, its reference lists and their budgets, its actions. */
interface PlatformFacts {
  statuses: readonly string[] | undefined;
  lists: Readonly<Record<string, PlatformListFacts>> | undefined;
  actions: Readonly<Record<string, PlatformActionFacts>> | undefined;
}

/** A platform action (`actions.<kind>`) as a channel's action sees it. */
export interface PlatformActionFacts {
  /**
   * Its requests read a targeted line's part (`${line.requested...}`): the units or amount a
   * request names. Without it every targeted line is sent whole, so a channel's `partial_lines`
   * would send more than the merchant asked.
   */
  readonly sendsLineParts: boolean;
}

/** A template reading a line's requested part, whatever the loop variable is called (`as: line`). */
const READS_LINE_PART = /\$\{[^}]*\.requested\b/;

function readActions(data: Record<string, unknown>): Record<string, PlatformActionFacts> | undefined {
  if (!isRecord(data.actions)) return undefined;
  const out: Record<string, PlatformActionFacts> = {};
  for (const [kind, requests] of Object.entries(data.actions)) {
    out[kind] = Object.freeze({ sendsLineParts: READS_LINE_PART.test(JSON.stringify(requests ?? null)) });
  }
  return Object.freeze(out);
}

/** A platform reference list as a channel's `live` sees it. */
export interface PlatformListFacts {
  readonly endpoint: string;
  /** The list's records have a type a channel selects by (`values.type`). */
  readonly typed: boolean;
  /** The endpoint's budget as the shortest spacing of two requests, in ms (undefined: no budget). */
  readonly minSpacingMs: number | undefined;
  /** The budget as written (`1 per P1D`), for messages. */
  readonly budget: string | undefined;
}

const facts = new Map<string, { stamp: string; facts: PlatformFacts }>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readLists(data: Record<string, unknown>): Record<string, PlatformListFacts> | undefined {
  if (!isRecord(data.lists)) return undefined;
  const budgets = isRecord(data.budgets) && isRecord(data.budgets.endpoints) ? data.budgets.endpoints : {};
  const out: Record<string, PlatformListFacts> = {};
  for (const [name, list] of Object.entries(data.lists)) {
    if (!isRecord(list) || typeof list.endpoint !== 'string') continue;
    const budget = budgets[list.endpoint];
    const perMs = isRecord(budget) && typeof budget.per === 'string' ? durationToMs(budget.per) : undefined;
    const limit = isRecord(budget) && typeof budget.limit === 'number' && budget.limit > 0 ? budget.limit : undefined;
    out[name] = Object.freeze({
      endpoint: list.endpoint,
      typed: isRecord(list.values) && typeof list.values.type === 'string',
      minSpacingMs: perMs !== undefined && limit !== undefined ? perMs / limit : undefined,
      budget: perMs !== undefined && limit !== undefined && isRecord(budget) ? `${limit} per ${String(budget.per)}` : undefined,
    });
  }
  return Object.freeze(out);
}

/** The platform file's facts, cached per file until it changes, since every channel of a platform asks. */
function platformFacts(platform: string, channelFile?: string): PlatformFacts | undefined {
  const file = platformFileFor(platform, channelFile);
  if (file === undefined) return undefined;
  const { mtimeMs, size } = statSync(file);
  const stamp = `${mtimeMs}:${size}`;
  const cached = facts.get(file);
  if (cached?.stamp === stamp) return cached.facts;
  let read: PlatformFacts = { statuses: undefined, lists: undefined, actions: undefined };
  try {
    const data = parse(readFileSync(file, 'utf8')) as unknown;
    if (isRecord(data)) {
      const list = data.statuses;
      read = {
        statuses: Array.isArray(list) && list.every((s) => typeof s === 'string') ? Object.freeze([...list] as string[]) : undefined,
        lists: readLists(data),
        actions: readActions(data),
      };
    }
  } catch {
    // A broken platform file: its own validation reports it.
  }
  facts.set(file, { stamp, facts: read });
  return read;
}

/**
 * The statuses a platform declares (`statuses:` of its file), or undefined when its file is
 * missing, broken or declares none: the platform file's own validation reports those.
 */
export function platformStatuses(platform: string, channelFile?: string): readonly string[] | undefined {
  return platformFacts(platform, channelFile)?.statuses;
}

/** The reference lists a platform declares (`lists:`), or undefined when its file is missing or broken. */
export function platformLists(platform: string, channelFile?: string): Readonly<Record<string, PlatformListFacts>> | undefined {
  const read = platformFacts(platform, channelFile);
  return read === undefined ? undefined : (read.lists ?? {});
}

/** The actions a platform delivers (`actions:`), or undefined when its file is missing, broken or declares none. */
export function platformActions(platform: string, channelFile?: string): Readonly<Record<string, PlatformActionFacts>> | undefined {
  return platformFacts(platform, channelFile)?.actions;
}
