/**
 * Compiles a schema-valid platform document into the Platform the connector runs. Everything
 * that can be decided once is decided here: strategies selected by `type`, mappings and request
 * templates turned into closures, durations into milliseconds. Problems throw a CompileError
 * with the JSON pointer of the offending value.
 */
import { ACTION_NAMES, type ActionName } from '../../channel/model.ts';
import { durationToMs } from '../../channel/duration.ts';
import { compileHmac } from '../auth/hmac-signature.ts';
import { compileEffect, type EffectCheck } from '../effects/index.ts';
import { createExtractor } from '../extract/index.ts';
import { createMapper } from '../map/index.ts';
import { compilePath } from '../map/path.ts';
import { createPaginator } from '../paginate/index.ts';
import { templateCompiler } from '../template/index.ts';
import { didYouMean } from '../../documents/suggest.ts';
import { schemaAt, schemaDocument, type JsonSchema } from '../../documents/schemas.ts';
import { Collector } from './collect.ts';
import { CompileError, type Pointer } from './compile-error.ts';
import type { Budget, CompiledAttach, CompiledPart, CompiledProcessStatus, CompiledReferenceList, RawReferenceList, CompiledRequest, DateFormat, Platform, RawActionRequest, RawPlatform, RawProcessStatus, RawRequest } from './model.ts';

/** Names an action request template may refer to. */
export const ACTION_ROOTS: ReadonlySet<string> = new Set(['request', 'order', 'selected_lines', 'refused_lines', 'accepted_lines']);
const LIST_ROOTS: ReadonlySet<string> = new Set(['window']);
/** A `per_line` request also sees the line it is sent for. */
const PER_LINE_ROOTS: ReadonlySet<string> = new Set([...ACTION_ROOTS, 'line']);
/** A `per_parcel` request also sees the parcel it is sent for. */
const PER_PARCEL_ROOTS: ReadonlySet<string> = new Set([...ACTION_ROOTS, 'parcel']);

/** What an action template may read of the action request (engine/rules/request.ts). */
const REQUEST_KEYS: readonly string[] = ['channel', 'account', 'marketplace_order_id', 'action', 'status', 'lines', 'refused_lines', 'accepted_lines', 'parcels', 'data'];

/**
 * `${order.x}` must name a property of the normalized order (schemas/order.schema.json, nested
 * objects included) and `${request.x}` one of the action request; `${request.data.x}` depends on
 * the channel's fields and is checked against them by the channel's validation.
 */
function checkActionReference(keys: readonly string[]): { message: string; suggestion?: string } | undefined {
  const [root, first, ...rest] = keys;
  if (first === undefined) return undefined;
  if (root === 'request') {
    if (REQUEST_KEYS.includes(first)) return undefined;
    return { message: `the action request has no \`${first}\` (it has ${REQUEST_KEYS.join(', ')})`, ...suggestion(first, REQUEST_KEYS) };
  }
  if (root !== 'order') return undefined;
  let schema: JsonSchema | undefined = schemaDocument('order');
  const walked: string[] = [];
  for (const key of [first, ...rest]) {
    const properties = schema?.properties as Record<string, JsonSchema> | undefined;
    // Only objects that list their properties and allow no others can be checked; raw is free.
    if (!properties || schema?.additionalProperties !== false) return undefined;
    if (!(key in properties)) {
      const names = Object.keys(properties);
      return { message: `the normalized order has no \`${[...walked, key].join('.')}\` (schemas/order.schema.json)`, ...suggestion(key, names) };
    }
    walked.push(key);
    schema = resolveRef(properties[key]!);
  }
  return undefined;
}

function suggestion(input: string, candidates: readonly string[]): { suggestion?: string } {
  const s = didYouMean(input, candidates);
  return s === undefined ? {} : { suggestion: s };
}

/** Follows a local `$ref` of the order schema (`#/$defs/...`). */
function resolveRef(node: JsonSchema): JsonSchema | undefined {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  return schemaAt('order', ref.replace(/^#/, ''));
}
const GET_ROOTS: ReadonlySet<string> = new Set(['id']);
const DOCUMENT_ROOTS: ReadonlySet<string> = new Set(['document', 'order']);

const DATE_FORMATS: Readonly<Record<DateFormat, (d: Date) => string>> = {
  // Second precision: Mirakl documents 2026-11-22T10:15:00Z. The lower bound is floored, so the
  // window never shrinks; overlapping windows are expected and deduplicated by the store.
  iso_seconds: (d) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
  iso_millis: (d) => d.toISOString(),
  epoch_ms: (d) => String(d.getTime()),
  epoch_s: (d) => String(Math.floor(d.getTime() / 1000)),
  // A day in UTC (bol.com latest-change-date): the lower bound floored to its day.
  date: (d) => d.toISOString().slice(0, 10),
};

function ms(text: string | undefined, pointer: Pointer): number | undefined {
  if (text === undefined) return undefined;
  const value = durationToMs(text);
  if (value === undefined) throw new CompileError(pointer, `"${text}" is not a fixed-length ISO-8601 duration (e.g. PT30S, PT1M, P1D)`);
  return value;
}

/** An HTTP header name is a token (RFC 9110 5.1): no spaces, colons or quotes. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `headers` unchanged, or a CompileError at the first name that is not a header name, with the name it probably meant. */
function checkHeaderNames<T extends object>(headers: T, pointer: Pointer): T {
  for (const name of Object.keys(headers)) {
    if (HEADER_NAME.test(name)) continue;
    const cleaned = name.trim().replace(/:$/, '').trim().replace(/\s+/g, '-');
    throw new CompileError([...pointer, name], `"${name}" is not an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only: no spaces, colons or quotes)`, 'PLATFORM_INCONSISTENT', HEADER_NAME.test(cleaned) ? `did you mean \`${cleaned}\`?` : undefined);
  }
  return headers;
}

/** The header name at `pointer` (a value, as auth.header), checked like checkHeaderNames. */
function checkHeaderName(name: string, pointer: Pointer): void {
  try {
    checkHeaderNames({ [name]: true }, pointer);
  } catch (err) {
    if (err instanceof CompileError) throw new CompileError(pointer, err.message, err.code, err.suggestion);
    throw err;
  }
}

function compileRequest(raw: RawRequest | RawActionRequest, scope: ReadonlySet<string>, pointer: Pointer, compile: ReturnType<typeof templateCompiler>, c: Collector): CompiledRequest | undefined {
  const roots = { roots: scope, ...((scope === ACTION_ROOTS || scope === PER_LINE_ROOTS || scope === PER_PARCEL_ROOTS) && { checkReference: checkActionReference }) };
  const errors = c.errors.length;
  const part = <T>(key: string, fn: (at: Pointer) => T): T | undefined => c.step([...pointer, key], () => fn([...pointer, key]));
  const path = part('path', (at) => {
    if (!raw.path.startsWith('/')) throw new CompileError(at, 'a request path starts with / (it is appended to the account base URL)');
    return compile(raw.path, { ...roots, encode: encodeURIComponent }, at);
  });
  const when = 'when' in raw && raw.when !== undefined ? part('when', (at) => compile(raw.when, roots, at)) : undefined;
  const unless = 'unless' in raw && raw.unless !== undefined ? part('unless', (at) => compile(raw.unless, roots, at)) : undefined;
  const query = raw.query !== undefined ? part('query', (at) => compile(raw.query, roots, at)) : undefined;
  const headers = raw.headers !== undefined ? part('headers', (at) => Object.freeze({ ...checkHeaderNames(raw.headers!, at) })) : undefined;
  const body = raw.body !== undefined ? part('body', (at) => {
    if (raw.method === 'GET' || raw.method === 'DELETE') throw new CompileError(at, `a ${raw.method} request has no body`);
    return compile(raw.body, roots, at);
  }) : undefined;
  if (c.errors.length > errors || path === undefined) return undefined;
  return {
    endpoint: raw.endpoint,
    method: raw.method,
    path,
    ...(query !== undefined && { query }),
    ...(headers !== undefined && { headers }),
    ...(body !== undefined && { body }),
    idempotent: raw.idempotent ?? raw.method === 'GET',
    ...(when && { when }),
    ...(unless && { unless }),
  };
}

/** A multipart body's parts: exactly one of file, json, value each; never beside a JSON body. */
function compileMultipart(raw: RawActionRequest, scope: ReadonlySet<string>, pointer: Pointer, compile: ReturnType<typeof templateCompiler>): CompiledPart[] {
  const roots = { roots: scope, checkReference: checkActionReference };
  if (raw.body !== undefined) throw new CompileError([...pointer, 'multipart'], 'a request has a JSON `body` or a `multipart` body, not both');
  if (raw.method === 'GET' || raw.method === 'DELETE') throw new CompileError([...pointer, 'multipart'], `a ${raw.method} request has no body`);
  return raw.multipart!.map((part, i) => {
    const at = [...pointer, 'multipart', i];
    const kinds = (['file', 'json', 'value'] as const).filter((k) => part[k] !== undefined);
    if (kinds.length !== 1) throw new CompileError(at, `a part has exactly one of file, json or value (got ${kinds.length === 0 ? 'none' : kinds.join(' and ')})`);
    if (part.file_name !== undefined && kinds[0] !== 'file') throw new CompileError([...at, 'file_name'], 'file_name names the file of a `file` part');
    if (kinds[0] === 'file') {
      return { name: part.name, kind: 'file' as const, file: compile(part.file, roots, [...at, 'file']), ...(part.file_name !== undefined && { fileName: compile(part.file_name, roots, [...at, 'file_name']) }) };
    }
    return { name: part.name, kind: kinds[0]!, render: compile(part[kinds[0]!], roots, [...at, kinds[0]!]) };
  });
}

function compileAttach(raw: RawPlatform, pointer: Pointer, c: Collector): CompiledAttach[] {
  return (raw.attach ?? []).flatMap((a, i) => {
    const at = [...pointer, i];
    const compiled = c.step(at, () => compileOneAttach(raw, a, at));
    return compiled ? [compiled] : [];
  });
}

function compileOneAttach(raw: RawPlatform, a: NonNullable<RawPlatform['attach']>[number], at: Pointer): CompiledAttach {
  {
    if (!a.path.startsWith('/')) throw new CompileError([...at, 'path'], 'a request path starts with / (it is appended to the account base URL)');
    const statusPath = raw.mapping.marketplace_status;
    if (a.statuses && typeof statusPath !== 'string') throw new CompileError([...at, 'statuses'], '`statuses` needs mapping.marketplace_status to be a path');
    return Object.freeze({
      as: a.as,
      endpoint: a.endpoint,
      path: a.path,
      idsParam: a.ids_param,
      idsStyle: a.ids_style ?? 'repeat',
      batch: a.batch ?? 100,
      query: Object.freeze({ ...a.query }),
      records: createExtractor(a.records),
      orderId: compilePath(a.order_id),
      ...(a.next_page && { nextPage: Object.freeze({ token: compilePath(a.next_page.token), param: a.next_page.param }) }),
      status: typeof statusPath === 'string' ? compilePath(statusPath) : () => undefined,
      ...(a.statuses && { statuses: new Set(a.statuses) }),
      ...(a.for && { for: a.for }),
    });
  }
}

/**
 * Every action the platform sends must say how a read-back proves it took effect: without it an
 * action interrupted mid-send could only be left to a human or sent twice.
 */
function compileEffects(raw: RawPlatform, compile: ReturnType<typeof templateCompiler>, c: Collector): Partial<Record<ActionName, EffectCheck>> {
  const out: Partial<Record<ActionName, EffectCheck>> = {};
  // A misspelt action (reported as unknown) leaves its effect check without an action, and itself
  // without an effect check: one mistake, so neither consequence is reported.
  const misspelt = Object.keys(raw.actions ?? {}).some((name) => !ACTION_NAMES.includes(name as ActionName));
  for (const name of Object.keys(raw.effects ?? {}) as ActionName[]) {
    if (!raw.actions[name] && !misspelt && !c.isBroken(['effects', name])) c.errors.push(new CompileError(['effects', name], `an effect check for "${name}", which the platform does not send (no actions.${name})`));
  }
  for (const [name, requests] of Object.entries(raw.actions ?? {}) as [ActionName, RawActionRequest[]][]) {
    if (!ACTION_NAMES.includes(name)) continue;
    const spec = raw.effects?.[name];
    if (!spec) {
      if (raw.effects && Object.keys(raw.effects).some((n) => !raw.actions[n as ActionName])) continue; // a misspelt effect name, reported above
      c.errors.push(new CompileError(raw.effects ? ['effects'] : [], `actions.${name} has no effect check: add effects.${name}, how an order read back proves the action took effect (see schemas/platform.schema.json)`));
      continue;
    }
    // An effect check names the action's requests (tracking_step): not judged against a request the schema refused.
    if (c.isBroken(['actions', name])) continue;
    const check = c.step(['effects', name], () => compileEffect(spec, compile, ['effects', name], requests.map((r) => r.endpoint)));
    if (check) out[name] = check;
  }
  return out;
}

function compileBudgets(raw: RawPlatform['budgets'], listEndpoint: string | undefined, c: Collector): Record<string, Budget> {
  const out: Record<string, Budget> = {};
  for (const [name, b] of Object.entries(raw?.endpoints ?? {})) {
    const at = ['budgets', 'endpoints', name];
    const budget = c.step(at, () => {
      const perMs = ms(b.per, [...at, 'per'])!;
      if (perMs <= 0) throw new CompileError([...at, 'per'], 'a budget period must be longer than zero');
      if (b.counts === 'listing' && listEndpoint !== undefined && name !== listEndpoint) throw new CompileError([...at, 'counts'], '`counts: listing` applies to the order-list endpoint only (list_orders.endpoint)');
      return Object.freeze({ limit: b.limit, perMs, counts: b.counts ?? 'request' });
    });
    if (budget) out[name] = budget;
  }
  return out;
}

/** A scalar record field as text; anything else (absent, an object) is undefined. */
function textAt(path: string): (record: unknown) => string | undefined {
  const get = compilePath(path);
  return (record) => {
    const value = get(record);
    return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  };
}

function compileReferenceLists(raw: RawPlatform['lists'], c: Collector): Record<string, CompiledReferenceList> {
  const out: Record<string, CompiledReferenceList> = {};
  for (const [name, list] of Object.entries(raw ?? {}) as [string, RawReferenceList][]) {
    const { values } = list;
    const compiled = c.step(['lists', name], (): CompiledReferenceList => Object.freeze({
      name,
      endpoint: list.endpoint,
      path: list.path,
      query: Object.freeze({ ...list.query }),
      records: createExtractor(list.records),
      code: textAt(values.code),
      label: textAt(values.label),
      ...(values.tracking_url !== undefined && { trackingUrl: textAt(values.tracking_url) }),
      ...(values.type !== undefined && { type: textAt(values.type) }),
    }));
    if (compiled) out[name] = compiled;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function compileProcessStatus(raw: RawProcessStatus, scope: ReadonlySet<string>, pointer: Pointer, compile: ReturnType<typeof templateCompiler>): CompiledProcessStatus {
  if (!raw.path.startsWith('/')) throw new CompileError([...pointer, 'path'], 'a request path starts with / (it is appended to the account base URL)');
  const both = raw.succeeded.filter((s) => raw.failed.includes(s));
  if (both.length) throw new CompileError([...pointer, 'failed'], `"${both[0]}" is listed as succeeded and as failed`);
  return Object.freeze({
    endpoint: raw.endpoint,
    path: compile(raw.path, { roots: new Set([...scope, 'response']), encode: encodeURIComponent, checkReference: checkActionReference }, [...pointer, 'path']),
    status: compilePath(raw.status),
    succeeded: new Set(raw.succeeded),
    failed: new Set(raw.failed),
    ...(raw.message !== undefined && { message: compilePath(raw.message) }),
    everyMs: ms(raw.every, [...pointer, 'every']) ?? 1_000,
    maxPolls: raw.max_polls ?? 30,
  });
}

export interface PlatformCompilation {
  /** The compiled platform, when nothing was found wrong. */
  readonly platform?: Platform;
  /** Every problem found, in the order compiled. */
  readonly errors: readonly CompileError[];
}

/** Compiles a schema-valid platform, throwing the first problem found (see compilePlatformReport for all of them). */
export function compilePlatform(raw: RawPlatform, file?: string): Platform {
  const { platform, errors } = compilePlatformReport(raw, file);
  if (!platform) throw errors[0]!;
  return platform;
}

/**
 * Compiles a platform document, collecting every problem (collect.ts). `broken` are the pointers
 * the schema refused: the parts there are not compiled, the rest is, so a file with a schema error
 * still gets its templates, effects and budgets checked in the same run.
 */
export function compilePlatformReport(raw: RawPlatform, file?: string, broken: readonly Pointer[] = []): PlatformCompilation {
  const c = new Collector(broken);
  const compile = c.step(['templates'], () => templateCompiler(raw.templates)) ?? templateCompiler();
  // The signing templates are checked here, located, rather than when an account first connects.
  if (raw.auth?.type === 'hmac_signature') c.step(['auth'], () => compileHmac(raw.auth as Parameters<typeof compileHmac>[0]));
  const auth = raw.auth;
  if (auth?.type === 'api_key_header') c.step(['auth', 'header'], () => checkHeaderName(auth.header, ['auth', 'header']));
  if (auth?.type === 'hmac_signature') c.step(['auth', 'headers'], () => checkHeaderNames(auth.headers, ['auth', 'headers']));
  if (raw.headers !== undefined) c.step(['headers'], () => checkHeaderNames(raw.headers!, ['headers']));
  const list = raw.list_orders;
  // Strategies are built once here to report configuration errors at load, not at first sync.
  if (list) c.step(['list_orders', 'pagination'], () => createPaginator(list.pagination));
  const actions: Partial<Record<ActionName, readonly CompiledRequest[]>> = {};
  for (const [name, requests] of Object.entries(raw.actions ?? {}) as [ActionName, RawActionRequest[]][]) {
    // An unknown action's requests are not compiled: its name is the one mistake to report.
    if (!ACTION_NAMES.includes(name)) {
      c.step(['actions', name], () => { throw new CompileError(['actions', name], `unknown action "${name}" (known: ${ACTION_NAMES.join(', ')})`, 'PLATFORM_INCONSISTENT', didYouMean(name, ACTION_NAMES)); });
      continue;
    }
    const compiled = requests.map((r, i) => c.step(['actions', name, i], () => compileActionRequest(r, ['actions', name, i], compile, c)));
    if (compiled.every((r) => r !== undefined)) actions[name] = Object.freeze(compiled as CompiledRequest[]);
  }
  const effects = compileEffects(raw, compile, c);
  const budgets = compileBudgets(raw.budgets, c.isBroken(['list_orders', 'endpoint']) ? undefined : list?.endpoint, c);
  const timeouts = raw.http?.timeouts;
  const retry = raw.http?.retry;
  const connect = c.step(['http', 'timeouts', 'connect'], () => ms(timeouts?.connect, ['http', 'timeouts', 'connect']));
  const response = c.step(['http', 'timeouts', 'response'], () => ms(timeouts?.response, ['http', 'timeouts', 'response']));
  const baseDelayMs = c.step(['http', 'retry', 'base_delay'], () => ms(retry?.base_delay, ['http', 'retry', 'base_delay']));
  const maxDelayMs = c.step(['http', 'retry', 'max_delay'], () => ms(retry?.max_delay, ['http', 'retry', 'max_delay']));
  const mapper = c.step(['mapping'], () => createMapper(raw.mapping, ['mapping']));
  // Not one step: a request's parts are compiled one by one, so a refused pagination option does not hide its path.
  const listRequest = list ? compileRequest(list, LIST_ROOTS, ['list_orders'], compile, c) : undefined;
  const listRecords = c.step(['list_orders', 'records'], () => createExtractor(list.records));
  const getRequest = raw.get_order ? compileRequest(raw.get_order, GET_ROOTS, ['get_order'], compile, c) : undefined;
  const getRecords = c.step(['get_order', 'records'], () => createExtractor(raw.get_order.records));
  const getMapper = raw.get_order?.mapping ? c.step(['get_order', 'mapping'], () => createMapper(raw.get_order.mapping!, ['get_order', 'mapping'])) : mapper;
  const attach = compileAttach(raw, ['attach'], c);
  const lists = compileReferenceLists(raw.lists, c);
  const documentDownload = raw.documents ? compileRequest(raw.documents.download, DOCUMENT_ROOTS, ['documents', 'download'], compile, c) : undefined;
  if (c.errors.length > 0 || broken.length > 0) return { errors: c.errors };
  const platform: Platform = {
    id: raw.id,
    name: raw.name,
    ...(file !== undefined && { file }),
    spec: deepFreeze(structuredClone(raw)),
    list: Object.freeze({
      request: listRequest!,
      formatDate: DATE_FORMATS[list.window.format],
      window: Object.freeze({ from: list.window.from, ...(list.window.to !== undefined && { to: list.window.to }) }),
      records: listRecords!,
      ...(list.detail && { detail: Object.freeze({ concurrency: list.detail.concurrency ?? 2 }) }),
    }),
    get: Object.freeze({ request: getRequest!, records: getRecords!, mapper: getMapper! }),
    mapper: mapper!,
    attach: Object.freeze(attach),
    ...(documentDownload && { documents: Object.freeze({ download: documentDownload }) }),
    actions: Object.freeze(actions),
    effects: Object.freeze(effects),
    lists: Object.freeze(lists),
    concurrency: raw.budgets?.concurrency ?? 2,
    budgets: Object.freeze(budgets),
    timeouts: Object.freeze({ ...(connect !== undefined && { connect }), ...(response !== undefined && { response }) }),
    retry: Object.freeze({
      ...(retry?.max_attempts !== undefined && { maxAttempts: retry.max_attempts }),
      ...(baseDelayMs !== undefined && { baseDelayMs }),
      ...(maxDelayMs !== undefined && { maxDelayMs }),
    }),
    errorMessagePaths: Object.freeze([...(raw.http?.error_message ?? ['message'])]),
  };
  return { platform: Object.freeze(platform), errors: [] };
}

/** One request of an action: its parts are compiled independently; undefined when any is wrong. */
function compileActionRequest(r: RawActionRequest, at: Pointer, compile: ReturnType<typeof templateCompiler>, c: Collector): CompiledRequest | undefined {
  if (r.per_line && r.per_parcel) throw new CompileError([...at, 'per_parcel'], 'a request is sent per line or per parcel, not both');
  const scope = r.per_line ? PER_LINE_ROOTS : r.per_parcel ? PER_PARCEL_ROOTS : ACTION_ROOTS;
  const errors = c.errors.length;
  const request = compileRequest(r, scope, at, compile, c);
  const multipart = r.multipart && c.step([...at, 'multipart'], () => compileMultipart(r, scope, at, compile));
  const answerErrors = r.answer_errors && c.step([...at, 'answer_errors'], () => Object.freeze({ path: compilePath(r.answer_errors!.path), ...(r.answer_errors!.message !== undefined && { message: compilePath(r.answer_errors!.message) }) }));
  const processStatus = r.process_status && c.step([...at, 'process_status'], () => compileProcessStatus(r.process_status!, scope, [...at, 'process_status'], compile));
  if (!request || c.errors.length > errors) return undefined;
  return {
    ...request,
    ...(multipart && { multipart }),
    ...(r.per_line && { perLine: true }),
    ...(r.per_parcel && { perParcel: true }),
    ...(answerErrors && { answerErrors }),
    ...(processStatus && { processStatus }),
  };
}
