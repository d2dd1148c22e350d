/**
 * Loading channels for the engine: validate (engine/channel/validate.ts) and compile, or throw an
 * OrderwireError CHANNEL_INVALID whose `details.findings` lists every problem with its location.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OrderwireError } from '../errors.ts';
import type { Finding } from '../documents/finding.ts';
import { kindOfText } from '../documents/kinds.ts';
import type { Channel } from './model.ts';
import { CHANNELS_DIR } from './platforms.ts';
import { validateChannelFile } from './validate.ts';

export { CHANNELS_DIR };

function invalid(file: string, findings: readonly Finding[]): OrderwireError {
  const errors = findings.filter((f) => f.severity === 'error');
  const first = errors[0];
  const where = first ? ` first: ${first.file}:${first.line}:${first.column}: ${first.message} [${first.code}]` : '';
  return new OrderwireError('CHANNEL_INVALID', `channel file ${file} has ${errors.length} error(s);${where}`, { file, findings });
}

export async function loadChannelFile(file: string): Promise<Channel> {
  let result;
  try {
    result = await validateChannelFile(file);
  } catch (err) {
    if (err instanceof OrderwireError && err.code === 'FILE_NOT_FOUND') {
      throw new OrderwireError('CHANNEL_NOT_FOUND', `no channel file at ${file}`, { file }, { cause: err });
    }
    throw err;
  }
  if (!result.channel) throw invalid(file, result.findings);
  return result.channel;
}

function looksLikePath(idOrFile: string): boolean {
  return /\.ya?ml$/.test(idOrFile) || idOrFile.includes('/') || idOrFile.includes(path.sep);
}

/** A channel by id from a folder (default: the shipped channels/), or a path to a .yaml file. */
export async function loadChannel(idOrFile: string, dir: string = CHANNELS_DIR): Promise<Channel> {
  if (looksLikePath(idOrFile)) return loadChannelFile(idOrFile);
  if (!/^[a-z][a-z0-9_-]*$/.test(idOrFile)) {
    throw new OrderwireError('CHANNEL_NOT_FOUND', `"${idOrFile}" is neither a channel id nor a .yaml path`, { channel: idOrFile });
  }
  try {
    return await loadChannelFile(path.join(dir, `${idOrFile}.yaml`));
  } catch (err) {
    if (!(err instanceof OrderwireError && err.code === 'CHANNEL_NOT_FOUND')) throw err;
    try {
      return await loadChannelFile(path.join(dir, `${idOrFile}.yml`));
    } catch (again) {
      if (again instanceof OrderwireError && again.code === 'CHANNEL_NOT_FOUND') {
        const known = (await channelFiles(dir).catch(() => [])).map((f) => path.basename(f).replace(/\.ya?ml$/, ''));
        throw new OrderwireError('CHANNEL_NOT_FOUND', `no channel "${idOrFile}" in ${dir}${known.length ? ` (channels: ${known.join(', ')})` : ''}`, { channel: idOrFile, dir });
      }
      throw again;
    }
  }
}

/**
 * Channel files of a folder: its *.yaml and *.yml whose kind is channel (documents/kinds.ts), so
 * channel tests, a configuration kept beside the channels and the like are not read as channels;
 * platforms/ is a subfolder and not read.
 */
export async function channelFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(dir, e.name)).sort();
  const out: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (kindOfText(file, text).kind === 'channel') out.push(file);
  }
  return out;
}

/** Every channel of a folder, sorted by file name; throws CHANNEL_INVALID on the first invalid one. */
export async function loadChannels(dir: string = CHANNELS_DIR): Promise<Channel[]> {
  const channels: Channel[] = [];
  for (const file of await channelFiles(dir)) channels.push(await loadChannelFile(file));
  return channels;
}
