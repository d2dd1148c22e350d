/**
 * The compiled channel as one JSON document for user interfaces: what `orderwire describe --json`
 * prints and the back-office API serves. snake_case, every key always present (null when there is
 * nothing), described by schemas/channel-description.schema.json. Changing it is an API change.
 */
import type { ActionInStatus, ActionName, ActionSpec, Channel, FieldSpec, ListValue, NormalizedStatus } from './model.ts';

export const DESCRIPTION_VERSION = 1;

export interface ValueDescription { code: string; label: string; tracking_url: string | null }
export interface FieldDescription {
  name: string;
  required: boolean;
  type: FieldSpec['type'];
  label: string | null;
  description: string | null;
  /** Valid values, or null when any value of the type is accepted. */
  values: { list: string | null; kind: 'carrier' | 'reason' | 'enum'; items: ValueDescription[] } | null;
  free_values: boolean;
  default: string | number | boolean | null;
  ignored_when_registered: string | null;
  min_length: number | null;
  max_length: number | null;
  pattern: string | null;
  /** file fields: accepted media types and the largest file; null for other fields. */
  content_types: string[] | null;
  max_bytes: number | null;
}
export interface ActionStatusDescription {
  fields: FieldDescription[];
  lines: ActionInStatus['lines'];
  partial_lines: ActionInStatus['partialLines'];
  partial_amount: boolean;
  /** The marketplace statuses at which the action is allowed here; null: all of them. */
  marketplace_statuses: string[] | null;
  /** Ship: the parcels it takes (partial shipments, at most `max` per request); null: one parcel, the whole order. */
  parcels: { partial: boolean; max: number | null } | null;
  note: string | null;
}
export interface ActionDescription {
  name: ActionName;
  label: string;
  description: string | null;
  marketplace_name: string | null;
  allowed_in: NormalizedStatus[];
  note: string | null;
  instead: Partial<Record<NormalizedStatus, ActionName>>;
  by_status: Partial<Record<NormalizedStatus, ActionStatusDescription>>;
}
/** A named value list: where its values come from, and for an account, when they were fetched. */
export interface ListDescription {
  kind: 'carrier' | 'reason' | 'enum';
  description: string | null;
  /** The source the channel file cites for its values. */
  source: string | null;
  /** Where each account's marketplace serves the list (channel `live`), or null for a static list. */
  live: { from: string; type: string | null; refresh: string } | null;
  /** `file`: the channel file's values; `marketplace`: the values the account's marketplace served. */
  values_from: 'file' | 'marketplace';
  /** The account the values are for (a described account), else null. */
  account: string | null;
  fetched_at: string | null;
  items: ValueDescription[];
}

/** What an account's live lists add to its channel's description (engine/sync/reference-lists.ts). */
export interface AccountListState {
  readonly account: string;
  /** Per list name: when the values in the channel were fetched (lists absent: the file's values). */
  readonly fetched: Readonly<Record<string, string>>;
}

/**
 * The documents of a channel: those orderwire downloads from the marketplace (`documents`), and
 * the files its actions upload (each action's `file` fields, with what the marketplace takes).
 */
export interface DocumentsDescription {
  download: { types: string[]; max_bytes: number; source: string | null } | null;
  upload: { action: ActionName; field: string; statuses: NormalizedStatus[]; required: boolean; content_types: string[]; max_bytes: number | null }[];
}

export interface ChannelDescription {
  description_version: typeof DESCRIPTION_VERSION;
  id: string;
  name: string;
  platform: string;
  sources: { title: string | null; url: string }[];
  retrieval: {
    incremental: { every: string; min_every: string | null };
    catch_up: { every: string; lookback: string };
  };
  statuses: Partial<Record<NormalizedStatus, string[]>>;
  line_statuses: Partial<Record<NormalizedStatus, string[]>>;
  status_notes: Partial<Record<NormalizedStatus, string>>;
  /** Per mapped status, the actions allowed in it (file order of actions). */
  allowed_actions: Partial<Record<NormalizedStatus, ActionName[]>>;
  fulfillment: { description: string | null; arrives_in: NormalizedStatus | null; modes: ValueDescription[] } | null;
  scope: { sales_channels: string[]; note: string | null } | null;
  actions: Partial<Record<ActionName, ActionDescription>>;
  lists: Record<string, ListDescription>;
  documents: DocumentsDescription;
  rules: { id: string; description: string | null; actions: ActionName[] | null; when: NormalizedStatus[] | null; severity: 'error' | 'warning'; field: string | null; message: string }[];
}

function value(v: ListValue): ValueDescription {
  return { code: v.code, label: v.label, tracking_url: v.trackingUrl ?? null };
}

/** Inline lists get a synthetic name `<field>_values` from the compiler; only named lists are reported. */
function listName(channel: Channel, field: FieldSpec): string | null {
  const name = field.values?.name;
  return name !== undefined && channel.lists[name] === field.values ? name : null;
}

function field(channel: Channel, f: FieldSpec): FieldDescription {
  return {
    name: f.name,
    required: f.required,
    type: f.type,
    label: f.label ?? null,
    description: f.description ?? null,
    values: f.values ? { list: listName(channel, f), kind: f.values.kind, items: f.values.values.map(value) } : null,
    free_values: f.freeValues,
    default: f.default ?? null,
    ignored_when_registered: f.ignoredWhenRegistered ?? null,
    min_length: f.minLength ?? null,
    max_length: f.maxLength ?? null,
    pattern: f.pattern ?? null,
    content_types: f.contentTypes ? [...f.contentTypes] : null,
    max_bytes: f.maxBytes ?? null,
  };
}

function action(channel: Channel, a: ActionSpec): ActionDescription {
  const byStatus: Partial<Record<NormalizedStatus, ActionStatusDescription>> = {};
  for (const status of a.allowedIn) {
    const s = a.byStatus[status]!;
    byStatus[status] = { fields: Object.values(s.fields).map((f) => field(channel, f)), lines: s.lines, partial_lines: s.partialLines, partial_amount: s.partialAmount, marketplace_statuses: s.marketplaceStatuses ? [...s.marketplaceStatuses] : null, parcels: s.parcels ? { partial: s.parcels.partial, max: s.parcels.max ?? null } : null, note: s.note ?? null };
  }
  return {
    name: a.name,
    label: a.label,
    description: a.description ?? null,
    marketplace_name: a.marketplaceName ?? null,
    allowed_in: [...a.allowedIn],
    note: a.note ?? null,
    instead: { ...a.instead },
    by_status: byStatus,
  };
}

function copyMap(map: Readonly<Partial<Record<NormalizedStatus, readonly string[]>>>): Partial<Record<NormalizedStatus, string[]>> {
  const out: Partial<Record<NormalizedStatus, string[]>> = {};
  for (const [k, v] of Object.entries(map)) out[k as NormalizedStatus] = [...(v as string[])];
  return out;
}

function lists(channel: Channel, state: AccountListState | undefined): Record<string, ListDescription> {
  const out: Record<string, ListDescription> = {};
  for (const [name, list] of Object.entries(channel.lists)) {
    const fetchedAt = list.live ? state?.fetched[name] : undefined;
    out[name] = {
      kind: list.kind,
      description: list.description ?? null,
      source: list.source ?? null,
      live: list.live ? { from: list.live.from, type: list.live.type ?? null, refresh: list.live.refresh } : null,
      values_from: fetchedAt !== undefined ? 'marketplace' : 'file',
      account: state?.account ?? null,
      fetched_at: fetchedAt ?? null,
      items: list.values.map(value),
    };
  }
  return out;
}

function documents(channel: Channel): DocumentsDescription {
  const upload: DocumentsDescription['upload'] = [];
  for (const a of Object.values(channel.actions)) {
    const byField = new Map<string, DocumentsDescription['upload'][number]>();
    for (const status of a.allowedIn) {
      for (const f of Object.values(a.byStatus[status]!.fields)) {
        if (f.type !== 'file') continue;
        const entry = byField.get(f.name) ?? { action: a.name, field: f.name, statuses: [], required: true, content_types: [], max_bytes: null };
        entry.statuses.push(status);
        entry.required &&= f.required;
        for (const t of f.contentTypes ?? []) if (!entry.content_types.includes(t)) entry.content_types.push(t);
        if (f.maxBytes !== undefined) entry.max_bytes = Math.max(entry.max_bytes ?? 0, f.maxBytes);
        byField.set(f.name, entry);
      }
    }
    upload.push(...byField.values());
  }
  const d = channel.documents;
  return { download: d ? { types: [...d.download], max_bytes: d.maxBytes, source: d.source ?? null } : null, upload };
}

/**
 * The description of a channel; with `account`, the channel as that account sees it (its live
 * lists' values, engine/sync/reference-lists.ts accountChannel) and when they were fetched.
 */
export function describeChannel(channel: Channel, account?: AccountListState): ChannelDescription {
  const actions: Partial<Record<ActionName, ActionDescription>> = {};
  for (const a of Object.values(channel.actions)) actions[a.name] = action(channel, a);
  const allowed: Partial<Record<NormalizedStatus, ActionName[]>> = {};
  for (const status of Object.keys(channel.statuses) as NormalizedStatus[]) {
    allowed[status] = Object.values(channel.actions).filter((a) => a.allowedIn.includes(status)).map((a) => a.name);
  }
  const { incremental, catchUp } = channel.retrieval;
  return {
    description_version: DESCRIPTION_VERSION,
    id: channel.id,
    name: channel.name,
    platform: channel.platform,
    sources: channel.sources.map((s) => ({ title: s.title ?? null, url: s.url })),
    retrieval: {
      incremental: { every: incremental.every, min_every: incremental.minEvery ?? null },
      catch_up: { every: catchUp.every, lookback: catchUp.lookback },
    },
    statuses: copyMap(channel.statuses),
    line_statuses: copyMap(channel.lineStatuses),
    status_notes: { ...channel.statusNotes },
    allowed_actions: allowed,
    fulfillment: channel.fulfillment
      ? { description: channel.fulfillment.description ?? null, arrives_in: channel.fulfillment.arrivesIn ?? null, modes: channel.fulfillment.modes.map(value) }
      : null,
    scope: channel.scope ? { sales_channels: [...channel.scope.salesChannels], note: channel.scope.note ?? null } : null,
    actions,
    lists: lists(channel, account),
    documents: documents(channel),
    rules: channel.rules.map((r) => ({
      id: r.id,
      description: r.description ?? null,
      actions: r.actions ? [...r.actions] : null,
      when: r.when ? [...r.when] : null,
      severity: r.severity,
      field: r.field ?? null,
      message: r.message,
    })),
  };
}
