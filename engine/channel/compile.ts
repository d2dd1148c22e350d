/**
 * Turns a schema-valid channel document (the YAML as plain data) into the frozen Channel model.
 * It assumes the schema and semantic checks have passed: it resolves list references, merges
 * `by_status` over each action's base, converts durations, and builds the status indexes.
 */
import type {
  ActionInStatus,
  ActionName,
  ActionSpec,
  Channel,
  CustomRule,
  FieldSpec,
  FieldType,
  LinePolicy,
  LinePart,
  ListValue,
  NormalizedStatus,
  ValueList,
} from './model.ts';
import { durationToMs } from './duration.ts';
import { DEFAULT_DOCUMENT_MAX_BYTES } from './model.ts';

/* Shapes of the YAML document (snake_case), as the schema allows them. */
/** `lists.<name>.live`: the platform list the values come from, a record type, the refresh period. */
export interface RawLiveList { from: string; type?: string; refresh: string }
export interface RawListValue { code: string; label: string; tracking_url?: string }
export interface RawField {
  type: FieldType;
  required?: boolean;
  label?: string;
  description?: string;
  values?: string | RawListValue[];
  free_values?: boolean;
  ignored_when_registered?: string;
  default?: string | number | boolean;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  content_types?: string[];
  max_bytes?: number;
}
export interface RawParcels { partial?: boolean; max?: number; source?: string }
export interface RawActionStatus { marketplace_statuses?: string[]; fields?: Record<string, RawField>; lines?: LinePolicy; partial_lines?: LinePart[]; partial_amount?: boolean; parcels?: RawParcels; note?: string }
export interface RawAction {
  label?: string;
  description?: string;
  marketplace_name?: string;
  when: NormalizedStatus[];
  lines?: LinePolicy;
  partial_lines?: LinePart[];
  partial_amount?: boolean;
  parcels?: RawParcels;
  fields?: Record<string, RawField>;
  by_status?: Partial<Record<NormalizedStatus, RawActionStatus>>;
  note?: string;
  instead?: Partial<Record<NormalizedStatus, ActionName>>;
}
export interface RawChannel {
  id: string;
  name: string;
  platform: string;
  sources?: { title?: string; url: string }[];
  retrieval: {
    incremental: { every: string; min_every?: string };
    catch_up: { every: string; lookback: string };
  };
  scope?: { sales_channels?: string[]; note?: string };
  statuses: Partial<Record<NormalizedStatus, string[]>>;
  line_statuses?: Partial<Record<NormalizedStatus, string[]>>;
  status_from_lines?: NormalizedStatus[];
  status_notes?: Partial<Record<NormalizedStatus, string>>;
  fulfillment?: { description?: string; arrives_in?: NormalizedStatus; modes?: RawListValue[] };
  deadlines?: { acceptance: string; on_expiry?: 'refused' | 'nothing'; source?: string };
  documents?: { download: string[]; max_bytes?: number; source?: string };
  lists?: Record<string, { kind: ValueList['kind']; description?: string; source?: string; live?: RawLiveList; values: RawListValue[] }>;
  actions: Partial<Record<ActionName, RawAction>>;
  rules?: RawRule[];
}
/** A custom rule as written; `conditions` is any json-rules-engine condition object (checked by rules-check.ts). */
export interface RawRule extends Omit<CustomRule, 'severity' | 'conditions'> {
  severity?: CustomRule['severity'];
  conditions: object;
}

function listValue(v: RawListValue): ListValue {
  return Object.freeze(v.tracking_url === undefined ? { code: v.code, label: v.label } : { code: v.code, label: v.label, trackingUrl: v.tracking_url });
}

function ms(text: string): number {
  const value = durationToMs(text);
  if (value === undefined) throw new Error(`not a fixed-length ISO-8601 duration: ${text}`);
  return value;
}

function compileField(name: string, raw: RawField, lists: Readonly<Record<string, ValueList>>): FieldSpec {
  let values: ValueList | undefined;
  if (typeof raw.values === 'string') {
    values = lists[raw.values];
    if (!values) throw new Error(`field ${name} refers to unknown list ${raw.values}`);
  } else if (Array.isArray(raw.values)) {
    values = Object.freeze({ name: `${name}_values`, kind: raw.type === 'carrier' ? 'carrier' : raw.type === 'reason' ? 'reason' : 'enum', values: Object.freeze(raw.values.map(listValue)) });
  }
  const spec: FieldSpec = {
    name,
    type: raw.type,
    required: raw.required ?? false,
    freeValues: raw.free_values ?? false,
    ...(raw.label !== undefined && { label: raw.label }),
    ...(raw.description !== undefined && { description: raw.description }),
    ...(values !== undefined && { values }),
    ...(raw.ignored_when_registered !== undefined && { ignoredWhenRegistered: raw.ignored_when_registered }),
    ...(raw.default !== undefined && { default: raw.default }),
    ...(raw.min_length !== undefined && { minLength: raw.min_length }),
    ...(raw.max_length !== undefined && { maxLength: raw.max_length }),
    ...(raw.pattern !== undefined && { pattern: raw.pattern }),
    ...(raw.content_types !== undefined && { contentTypes: Object.freeze([...raw.content_types]) }),
    ...(raw.max_bytes !== undefined && { maxBytes: raw.max_bytes }),
  };
  return Object.freeze(spec);
}

function compileFields(raw: Record<string, RawField> | undefined, lists: Readonly<Record<string, ValueList>>): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const [name, field] of Object.entries(raw ?? {})) out[name] = compileField(name, field, lists);
  return out;
}

function compileAction(name: ActionName, raw: RawAction, lists: Readonly<Record<string, ValueList>>): ActionSpec {
  const baseFields = compileFields(raw.fields, lists);
  const byStatus: Partial<Record<NormalizedStatus, ActionInStatus>> = {};
  for (const status of raw.when) {
    const override = raw.by_status?.[status];
    const note = override?.note ?? raw.note;
    const parcels = override?.parcels ?? raw.parcels;
    byStatus[status] = Object.freeze({
      status,
      fields: Object.freeze({ ...baseFields, ...compileFields(override?.fields, lists) }),
      lines: override?.lines ?? raw.lines ?? 'none',
      partialLines: Object.freeze([...(override?.partial_lines ?? raw.partial_lines ?? [])]),
      partialAmount: override?.partial_amount ?? raw.partial_amount ?? false,
      ...(parcels && { parcels: Object.freeze({ partial: parcels.partial ?? true, ...(parcels.max !== undefined && { max: parcels.max }), ...(parcels.source !== undefined && { source: parcels.source }) }) }),
      ...(override?.marketplace_statuses !== undefined && { marketplaceStatuses: Object.freeze([...override.marketplace_statuses]) }),
      ...(note !== undefined && { note }),
    });
  }
  return Object.freeze({
    name,
    label: raw.label ?? name[0]!.toUpperCase() + name.slice(1),
    ...(raw.description !== undefined && { description: raw.description }),
    ...(raw.marketplace_name !== undefined && { marketplaceName: raw.marketplace_name }),
    allowedIn: Object.freeze([...raw.when]),
    byStatus: Object.freeze(byStatus),
    ...(raw.note !== undefined && { note: raw.note }),
    instead: Object.freeze({ ...(raw.instead ?? {}) }),
  });
}

function statusIndex(...maps: Array<Partial<Record<NormalizedStatus, string[]>> | undefined>): Map<string, NormalizedStatus> {
  const index = new Map<string, NormalizedStatus>();
  for (const map of maps) {
    for (const [status, marketplace] of Object.entries(map ?? {}) as [NormalizedStatus, string[]][]) {
      for (const m of marketplace) if (!index.has(m)) index.set(m, status);
    }
  }
  return index;
}

function freezeMap(map: Partial<Record<NormalizedStatus, string[]>> | undefined): Readonly<Partial<Record<NormalizedStatus, readonly string[]>>> {
  const out: Partial<Record<NormalizedStatus, readonly string[]>> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k as NormalizedStatus] = Object.freeze([...v]);
  return Object.freeze(out);
}

export function compileChannel(raw: RawChannel, file?: string): Channel {
  const lists: Record<string, ValueList> = {};
  for (const [name, list] of Object.entries(raw.lists ?? {})) {
    lists[name] = Object.freeze({
      name,
      kind: list.kind,
      ...(list.description !== undefined && { description: list.description }),
      ...(list.source !== undefined && { source: list.source }),
      ...(list.live && {
        live: Object.freeze({ from: list.live.from, ...(list.live.type !== undefined && { type: list.live.type }), refresh: list.live.refresh, refreshMs: ms(list.live.refresh) }),
      }),
      values: Object.freeze(list.values.map(listValue)),
    });
  }
  Object.freeze(lists);
  const actions: Partial<Record<ActionName, ActionSpec>> = {};
  for (const [name, action] of Object.entries(raw.actions) as [ActionName, RawAction][]) actions[name] = compileAction(name, action, lists);
  const { incremental, catch_up } = raw.retrieval;
  const channel: Channel = {
    id: raw.id,
    name: raw.name,
    platform: raw.platform,
    sources: Object.freeze((raw.sources ?? []).map((s) => Object.freeze({ ...s }))),
    retrieval: Object.freeze({
      incremental: Object.freeze({
        every: incremental.every,
        everyMs: ms(incremental.every),
        ...(incremental.min_every !== undefined && { minEvery: incremental.min_every, minEveryMs: ms(incremental.min_every) }),
      }),
      catchUp: Object.freeze({ every: catch_up.every, everyMs: ms(catch_up.every), lookback: catch_up.lookback, lookbackMs: ms(catch_up.lookback) }),
    }),
    ...(raw.scope?.sales_channels && {
      scope: Object.freeze({ salesChannels: Object.freeze([...raw.scope.sales_channels]), ...(raw.scope.note !== undefined && { note: raw.scope.note }) }),
    }),
    statuses: freezeMap(raw.statuses),
    lineStatuses: freezeMap(raw.line_statuses),
    statusIndex: statusIndex(raw.statuses),
    lineStatusIndex: statusIndex(raw.statuses, raw.line_statuses),
    statusFromLines: Object.freeze([...(raw.status_from_lines ?? [])]),
    statusNotes: Object.freeze({ ...(raw.status_notes ?? {}) }),
    ...(raw.fulfillment && {
      fulfillment: Object.freeze({
        ...(raw.fulfillment.description !== undefined && { description: raw.fulfillment.description }),
        ...(raw.fulfillment.arrives_in !== undefined && { arrivesIn: raw.fulfillment.arrives_in }),
        modes: Object.freeze((raw.fulfillment.modes ?? []).map(listValue)),
      }),
    }),
    ...(raw.deadlines && {
      deadlines: Object.freeze({
        acceptance: raw.deadlines.acceptance,
        acceptanceMs: ms(raw.deadlines.acceptance),
        ...(raw.deadlines.on_expiry !== undefined && { onExpiry: raw.deadlines.on_expiry }),
        ...(raw.deadlines.source !== undefined && { source: raw.deadlines.source }),
      }),
    }),
    ...(raw.documents && {
      documents: Object.freeze({
        download: Object.freeze([...raw.documents.download]),
        maxBytes: raw.documents.max_bytes ?? DEFAULT_DOCUMENT_MAX_BYTES,
        ...(raw.documents.source !== undefined && { source: raw.documents.source }),
      }),
    }),
    lists,
    actions: Object.freeze(actions),
    rules: Object.freeze((raw.rules ?? []).map((r) => Object.freeze({ ...r, conditions: r.conditions as CustomRule['conditions'], severity: r.severity ?? 'error' }))),
    ...(file !== undefined && { file }),
  };
  return Object.freeze(channel);
}
