/**
 * A channel as one account sees it: its live lists (`lists.<name>.live`) replaced by the values
 * the account's marketplace served (Mirakl SH21 carriers, RE01 reasons; Octopia carriers). Every
 * field taking its values from such a list takes the live values; the rest of the channel is the
 * same object graph. Derived channels are cached per channel and list versions, so the rules
 * engine compiled per Channel object (engine/rules/engine.ts) compiles once per version.
 */
import type { ActionInStatus, ActionName, ActionSpec, Channel, FieldSpec, ListValue, NormalizedStatus, ValueList } from './model.ts';

/** One list's live values for an account, and when they were fetched (their version). */
export interface LiveListValues {
  readonly values: readonly ListValue[];
  readonly fetchedAt: string;
}

/** Per channel: the derived channels by version key; a few versions are kept (lists change daily). */
const derived = new WeakMap<Channel, Map<string, Channel>>();
const KEPT_VERSIONS = 32;

function versionKey(live: ReadonlyMap<string, LiveListValues>): string {
  return [...live.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, l]) => `${name}@${l.fetchedAt}#${l.values.length}`).join('|');
}

function remapFields(fields: Readonly<Record<string, FieldSpec>>, lists: ReadonlyMap<ValueList, ValueList>): Readonly<Record<string, FieldSpec>> {
  let changed = false;
  const out: Record<string, FieldSpec> = {};
  for (const [name, field] of Object.entries(fields)) {
    const replacement = field.values ? lists.get(field.values) : undefined;
    if (replacement) changed = true;
    out[name] = replacement ? Object.freeze({ ...field, values: replacement }) : field;
  }
  return changed ? Object.freeze(out) : fields;
}

function remapAction(action: ActionSpec, lists: ReadonlyMap<ValueList, ValueList>): ActionSpec {
  const byStatus: Partial<Record<NormalizedStatus, ActionInStatus>> = {};
  for (const [status, rules] of Object.entries(action.byStatus) as [NormalizedStatus, ActionInStatus][]) {
    const fields = remapFields(rules.fields, lists);
    byStatus[status] = fields === rules.fields ? rules : Object.freeze({ ...rules, fields });
  }
  return Object.freeze({ ...action, byStatus: Object.freeze(byStatus) });
}

/**
 * The channel with the live values of its live lists. Lists without live values (never fetched)
 * keep the channel file's values; names that are not live lists of the channel are ignored.
 */
export function withLiveLists(channel: Channel, live: ReadonlyMap<string, LiveListValues>): Channel {
  const applicable = new Map([...live].filter(([name]) => channel.lists[name]?.live !== undefined));
  if (applicable.size === 0) return channel;
  const key = versionKey(applicable);
  let versions = derived.get(channel);
  const cached = versions?.get(key);
  if (cached) return cached;

  const replaced = new Map<ValueList, ValueList>();
  const lists: Record<string, ValueList> = { ...channel.lists };
  for (const [name, values] of applicable) {
    const list = channel.lists[name]!;
    const next = Object.freeze({ ...list, values: Object.freeze(values.values.map((v) => Object.freeze({ ...v }))) });
    lists[name] = next;
    replaced.set(list, next);
  }
  const actions: Partial<Record<ActionName, ActionSpec>> = {};
  for (const [name, action] of Object.entries(channel.actions) as [ActionName, ActionSpec][]) actions[name] = remapAction(action, replaced);
  const out: Channel = Object.freeze({ ...channel, lists: Object.freeze(lists), actions: Object.freeze(actions) });

  if (!versions) derived.set(channel, (versions = new Map()));
  if (versions.size >= KEPT_VERSIONS) versions.delete(versions.keys().next().value!);
  versions.set(key, out);
  return out;
}
