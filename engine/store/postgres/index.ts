/** The PostgreSQL store: several daemons share one database and split the work through it. */
import { shippedMigrations } from '../migrations.ts';
import type { ActionPatch } from '../shared/action-rules.ts';
import type { NewRun, RunFinish } from '../shared/run-rules.ts';
import type { ActionState, NewAction, OrderFilter, Store, WindowKind } from '../store.ts';
import type { NormalizedOrder } from '../../order/model.ts';
import type { DeliveryAttempt, WebhookEventType } from '../api-store.ts';
import * as actions from './actions.ts';
import * as api from './api.ts';
import { PgDb, type PostgresStoreOptions } from './db.ts';
import { appliedVersion, migratePostgres } from './migrate.ts';
import * as orders from './orders.ts';
import * as runs from './runs.ts';
import * as sharing from './sharing.ts';

export type { PostgresStoreOptions } from './db.ts';

/** Opens a pool and checks the server answers (STORE_UNAVAILABLE otherwise, URL redacted). */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const db = new PgDb(url, options);
  try {
    await db.query('SELECT 1');
  } catch (err) {
    await db.end().catch(() => undefined);
    throw err;
  }
  return new PostgresStore(db);
}

class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly #db: PgDb;
  #closed = false;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async migrate(): Promise<string[]> {
    return migratePostgres(this.#db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.end();
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      return (await appliedVersion(this.#db)) === shippedMigrations('postgres').at(-1)?.version;
    } catch {
      return false;
    }
  }

  async commitOrders(list: NormalizedOrder[], cursor?: { account: string; channel: string; kind: WindowKind; position: string }) {
    return orders.commitOrders(this.#db, list, cursor);
  }

  async getCursor(account: string, channel: string, kind: WindowKind) {
    return orders.getCursor(this.#db, account, channel, kind);
  }

  async setCursor(account: string, channel: string, kind: WindowKind, position: string) {
    await orders.setCursor(this.#db, account, channel, kind, position);
  }

  async getOrder(account: string, channel: string, marketplaceOrderId: string) {
    return orders.getOrder(this.#db, account, channel, marketplaceOrderId);
  }

  async getOrderById(id: string) {
    return orders.getOrderById(this.#db, id);
  }

  async listOrders(filter: OrderFilter) {
    return orders.listOrders(this.#db, filter);
  }

  async countOrders(filter: Omit<OrderFilter, 'after' | 'limit'> = {}) {
    return orders.countOrders(this.#db, filter);
  }

  async listEvents(filter: { after?: number; order_id?: string; account?: string | string[]; limit?: number }) {
    return orders.listEvents(this.#db, filter);
  }

  async enqueueAction(action: NewAction) {
    return actions.enqueueAction(this.#db, action);
  }

  async getAction(id: string) {
    return actions.getAction(this.#db, id);
  }

  async listActions(filter: { state?: ActionState | ActionState[]; account?: string | string[]; marketplace_order_id?: string; limit?: number; after?: string }) {
    return actions.listActions(this.#db, filter);
  }

  async claimActions(owner: string, leaseMs: number, limit: number, now?: Date) {
    return actions.claimActions(this.#db, owner, leaseMs, limit, now);
  }

  async updateAction(id: string, owner: string, patch: ActionPatch) {
    return actions.updateAction(this.#db, id, owner, patch);
  }

  async retryAction(id: string) {
    return actions.retryAction(this.#db, id);
  }

  async cancelAction(id: string) {
    return actions.cancelAction(this.#db, id);
  }

  async startRun(run: NewRun) {
    return runs.startRun(this.#db, run);
  }

  async finishRun(id: string, patch: RunFinish) {
    await runs.finishRun(this.#db, id, patch);
  }

  async listRuns(filter: { account?: string; limit?: number }) {
    return runs.listRuns(this.#db, filter);
  }

  async lastSuccessfulRuns() {
    return runs.lastSuccessfulRuns(this.#db);
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now?: Date) {
    return runs.acquireLease(this.#db, name, owner, ttlMs, now);
  }

  async renewLease(name: string, owner: string, ttlMs: number, now?: Date) {
    return runs.renewLease(this.#db, name, owner, ttlMs, now);
  }

  async releaseLease(name: string, owner: string) {
    await runs.releaseLease(this.#db, name, owner);
  }

  // Back-office API (migration 002_api): engine/store/postgres/api.ts.
  async createApiToken(token: { name: string; accounts: string[]; token_hash: string; prefix: string }) {
    return api.createApiToken(this.#db, token);
  }

  async findApiToken(tokenHash: string) {
    return api.findApiToken(this.#db, tokenHash);
  }

  async listApiTokens() {
    return api.listApiTokens(this.#db);
  }

  async revokeApiToken(id: string) {
    return api.revokeApiToken(this.#db, id);
  }

  async acknowledgeOrder(ack: { order_id: string; account: string; reference: string; version: number }) {
    return api.acknowledgeOrder(this.#db, ack);
  }

  async reportImportError(report: { order_id: string; account: string; message: string }) {
    return api.reportImportError(this.#db, report);
  }

  async getAcknowledgements(orderIds: string[]) {
    return api.getAcknowledgements(this.#db, orderIds);
  }

  async createWebhookEndpoint(endpoint: { url: string; accounts: string[]; events: WebhookEventType[]; description?: string }) {
    return api.createWebhookEndpoint(this.#db, endpoint);
  }

  async getWebhookEndpoint(id: string) {
    return api.getWebhookEndpoint(this.#db, id);
  }

  async listWebhookEndpoints() {
    return api.listWebhookEndpoints(this.#db);
  }

  async deleteWebhookEndpoint(id: string) {
    return api.deleteWebhookEndpoint(this.#db, id);
  }

  async claimWebhookDeliveries(owner: string, leaseMs: number, limit: number, now?: Date) {
    return api.claimWebhookDeliveries(this.#db, owner, leaseMs, limit, now);
  }

  async recordDeliveryAttempt(id: string, owner: string, attempt: DeliveryAttempt) {
    return api.recordDeliveryAttempt(this.#db, id, owner, attempt);
  }

  async listWebhookDeliveries(endpointId: string, options?: { before?: string; limit?: number }) {
    return api.listWebhookDeliveries(this.#db, endpointId, options);
  }

  async countOrdersByStatus() {
    return api.countOrdersByStatus(this.#db);
  }

  async renewActionLease(id: string, owner: string, leaseMs: number, now?: Date) {
    return sharing.renewActionLease(this.#db, id, owner, leaseMs, now);
  }

  async takeBudget(key: string, limit: number, windowMs: number, now?: Date) {
    return sharing.takeBudget(this.#db, key, limit, windowMs, now);
  }
}
