/**
 * Platforms (API families) a channel may name. Each is described by channels/platforms/<name>.yaml;
 * mirakl and octopia count as known even before their files exist, so channels validate while the
 * connector work lands.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

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
