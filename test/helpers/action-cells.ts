/**
 * Every seller action of both channels as a "cell" that `orderwire run` daemons deliver, for the
 * exactly-once tests (test/exactly-once-matrix.test.ts, test/exactly-once-kill-loop.test.ts):
 * Worten on the Mirakl simulator, Cdiscount on the Octopia simulator, and OR29's cancel through a
 * Mirakl channel that offers it. A cell creates its own order at the marketplace, stores it as a
 * poll would and queues its action; its verdict reads the marketplace's call log (each request of
 * the action applied once, none refused) and the order the marketplace now shows.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { CHANNELS_DIR, loadChannelFile } from '../../engine/channel/load.ts';
import type { Channel } from '../../engine/channel/model.ts';
import type { Connector } from '../../engine/connector/connector.ts';
import { createConnector, loadPlatform } from '../../engine/connector/declarative.ts';
import type { NormalizedOrder } from '../../engine/order/model.ts';
import { FileStore } from '../../engine/store/files.ts';
import { openStore } from '../../engine/store/open.ts';
import type { Store, StoredAction } from '../../engine/store/store.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import { submitAction } from '../../engine/sync/submit-action.ts';
import { adminCreateOrder, type CallEntry } from './sim-admin.ts';
import { connectionUrls, platformCredentials } from './sync-harness.ts';

export type Kind = 'mirakl' | 'octopia';
export type CellAccount = 'worten' | 'miraklcancel' | 'cdiscount';
export const ACCOUNTS: readonly CellAccount[] = ['worten', 'miraklcancel', 'cdiscount'];

export interface Cell {
  name: string;
  kind: Kind;
  /** Account of the daemon's config (a channel). */
  account: CellAccount;
  create: Record<string, unknown>;
  action: string;
  data?: (order: string) => Record<string, unknown>;
  /** Which lines, by index, when the action targets some. */
  lines?: number[];
  /** Lines by index with their parts (channel `partial_lines`): some units, an amount; none: the whole line. */
  parts?: Array<{ line: number; quantity?: number; amount?: number }>;
  /** Ship with parcels (channel `parcels`): each parcel's lines by index (units, or every unit left) and fields. */
  parcels?: Array<{ lines: Array<{ line: number; quantity?: number }>; data: (order: string) => Record<string, unknown> }>;
  /**
   * The requests the action sends, by path suffix, a suffix repeated once per request (Mirakl
   * ST01, one call per parcel); the matrix's fault strikes the first unspent match of the last.
   */
  requests: string[];
  /** The action's file field: the invoice fixture is stored in the daemon's document store and sent in it. */
  file?: string;
}

/** The invoice the upload cells send (a real PDF). */
export const INVOICE_FIXTURE = path.resolve(import.meta.dirname, '../fixtures/documents/invoice-F2025-0042.pdf');

export const CELLS: readonly Cell[] = [
  { name: 'Worten accept', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'accept', requests: ['/accept'] },
  { name: 'Worten refuse', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'refuse', requests: ['/accept'] },
  { name: 'Worten partial accept', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'accept', lines: [0], requests: ['/accept'] },
  { name: 'Worten partial refuse', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'refuse', lines: [1], requests: ['/accept'] },
  { name: 'Worten ship (OR23 then OR24)', kind: 'mirakl', account: 'worten', create: { state: 'SHIPPING', lines: 1 }, action: 'ship', data: (o) => ({ tracking_number: `T-${o}`, carrier: 'UPS' }), requests: ['/tracking', '/ship'] },
  { name: 'Worten refund of one line', kind: 'mirakl', account: 'worten', create: { state: 'SHIPPED', lines: 2 }, action: 'refund', data: () => ({ reason: '15' }), lines: [1], requests: ['/api/orders/refund'] },
  { name: 'Worten refund of all lines', kind: 'mirakl', account: 'worten', create: { state: 'SHIPPED', lines: 2 }, action: 'refund', data: () => ({ reason: '15' }), requests: ['/api/orders/refund'] },
  { name: 'Mirakl partial refund (1 unit of a line, an amount of another)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPED', lines: 2, quantity: 2 }, action: 'refund', data: () => ({ reason: '15' }), parts: [{ line: 0, quantity: 1 }, { line: 1, amount: 0.5 }], requests: ['/api/orders/refund'] },
  { name: 'Mirakl cancel_lines (OR30: 1 unit of a line, another whole)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPING', lines: 2, quantity: 2 }, action: 'cancel_lines', data: () => ({ reason: '35' }), parts: [{ line: 0, quantity: 1 }, { line: 1 }], requests: ['/api/orders/cancel'] },
  {
    name: 'Mirakl ship in two parcels (ST01 per parcel: 1 unit, then the rest of both lines)',
    kind: 'mirakl',
    account: 'miraklcancel',
    create: { state: 'SHIPPING', lines: 2, quantity: 2 },
    action: 'ship',
    parcels: [
      { lines: [{ line: 0, quantity: 1 }], data: (o) => ({ carrier: 'UPS', tracking_number: `A-${o}` }) },
      { lines: [{ line: 0, quantity: 1 }, { line: 1 }], data: (o) => ({ carrier: 'UPS', tracking_number: `B-${o}` }) },
    ],
    requests: ['/api/shipments', '/api/shipments'],
  },
  { name: 'Mirakl cancel (OR29)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPING', lines: 2 }, action: 'cancel', requests: ['/cancel'] },
  { name: 'Mirakl upload_invoice (OR74, multipart from the document store)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPING', lines: 1 }, action: 'upload_invoice', file: 'invoice', requests: ['/documents'] },
  { name: 'Cdiscount accept', kind: 'octopia', account: 'cdiscount', create: { status: 'WaitingAcceptance', lines: 2 }, action: 'accept', requests: ['/approval-status'] },
  { name: 'Cdiscount refuse', kind: 'octopia', account: 'cdiscount', create: { status: 'WaitingAcceptance', lines: 2 }, action: 'refuse', requests: ['/approval-status'] },
  { name: 'Cdiscount ship', kind: 'octopia', account: 'cdiscount', create: { status: 'InPreparation', lines: 2 }, action: 'ship', data: (o) => ({ tracking_number: `P-${o}`, carrier: 'Colissimo' }), requests: ['/shipments'] },
  { name: 'Cdiscount refund (whole order: no line-level refund)', kind: 'octopia', account: 'cdiscount', create: { status: 'Shipped', lines: 2 }, action: 'refund', data: () => ({ refund_reason: 'ClientClaim' }), requests: ['/cancellation-requests'] },
];

/** What the proxy answers in the platform's own error shape (so the engine reads it as the marketplace's answer). */
export const ERROR_BODY: Record<Kind, (status: number) => { contentType: string; body: string }> = {
  mirakl: (status) => ({ contentType: 'application/json', body: JSON.stringify({ status, message: 'Bad Gateway' }) }),
  octopia: (status) => ({ contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status, detail: 'upstream failed' }) }),
};

export const TERMINAL = new Set(['succeeded', 'failed', 'needs_attention', 'canceled']);

export function kindOf(account: CellAccount): Kind {
  return account === 'cdiscount' ? 'octopia' : 'mirakl';
}

/** Both simulators (frozen time an hour back: every order is inside the daemon's first window, none moves on its own) and the channels. */
export interface CellWorld {
  sims: Record<Kind, StartedSimulator>;
  channelsDir: string;
  /** The daemons' document store (config documents.dir): where upload cells keep their file. */
  documents: FileStore;
  channels: Record<CellAccount, Channel>;
  close(): Promise<void>;
}

export async function startCellWorld(): Promise<CellWorld> {
  const start = new Date(Date.now() - 3_600_000);
  const sims = {
    mirakl: await startSimulator('mirakl', { orders: 0, seed: 41, speed: 0, start }),
    octopia: await startSimulator('octopia', { orders: 0, seed: 42, speed: 0, start }),
  };
  const channelsDir = await mkdtemp(path.join(tmpdir(), 'orderwire-cells-channels-'));
  for (const name of ['worten', 'cdiscount']) await copyFile(path.join(CHANNELS_DIR, `${name}.yaml`), path.join(channelsDir, `${name}.yaml`));
  await copyFile(path.resolve(import.meta.dirname, '../fixtures/channels/matrix/miraklcancel.yaml'), path.join(channelsDir, 'miraklcancel.yaml'));
  const channels = {
    worten: await loadChannelFile(path.join(channelsDir, 'worten.yaml')),
    miraklcancel: await loadChannelFile(path.join(channelsDir, 'miraklcancel.yaml')),
    cdiscount: await loadChannelFile(path.join(channelsDir, 'cdiscount.yaml')),
  };
  const documentsDir = await mkdtemp(path.join(tmpdir(), 'orderwire-cells-documents-'));
  const documents = new FileStore(documentsDir);
  return {
    sims,
    channelsDir,
    documents,
    channels,
    async close() {
      await Promise.all(Object.values(sims).map((s) => s.close()));
      await rm(channelsDir, { recursive: true, force: true });
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

export interface DaemonConfigOptions {
  /** The store: a SQLite file or a PostgreSQL URL (passed through ORDERWIRE_STORE). */
  store: string;
  /** Where the daemon reaches each marketplace (a simulator, or a fault proxy in front of it). */
  baseUrls: Record<Kind, string>;
  /** The response timeout of every account (ISO-8601). */
  responseTimeout: string;
  leaseTtl: string;
  /** daemon.action_workers (default 32: every cell in flight at once). */
  actionWorkers?: number;
}

/** An `orderwire.yaml` with one account per channel, credentials from environment variables; returns its path and that environment. */
export async function writeDaemonConfig(world: CellWorld, dir: string, options: DaemonConfigOptions): Promise<{ configFile: string; env: Record<string, string | undefined> }> {
  const env: Record<string, string | undefined> = { ORDERWIRE_STORE: options.store, ORDERWIRE_LOG_LEVEL: 'warn' };
  const lines = ['store: { env: ORDERWIRE_STORE }', `channels_dir: ${world.channelsDir}`, 'accounts:'];
  for (const account of ACCOUNTS) {
    const kind = kindOf(account);
    const urls = connectionUrls({ kind, baseUrl: options.baseUrls[kind] });
    lines.push(`  - id: ${account}-m`, `    channel: ${account}`, `    base_url: ${urls.baseUrl}`);
    if (urls.authUrl !== undefined) lines.push(`    auth_url: ${urls.authUrl}`);
    lines.push('    credentials:');
    for (const [name, value] of Object.entries(platformCredentials(world.sims[kind]))) {
      const variable = `CELLS_${account}_${name}`.toUpperCase();
      lines.push(`      ${name}: { env: ${variable} }`);
      env[variable] = value;
    }
    // Every cell's request in flight at once.
    lines.push('    options:', '      concurrency: 16', `      timeouts: { connect: PT5S, response: ${options.responseTimeout} }`);
    // Daemons on one store share OR11's once-a-minute budget (read-backs included); the simulator
    // enforces none, so a restarted daemon need not wait a minute behind the one killed.
    if (kind === 'mirakl') lines.push('      budgets: { OR11: { limit: 600, per: PT1M } }');
  }
  lines.push(`documents: { dir: ${world.documents.dir} }`);
  lines.push('daemon:', `  lease_ttl: ${options.leaseTtl}`, `  action_workers: ${options.actionWorkers ?? 32}`, '  http: { enabled: false }', '');
  const configFile = path.join(dir, 'orderwire.yaml');
  await writeFile(configFile, lines.join('\n'));
  return { configFile, env };
}

/** The account as the engine resolves it, talking to the simulator directly. */
export function runtimeOf(world: CellWorld, account: CellAccount): AccountRuntime {
  const sim = world.sims[kindOf(account)];
  return { id: `${account}-m`, channel: world.channels[account], ...connectionUrls(sim), credentials: platformCredentials(sim), enabled: true, importFulfilledOrders: false, pollEveryMs: 900_000, concurrency: 2 };
}

async function withConnector<T>(world: CellWorld, account: CellAccount, use: (connector: Connector) => Promise<T>): Promise<T> {
  const runtime = runtimeOf(world, account);
  const connector = createConnector({ account: runtime.id, channel: runtime.channel, ...connectionUrls(world.sims[kindOf(account)]), credentials: runtime.credentials }, await loadPlatform(runtime.channel.platform), { budgets: false, files: world.documents });
  try {
    return await use(connector);
  } finally {
    await connector.close();
  }
}

/** The order as the marketplace shows it now (read directly, not through any proxy). */
export function readAtMarketplace(world: CellWorld, account: CellAccount, order: string): Promise<NormalizedOrder | undefined> {
  return withConnector(world, account, (connector) => connector.getOrder(order));
}

export interface PreparedCell {
  cell: Cell;
  order: string;
  action: StoredAction;
}

/** Creates the cell's order at the marketplace, stores it as a poll would, and queues the action. */
export async function prepareCell(world: CellWorld, store: Store, cell: Cell): Promise<PreparedCell> {
  const { order_id: order } = await adminCreateOrder(world.sims[cell.kind].baseUrl, cell.create);
  const read = await readAtMarketplace(world, cell.account, order);
  if (!read) throw new Error(`${cell.name}: order ${order} not readable`);
  await store.commitOrders([read]);
  const file = cell.file ? await world.documents.put(createReadStream(INVOICE_FIXTURE), { file_name: `invoice-${order}.pdf`, content_type: 'application/pdf', maxBytes: 1_000_000 }) : undefined;
  const data = { ...cell.data?.(order), ...(cell.file && file && { [cell.file]: { id: file.id, file_name: file.file_name, content_type: file.content_type, size: file.size, sha256: file.sha256 } }) };
  const submitted = await submitAction(store, runtimeOf(world, cell.account), {
    marketplaceOrderId: order,
    name: cell.action,
    ...(Object.keys(data).length > 0 && { data }),
    ...(cell.lines && { lines: cell.lines.map((i) => read.lines[i]!.id) }),
    ...(cell.parts && { lines: cell.parts.map(({ line, ...part }) => ({ id: read.lines[line]!.id, ...part })) }),
    ...(cell.parcels && { parcels: cell.parcels.map((p) => ({ lines: p.lines.map(({ line, quantity }) => (quantity === undefined ? read.lines[line]!.id : { id: read.lines[line]!.id, quantity })), ...p.data(order) })) }),
  });
  if (submitted.kind !== 'queued') throw new Error(`${cell.name}: ${JSON.stringify(submitted)}`);
  return { cell, order, action: submitted.action };
}

/** What the marketplace saw of one order's changes: requests that change state naming it. */
export function changesOf(calls: readonly CallEntry[], order: string): CallEntry[] {
  return calls.filter((c) => c.method !== 'GET' && !c.path.includes('/token') && (c.path.includes(order) || JSON.stringify(c.body ?? '').includes(order)));
}

export interface Delivery {
  /** Per request of the action, how many times the marketplace applied it (answered 2xx). */
  applied: number[];
  /** Requests naming the order that the marketplace refused (4xx/5xx of its own). */
  refused: CallEntry[];
  /** True when every request was applied exactly once and none refused. */
  once: boolean;
  /** "/accept x1, /ship x1" and the refusals, for messages. */
  describe: string;
}

/** How the marketplace's call log saw one cell's action delivered. */
export function deliveryOf(cell: Cell, order: string, calls: readonly CallEntry[]): Delivery {
  const changes = changesOf(calls, order);
  const applied = cell.requests.map((suffix) => changes.filter((c) => c.path.endsWith(suffix) && c.status !== null && c.status < 300).length);
  const refused = changes.filter((c) => c.status !== null && c.status >= 400);
  // A suffix listed n times (one call per parcel) is applied n times.
  const once = applied.every((n, i) => n === cell.requests.filter((r) => r === cell.requests[i]).length) && refused.length === 0;
  const text = `applied ${cell.requests.map((r, i) => `${r} x${applied[i]}`).join(', ')}${refused.length ? `, refused ${refused.map((c) => `${c.method} ${c.path} ${c.status}`).join('; ')}` : ''}`;
  return { applied, refused, once, describe: text };
}

/**
 * The order's state at the marketplace, without what differs between orders (ids, prices,
 * dates, quantities: a partial action on a line of random quantity may or may not cover it):
 * statuses, and per line how many refunds and cancelations it carries. Two orders created alike
 * and actioned alike show the same outcome.
 */
export function outcomeOf(order: NormalizedOrder): unknown {
  return {
    status: order.status,
    marketplace_status: order.marketplace_status,
    tracking: order.tracking?.number !== undefined,
    // Mirakl OR11: a customer invoice is on the order (OR74).
    has_invoice: (order.raw as { has_invoice?: boolean } | undefined)?.has_invoice ?? null,
    parcels: order.parcels?.length ?? 0,
    lines: order.lines.map((l) => ({
      status: l.status,
      refunds: l.refunds?.length ?? 0,
      cancelations: l.cancelations?.length ?? 0,
    })),
  };
}

/**
 * What each cell's action does to an order when it is sent once, without any fault: a fresh
 * order per cell, its action validated (in a scratch store) and sent straight to the
 * marketplace, the order read back. The outcome a faulted delivery must end with.
 */
export async function controlOutcomes(world: CellWorld): Promise<Map<Cell, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-cells-control-'));
  const store = await openStore(path.join(dir, 'control.sqlite'));
  try {
    await store.migrate();
    const outcomes = new Map<Cell, unknown>();
    for (const cell of CELLS) {
      const { order, action } = await prepareCell(world, store, cell);
      const after = await withConnector(world, cell.account, async (connector) => {
        const before = await connector.getOrder(order);
        const sent = await connector.sendAction(action.request, before!);
        if (sent.kind !== 'succeeded') throw new Error(`control ${cell.name}: ${JSON.stringify(sent)}`);
        return connector.getOrder(order);
      });
      outcomes.set(cell, outcomeOf(after!));
    }
    return outcomes;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
