/**
 * The kinds of orderwire file and how a file says which one it is. In order:
 *   1. its modeline, `# yaml-language-server: $schema=<...>/<kind schema>.schema.json`, the line
 *      editors read for completion (every shipped file has one; `orderwire validate` relies on it);
 *   2. its name and place: `*.test.yaml` is a channel test, a file in a `platforms/` folder a
 *      platform, `orderwire.yaml` a configuration;
 *   3. its top-level keys: `accounts` (configuration), `cases` (channel test), `list_orders` or
 *      `auth` (platform);
 *   4. otherwise it is a channel (what `orderwire validate` always assumed).
 */
import path from 'node:path';
import type { SchemaName } from './schemas.ts';
import { parseYaml } from './yaml.ts';

export type DocumentKind = 'channel' | 'platform' | 'config' | 'channel-test';

export interface KindDescription {
  readonly kind: DocumentKind;
  /** The JSON Schema the document must satisfy. */
  readonly schema: SchemaName;
  /** "the channel", "the platform file": the document as the subject of a sentence. */
  readonly noun: string;
  /** What an empty file of this kind should start with. */
  readonly emptyHint: string;
}

export const DOCUMENT_KINDS: Readonly<Record<DocumentKind, KindDescription>> = Object.freeze({
  channel: { kind: 'channel', schema: 'channel', noun: 'the channel', emptyHint: 'start with `id:`, `name:` and `platform:`; see channels/README.md' },
  platform: { kind: 'platform', schema: 'platform', noun: 'the platform file', emptyHint: 'start with `id:`, `name:`, `auth:` and `list_orders:`; see connector/README.md' },
  config: { kind: 'config', schema: 'config', noun: 'the configuration', emptyHint: 'start with `accounts:`; see the Configuration section of README.md' },
  'channel-test': { kind: 'channel-test', schema: 'channel-test', noun: 'the channel test file', emptyHint: 'start with `cases:`; see channels/README.md' },
});

export const KIND_NAMES = Object.freeze(Object.keys(DOCUMENT_KINDS)) as readonly DocumentKind[];

/** How the kind was found, for reports ("platform (modeline)"). */
export type KindEvidence = 'option' | 'modeline' | 'file name' | 'content' | 'default';

export interface DetectedKind {
  readonly kind: DocumentKind;
  readonly by: KindEvidence;
}

const SCHEMA_KINDS: Readonly<Record<string, DocumentKind>> = { channel: 'channel', platform: 'platform', config: 'config', 'channel-test': 'channel-test' };

/** The kind a `$schema=` modeline names, if the comment lines at the top of the file hold one. */
export function modelineKind(text: string): DocumentKind | undefined {
  for (const line of text.split(/\r?\n/, 20)) {
    if (line.trim() === '') continue;
    if (!line.trimStart().startsWith('#')) return undefined;
    const m = /yaml-language-server:\s*\$schema=(\S+)/.exec(line);
    if (m) {
      const name = /([a-z-]+)\.schema\.json(?:[#?].*)?$/.exec(m[1]!)?.[1];
      return name === undefined ? undefined : SCHEMA_KINDS[name];
    }
  }
  return undefined;
}

function nameKind(file: string): DocumentKind | undefined {
  if (/\.test\.ya?ml$/.test(file)) return 'channel-test';
  const base = path.basename(file);
  if (/^orderwire\.ya?ml$/.test(base)) return 'config';
  if (path.basename(path.dirname(path.resolve(file))) === 'platforms') return 'platform';
  return undefined;
}

function contentKind(data: unknown): DocumentKind | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const keys = new Set(Object.keys(data));
  if (keys.has('accounts')) return 'config';
  if (keys.has('cases')) return 'channel-test';
  if (keys.has('list_orders') || keys.has('auth')) return 'platform';
  return undefined;
}

/**
 * The kind of a file from its text (and its parsed data, when available, for the content rule).
 * `data` may be omitted: files without a modeline or telling name then default to channel.
 */
export function detectKind(file: string, text: string, data?: unknown): DetectedKind {
  const byModeline = modelineKind(text);
  if (byModeline) return { kind: byModeline, by: 'modeline' };
  const byName = file === '-' || file.startsWith('<') ? undefined : nameKind(file);
  if (byName) return { kind: byName, by: 'file name' };
  const byContent = contentKind(data);
  if (byContent) return { kind: byContent, by: 'content' };
  return { kind: 'channel', by: 'default' };
}

/** The kind of a file from its text alone: parsed for its keys only when the modeline and name do not tell. */
export function kindOfText(file: string, text: string): DetectedKind {
  const first = detectKind(file, text);
  return first.by === 'default' ? detectKind(file, text, parseYaml(text, file).data) : first;
}
