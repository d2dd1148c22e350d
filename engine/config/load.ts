/**
 * The configuration file: YAML with positions -> schemas/config.schema.json -> semantic checks
 * (duplicate accounts, unknown channels, literal secrets, poll periods) -> frozen Config with
 * defaults applied. Findings use the same located format as channel files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHANNELS_DIR, loadChannels } from '../channel/load.ts';
import { durationToMs } from '../channel/duration.ts';
import { finding, hasErrors, sortFindings, type Finding } from '../documents/finding.ts';
import type { Channel } from '../channel/model.ts';
import { parseYaml, type ParsedYaml } from '../documents/yaml.ts';
import { formatFinding } from '../documents/report/human.ts';
import { plainNamer, schemaFindings } from '../documents/schema-findings.ts';
import { toPointer } from '../documents/pointer.ts';
import { schemaFile } from '../documents/schemas.ts';
import { didYouMean } from '../documents/suggest.ts';
import { OrderwireError, type ErrorCode } from '../errors.ts';
import { parseAllowEntry } from './allowed-destinations.ts';
import type { AccountConfig, Config, EnvRef } from './model.ts';

export const CONFIG_SCHEMA_FILE = schemaFile('config');
export const DEFAULT_STORE = '.orderwire/orderwire.sqlite';
/** Personal data kept 180 days after an order's final status unless privacy.retention says otherwise. */
export const DEFAULT_RETENTION_MS = 180 * 86_400_000;
/**
 * `order.deadline_approaching` lead times: half a working day before an acceptance deadline
 * (MediaMarkt allows 48 hours, Conrad one working day), a full day before a shipping deadline.
 */
export const DEFAULT_ALERT_BEFORE_MS = Object.freeze({ acceptance: 12 * 3_600_000, shipping: 24 * 3_600_000 });

interface RawAccount {
  id: string;
  channel: string;
  base_url: string;
  auth_url?: string;
  credentials: Record<string, EnvRef>;
  enabled?: boolean;
  options?: { import_fulfilled_orders?: boolean; poll_every?: string; concurrency?: number; timeouts?: { connect?: string; response?: string }; auto_refuse?: { before_deadline: string }; budgets?: Record<string, { limit: number; per: string }> };
}
interface RawConfig {
  store?: string | EnvRef;
  channels_dir?: string;
  accounts: RawAccount[];
  daemon?: {
    action_workers?: number;
    action_max_attempts?: number;
    lease_ttl?: string;
    overlap?: string;
    safety_margin?: string;
    http?: { host?: string; port?: number; enabled?: boolean; console?: boolean };
  };
  webhooks?: { allowed_destinations?: string[]; max_endpoints_per_token?: number };
  privacy?: { retention?: string; check_every?: string };
  documents?: { store?: 'files' | 'database'; dir?: string };
  deadlines?: { alert_before?: { acceptance?: string; shipping?: string }; check_every?: string };
}

export interface ConfigValidation {
  readonly config?: Config;
  readonly findings: readonly Finding[];
}

function ms(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (durationToMs(text) ?? fallback);
}

function semanticFindings(raw: RawConfig, parsed: ParsedYaml, channels: ReadonlyMap<string, Channel>): Finding[] {
  const out: Finding[] = [];
  const report = (at: (string | number)[], part: 'key' | 'value', code: ErrorCode, message: string, suggestion?: string, secret = false): void => {
    const pointer = toPointer(at);
    const f = finding(parsed.file, parsed.locate(pointer, part), code, message, pointer, suggestion);
    out.push(secret ? secretFinding(f) : f);
  };
  if (typeof raw.store === 'string' && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(raw.store)) {
    report(['store'], 'value', 'CONFIG_LITERAL_SECRET', 'the store URL contains a password', 'write `store: { env: ORDERWIRE_STORE }` and export ORDERWIRE_STORE=postgres://...', true);
  }
  raw.webhooks?.allowed_destinations?.forEach((entry, i) => {
    const parsed = parseAllowEntry(entry);
    if ('error' in parsed) report(['webhooks', 'allowed_destinations', i], 'value', 'CONFIG_DESTINATION_INVALID', parsed.error);
  });
  if (raw.documents?.store === 'database' && raw.documents.dir !== undefined) {
    report(['documents', 'dir'], 'key', 'CONFIG_DOCUMENTS_DIR_UNUSED', 'documents.dir is set, but documents.store is database: documents are kept in the store\'s database and no directory is used', 'remove `dir:`, or set `store: files` to keep documents in that directory');
  }
  const seen = new Set<string>();
  raw.accounts.forEach((account, i) => {
    if (seen.has(account.id)) report(['accounts', i, 'id'], 'value', 'CONFIG_DUPLICATE_ACCOUNT', `account id "${account.id}" is used twice`);
    seen.add(account.id);
    const channel = channels.get(account.channel);
    if (!channel) {
      const hint = didYouMean(account.channel, channels.keys());
      report(['accounts', i, 'channel'], 'value', 'CONFIG_UNKNOWN_CHANNEL', `no channel "${account.channel}" (known: ${[...channels.keys()].join(', ')})`, hint);
      return;
    }
    if (account.options?.auto_refuse) {
      const why = autoRefusalUnavailable(channel);
      if (why) report(['accounts', i, 'options', 'auto_refuse'], 'key', 'CONFIG_AUTO_REFUSE_UNAVAILABLE', `${channel.name} cannot refuse orders automatically: ${why}`, 'remove options.auto_refuse for this account');
    }
    const wanted = account.options?.poll_every;
    const min = channel.retrieval.incremental.minEveryMs;
    if (wanted !== undefined && min !== undefined && (durationToMs(wanted) ?? 0) < min) {
      report(['accounts', i, 'options', 'poll_every'], 'value', 'CONFIG_POLL_TOO_FREQUENT', `${wanted} is shorter than ${channel.name}'s minimum poll period ${channel.retrieval.incremental.minEvery}; the minimum is used`);
    }
  });
  return out;
}

/** A finding whose located value is a secret: reports star it out instead of quoting it. */
function secretFinding(f: Finding): Finding {
  return Object.freeze({ ...f, secret: true as const });
}

/** Credentials written as plain values instead of { env: NAME } references. */
function literalSecretFindings(parsed: ParsedYaml): Finding[] {
  const accounts = (parsed.data as { accounts?: unknown } | undefined)?.accounts;
  if (!Array.isArray(accounts)) return [];
  const out: Finding[] = [];
  accounts.forEach((account: unknown, i) => {
    const credentials = (account as { credentials?: unknown } | null)?.credentials;
    if (!credentials || typeof credentials !== 'object') return;
    for (const [name, value] of Object.entries(credentials)) {
      if (typeof value === 'string' || typeof value === 'number') {
        const pointer = toPointer(['accounts', i, 'credentials', name]);
        const variable = name.toUpperCase();
        out.push(secretFinding(finding(parsed.file, parsed.locate(pointer, 'value'), 'CONFIG_LITERAL_SECRET', `credential ${name} is written in the file`, pointer, `write \`${name}: { env: ${variable} }\` and export ${variable}`)));
      }
    }
  });
  return out;
}

/** Why the daemon could not refuse this channel's orders on its own, or undefined when it can. */
function autoRefusalUnavailable(channel: Channel): string | undefined {
  const refuse = channel.actions.refuse?.byStatus.waiting_acceptance;
  if (!refuse) return 'its `refuse` action is not allowed while an order waits for acceptance';
  const needed = Object.values(refuse.fields).filter((f) => f.required && f.default === undefined).map((f) => f.name);
  if (needed.length > 0) return `its \`refuse\` action needs ${needed.join(', ')}, which the daemon cannot choose for the merchant`;
  return undefined;
}

function timeoutsMs(t: { connect?: string; response?: string }): { connect?: number; response?: number } {
  return { ...(t.connect !== undefined && { connect: durationToMs(t.connect) }), ...(t.response !== undefined && { response: durationToMs(t.response) }) };
}

/** `documents.dir` from the file, else `documents/` beside the SQLite file, else beside the configuration file. */
function documentsDir(configured: string | undefined, storeSpec: Config['store'], dir: string): string {
  if (configured !== undefined) return path.resolve(dir, configured);
  const sqlite = typeof storeSpec === 'string' && !/^[a-z]+:\/\//.test(storeSpec) ? storeSpec.replace(/^sqlite:/, '') : undefined;
  return path.join(sqlite && sqlite !== ':memory:' ? path.dirname(sqlite) : dir, 'documents');
}

function build(raw: RawConfig, file: string, channelsDir: string): Config {
  const dir = path.dirname(file);
  const store = raw.store ?? DEFAULT_STORE;
  const storeSpec = typeof store !== 'string' || /^[a-z]+:\/\//.test(store) ? store : store.startsWith('sqlite:') ? `sqlite:${path.resolve(dir, store.slice(7))}` : path.resolve(dir, store);
  const d = raw.daemon ?? {};
  const accounts: AccountConfig[] = raw.accounts.map((a) =>
    Object.freeze({
      id: a.id,
      channel: a.channel,
      baseUrl: a.base_url,
      ...(a.auth_url !== undefined && { authUrl: a.auth_url }),
      credentials: Object.freeze({ ...a.credentials }),
      enabled: a.enabled ?? true,
      importFulfilledOrders: a.options?.import_fulfilled_orders ?? false,
      ...(a.options?.poll_every !== undefined && { pollEveryMs: durationToMs(a.options.poll_every) }),
      concurrency: a.options?.concurrency ?? 2,
      ...(a.options?.timeouts && { timeouts: Object.freeze(timeoutsMs(a.options.timeouts)) }),
      ...(a.options?.budgets && { budgets: Object.freeze(Object.fromEntries(Object.entries(a.options.budgets).map(([endpoint, b]) => [endpoint, Object.freeze({ limit: b.limit, perMs: durationToMs(b.per) ?? 0 })]))) }),
      ...(a.options?.auto_refuse && { autoRefuseBeforeMs: durationToMs(a.options.auto_refuse.before_deadline) }),
    }),
  );
  return Object.freeze({
    file,
    store: storeSpec,
    channelsDir,
    accounts: Object.freeze(accounts),
    daemon: Object.freeze({
      actionWorkers: d.action_workers ?? 2,
      actionMaxAttempts: d.action_max_attempts ?? 5,
      leaseTtlMs: ms(d.lease_ttl, 60_000),
      overlapMs: ms(d.overlap, 120_000),
      safetyMarginMs: ms(d.safety_margin, 30_000),
      http: Object.freeze({ host: d.http?.host ?? '127.0.0.1', port: d.http?.port ?? 8080, enabled: d.http?.enabled ?? true, console: d.http?.console ?? true }),
    }),
    webhooks: Object.freeze({
      allowedDestinations: Object.freeze([...(raw.webhooks?.allowed_destinations ?? [])]),
      maxEndpointsPerToken: raw.webhooks?.max_endpoints_per_token ?? 20,
    }),
    privacy: Object.freeze({ retentionMs: ms(raw.privacy?.retention, DEFAULT_RETENTION_MS), checkEveryMs: ms(raw.privacy?.check_every, 3_600_000) }),
    documents: Object.freeze({ store: raw.documents?.store ?? 'files', dir: documentsDir(raw.documents?.dir, storeSpec, dir) }),
    deadlines: Object.freeze({
      alertBeforeMs: Object.freeze({
        acceptance: ms(raw.deadlines?.alert_before?.acceptance, DEFAULT_ALERT_BEFORE_MS.acceptance),
        shipping: ms(raw.deadlines?.alert_before?.shipping, DEFAULT_ALERT_BEFORE_MS.shipping),
      }),
      checkEveryMs: ms(raw.deadlines?.check_every, 60_000),
    }),
  });
}

export async function validateConfigText(text: string, file: string): Promise<ConfigValidation> {
  const findings: Finding[] = [];
  const done = (config?: Config): ConfigValidation => ({ findings: sortFindings(findings), ...(config && { config }) });
  const parsed = parseYaml(text, file);
  findings.push(...parsed.findings);
  if (hasErrors(findings)) return done();
  // A literal secret says more than "wrong type": report it first, in its own words.
  const secrets = literalSecretFindings(parsed);
  const secretPointers = new Set(secrets.map((f) => f.pointer));
  findings.push(...secrets, ...schemaFindings(parsed, 'config', plainNamer('the configuration')).filter((f) => !secretPointers.has(f.pointer)));
  if (hasErrors(findings)) return done();
  const raw = parsed.data as RawConfig;
  const channelsDir = raw.channels_dir === undefined ? CHANNELS_DIR : path.resolve(path.dirname(file), raw.channels_dir);
  let loaded: Channel[];
  try {
    loaded = await loadChannels(channelsDir);
  } catch (err) {
    // A channels folder that is missing or holds a broken channel: say so at `channels_dir`.
    const reason = err instanceof OrderwireError ? err.message : (err as Error).message;
    const at = raw.channels_dir === undefined ? '' : '/channels_dir';
    findings.push(finding(parsed.file, parsed.locate(at, 'value'), 'CONFIG_CHANNELS_UNUSABLE', `the channels of ${channelsDir} cannot be loaded: ${reason}`, at, raw.channels_dir === undefined ? 'set `channels_dir:` to your channels folder' : 'fix the channel file named, or point `channels_dir` at another folder'));
    return done();
  }
  const channels = new Map(loaded.map((c) => [c.id, c] as const));
  findings.push(...semanticFindings(raw, parsed, channels));
  if (hasErrors(findings)) return done();
  return done(build(raw, path.resolve(file), channelsDir));
}

/** Loads a configuration file or throws CONFIG_INVALID with every finding located in the message. */
export async function loadConfigFile(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OrderwireError('FILE_NOT_FOUND', `no configuration file at ${file} (pass --config FILE or set ORDERWIRE_CONFIG)`, { file });
    if (code === 'EISDIR') throw new OrderwireError('FILE_UNREADABLE', `${file} is a folder, not a configuration file (pass --config FILE, e.g. ${path.join(file, 'orderwire.yaml')})`, { file });
    if (code === 'EACCES' || code === 'EPERM') throw new OrderwireError('FILE_UNREADABLE', `${file}: permission denied (the configuration file must be readable by the user running orderwire)`, { file });
    throw new OrderwireError('FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  const { config, findings } = await validateConfigText(text, file);
  if (!config) {
    const errors = findings.filter((f) => f.severity === 'error');
    throw new OrderwireError('CONFIG_INVALID', `${file} is not a valid configuration:\n${errors.map((f) => formatFinding(f, text)).join('\n')}`, { findings });
  }
  return config;
}
