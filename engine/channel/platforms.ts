/**
 * Platforms (API families) a channel may name. Each is described by channels/platforms/<name>.yaml;
 * mirakl and octopia count as known even before their files exist, so channels validate while the
 * connector work lands.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

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

const vocabularies = new Map<string, { stamp: string; statuses: readonly string[] | undefined }>();

/**
 * The statuses a platform declares (`statuses:` of its file), or undefined when its file is
 * missing, broken or declares none: the platform file's own validation reports those. Cached per
 * file until it changes, since every channel of a platform asks.
 */
export function platformStatuses(platform: string, channelFile?: string): readonly string[] | undefined {
  const file = platformFileFor(platform, channelFile);
  if (file === undefined) return undefined;
  const { mtimeMs, size } = statSync(file);
  const stamp = `${mtimeMs}:${size}`;
  const cached = vocabularies.get(file);
  if (cached?.stamp === stamp) return cached.statuses;
  let statuses: readonly string[] | undefined;
  try {
    const data = parse(readFileSync(file, 'utf8')) as { statuses?: unknown } | null;
    const list = data?.statuses;
    statuses = Array.isArray(list) && list.every((s) => typeof s === 'string') ? Object.freeze([...list] as string[]) : undefined;
  } catch {
    statuses = undefined;
  }
  vocabularies.set(file, { stamp, statuses });
  return statuses;
}
