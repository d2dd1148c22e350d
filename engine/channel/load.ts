/**
 * Loading channel files. PROVISIONAL: parses and compiles without validation; the full pipeline
 * (YAML with positions -> JSON Schema -> semantic checks -> rules compile) replaces the body of
 * these functions and keeps their signatures.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { compileChannel, type RawChannel } from './compile.ts';
import type { Channel } from './model.ts';

/** Folder holding the shipped channel files. */
export const CHANNELS_DIR = path.resolve(import.meta.dirname, '../../channels');

export async function loadChannelFile(file: string): Promise<Channel> {
  const text = await readFile(file, 'utf8');
  return compileChannel(parse(text) as RawChannel, file);
}

/** A channel by id from a folder (default: the shipped channels/), or a path to a .yaml file. */
export async function loadChannel(idOrFile: string, dir: string = CHANNELS_DIR): Promise<Channel> {
  if (idOrFile.endsWith('.yaml') || idOrFile.endsWith('.yml')) return loadChannelFile(idOrFile);
  return loadChannelFile(path.join(dir, `${idOrFile}.yaml`));
}
