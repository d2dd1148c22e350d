/**
 * Checks across files: what a platform file gets wrong about the channels that use it. A
 * `${request.data.<field>}` of an action request is filled from the fields the channel declares
 * for that action; a name no channel of the platform declares (`tracking_numbr`) would render as
 * absent and the request would go out without it, reported succeeded. Refused here, located in
 * the platform file, with the closest declared field.
 *
 * (A channel's statuses against its platform's vocabulary are checked with the channel, in
 * channel/semantic-statuses.ts, since loading a channel needs them too.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { channelFiles } from '../../channel/load.ts';
import { finding, type Finding } from '../finding.ts';
import { toPointer } from '../pointer.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { parseYaml } from '../yaml.ts';

const DATA_REFERENCE = /\$\{\s*request\.data\.([A-Za-z0-9_]+)/g;

interface RawChannelFields {
  platform?: unknown;
  actions?: Record<string, { fields?: Record<string, unknown>; by_status?: Record<string, { fields?: Record<string, unknown> } | null> } | null>;
}

/** Per action, every field some channel of `platform` in `dir` declares (in any status). */
async function declaredFields(dir: string, platform: string): Promise<Map<string, Set<string>> | undefined> {
  let files: string[];
  try {
    files = await channelFiles(dir);
  } catch {
    return undefined;
  }
  const fields = new Map<string, Set<string>>();
  for (const file of files) {
    let raw: RawChannelFields | null;
    try {
      raw = parse(await readFile(file, 'utf8')) as RawChannelFields | null;
    } catch {
      continue; // a broken channel is reported when it is validated itself
    }
    if (raw?.platform !== platform || typeof raw.actions !== 'object' || raw.actions === null) continue;
    for (const [action, spec] of Object.entries(raw.actions)) {
      const names = fields.get(action) ?? new Set<string>();
      for (const name of Object.keys(spec?.fields ?? {})) names.add(name);
      for (const override of Object.values(spec?.by_status ?? {})) for (const name of Object.keys(override?.fields ?? {})) names.add(name);
      fields.set(action, names);
    }
  }
  return fields;
}

function* strings(node: unknown, at: (string | number)[]): Generator<[string, (string | number)[]]> {
  if (typeof node === 'string') yield [node, at];
  else if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* strings(v, [...at, i]);
  else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) yield* strings(v, [...at, k]);
}

/**
 * `request.data.<field>` references of a schema-valid platform file against the channels of
 * the folder above its `platforms/` folder. Nothing to say when the platform has no channel
 * there, or when no channel declares the action.
 */
export async function platformFitFindings(text: string, file: string): Promise<Finding[]> {
  const folder = path.dirname(path.resolve(file));
  if (path.basename(folder) !== 'platforms') return [];
  const parsed = parseYaml(text, file);
  const raw = parsed.data as { id?: unknown; actions?: Record<string, unknown> } | undefined;
  if (typeof raw?.id !== 'string' || typeof raw.actions !== 'object' || raw.actions === null) return [];
  const fields = await declaredFields(path.dirname(folder), raw.id);
  if (!fields) return [];
  const out: Finding[] = [];
  for (const [action, requests] of Object.entries(raw.actions)) {
    const declared = fields.get(action);
    if (!declared || declared.size === 0) continue;
    for (const [value, at] of strings(requests, ['actions', action])) {
      for (const m of value.matchAll(DATA_REFERENCE)) {
        const name = m[1]!;
        if (declared.has(name)) continue;
        const pointer = toPointer(at);
        out.push(finding(file, parsed.locate(pointer, 'value'), 'PLATFORM_TEMPLATE_REFERENCE', `"\${request.data.${name}}": no channel of platform \`${raw.id}\` declares a field \`${name}\` for action \`${action}\` (declared: ${listOf([...declared].sort(), 'and')}), so it would always be absent`, pointer, didYouMean(name, declared) ?? `declare \`${name}\` under actions.${action}.fields of the channels that send it, or fix the name`));
      }
    }
  }
  return out;
}
