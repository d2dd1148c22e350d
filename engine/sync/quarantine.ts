/**
 * Per-record isolation for one sync run: a record that cannot be mapped, or that the store
 * refuses, is quarantined (account, order id when it has one, raw payload, catalogue code and
 * reason) instead of failing its page or batch, so it never holds the cursor back nor blocks the
 * other records; each one is logged with its id. A record stored later (the marketplace sent a
 * good version) leaves the quarantine in that commit; the others are retried at the end of every
 * run through the connector's mapping as it is now, and leave it once they map and are stored.
 * Generic: it knows records and the Connector contract, never a platform.
 */
import type { Connector, UnmappedRecord } from '../connector/connector.ts';
import type { Logger } from '../log.ts';
import type { NormalizedOrder } from '../order/model.ts';
import type { OrderToCommit, QuarantinedRecord, Store, UpsertResult } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';

/** Quarantined records retried per run at most (oldest first): a flood never stalls the window. */
export const MAX_RETRIED_PER_RUN = 5_000;

export class RunQuarantine {
  readonly #store: Store;
  readonly #account: AccountRuntime;
  readonly #run: string;
  readonly #log: Logger;
  /** Records taken out of quarantine by this run (retried and stored). */
  released = 0;

  constructor(store: Store, account: AccountRuntime, run: string, log: Logger) {
    this.#store = store;
    this.#account = account;
    this.#run = run;
    this.#log = log;
  }

  /** Records this run met and left in quarantine (the store's count: a record stored later in the run is not one). */
  async count(): Promise<number> {
    let n = 0;
    let after: string | undefined;
    do {
      const page = await this.#store.listQuarantine({ account: this.#account.id, channel: this.#account.channel.id, run: this.#run, limit: 1_000, ...(after && { after }) });
      n += page.items.length;
      after = page.next;
    } while (after);
    return n;
  }

  /** Quarantines records the mapping refused. */
  async hold(records: readonly UnmappedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const stored = await this.#store.quarantineRecords(records.map((r) => ({
      account: this.#account.id,
      channel: this.#account.channel.id,
      ...(r.marketplace_order_id !== undefined && { marketplace_order_id: r.marketplace_order_id }),
      code: r.code,
      reason: r.reason,
      raw: r.raw,
      run: this.#run,
    })));
    for (const q of stored) {
      this.#log.warn(
        { code: q.code, quarantine_id: q.id, order: q.marketplace_order_id ?? null, attempts: q.attempts, reason: q.reason },
        'record quarantined: it could not be stored; the other records go on and later windows retry it',
      );
    }
  }

  /**
   * Commits orders with per-record isolation; the orders the store refuses are quarantined with
   * their payload. Returns the store's counts.
   */
  async commit(orders: readonly OrderToCommit[]): Promise<UpsertResult> {
    const result = await this.#store.commitOrders(orders, undefined, { isolate: true });
    const rejected = result.rejected ?? [];
    await this.hold(rejected.map((r) => {
      const order = orders[r.index]!;
      // An order the store prepared carries its record as JSON text.
      return { marketplace_order_id: order.marketplace_order_id, code: r.code, reason: r.message, raw: 'prepared' in order ? (JSON.parse(order.raw) as unknown) : order.raw };
    }));
    return result;
  }

  /**
   * Retries the account's quarantined records (but those this run just quarantined) through the
   * connector's mapping as it is now. A record that maps and is stored (or is older than the
   * stored order) leaves the quarantine; one that still fails stays, with its reason refreshed,
   * its attempts counted, and this run as its last.
   */
  async retry(connector: Connector): Promise<{ retried: number; released: number }> {
    let retried = 0;
    let after: string | undefined;
    const before = this.released;
    do {
      const page = await this.#store.listQuarantine({ account: this.#account.id, channel: this.#account.channel.id, limit: 500, ...(after && { after }) });
      after = page.next;
      const older = page.items.filter((r) => r.last_run !== this.#run);
      retried += older.length;
      await this.#retryPage(connector, older);
    } while (after && retried < MAX_RETRIED_PER_RUN);
    return { retried, released: this.released - before };
  }

  async #retryPage(connector: Connector, records: readonly QuarantinedRecord[]): Promise<void> {
    const orders: NormalizedOrder[] = [];
    const sources: QuarantinedRecord[] = [];
    const still: UnmappedRecord[] = [];
    const dropped: string[] = [];
    for (const record of records) {
      const out = connector.mapRecord(record.raw);
      if ('order' in out) {
        orders.push(out.order);
        sources.push(record);
      } else if ('unmapped' in out) {
        still.push({ ...out.unmapped, ...(out.unmapped.marketplace_order_id === undefined && record.marketplace_order_id !== undefined && { marketplace_order_id: record.marketplace_order_id }) });
      } else {
        // Now outside the channel's scope (the channel file changed): nothing to import.
        dropped.push(record.id);
      }
    }
    if (orders.length > 0) {
      const result = await this.#store.commitOrders(orders, undefined, { isolate: true });
      const refused = new Set((result.rejected ?? []).map((r) => r.index));
      const stored = sources.filter((_, i) => !refused.has(i));
      if (stored.length > 0) {
        await this.#store.releaseQuarantine(stored.map((r) => r.id));
        this.released += stored.length;
        for (const r of stored) this.#log.info({ quarantine_id: r.id, order: r.marketplace_order_id ?? null }, 'quarantined record stored: it maps now and left the quarantine');
      }
      for (const r of result.rejected ?? []) {
        const source = sources[r.index]!;
        still.push({ ...(source.marketplace_order_id !== undefined && { marketplace_order_id: source.marketplace_order_id }), code: r.code, reason: r.message, raw: source.raw });
      }
    }
    if (dropped.length > 0) await this.#store.releaseQuarantine(dropped);
    await this.hold(still);
  }
}
