/**
 * Both drivers implement the Store's data methods as module functions taking the driver's handle
 * first (sqlite/orders.ts, postgres/orders.ts, ...). `bindStore` turns those functions into the
 * Store's methods from one list, instead of each driver repeating forty one-line delegations.
 */
import type { Store } from '../store.ts';
import { prepareForCommit } from './prepare-order.ts';
import { TextArena } from './text-arena.ts';

type Lifecycle = 'kind' | 'capabilities' | 'migrate' | 'close' | 'ping';
/** Methods with one synchronous implementation for both drivers. */
type Shared = 'prepareOrder' | 'batchTexts';
export type DataMethod = Exclude<keyof Store, Lifecycle | Shared>;

/** Every data method of the Store, as a function of the driver's handle. */
export type DriverFunctions<Db> = {
  [K in DataMethod]: Store[K] extends (...args: infer A) => infer R ? (db: Db, ...args: A) => R | Awaited<R> : never;
};

/** The data methods by name: the compile-time check below keeps this list complete. */
export const DATA_METHODS = [
  'commitOrders', 'getCursor', 'setCursor', 'getOrder', 'getOrderById', 'listOrders', 'listOrderDocuments', 'countOrders', 'listEvents',
  'enqueueAction', 'getAction', 'getActionByKey', 'pendingActions', 'listActions', 'claimActions', 'updateAction', 'retryAction', 'cancelAction', 'renewActionLease',
  'startRun', 'finishRun', 'listRuns', 'lastSuccessfulRuns', 'abandonRuns', 'quarantineRecords', 'listQuarantine', 'releaseQuarantine', 'countQuarantine', 'saveReferenceList', 'recordReferenceListFailure', 'listReferenceLists', 'acquireLease', 'renewLease', 'releaseLease', 'takeBudget',
  'createApiToken', 'findApiToken', 'listApiTokens', 'revokeApiToken', 'acknowledgeOrder', 'reportImportError', 'getAcknowledgements', 'listOrderFeed',
  'createWebhookEndpoint', 'getWebhookEndpoint', 'listWebhookEndpoints', 'deleteWebhookEndpoint', 'claimWebhookDeliveries',
  'recordDeliveryAttempt', 'listWebhookDeliveries', 'countOrdersByStatus', 'countActionsByState', 'lastEventSeq',
  'redactExpiredPersonalData', 'erasePersonalData', 'recordDeadlineAlerts', 'recordDocumentEvent',
  'writeFileChunk', 'commitStoredFile', 'getStoredFile', 'listStoredFiles', 'readFileChunk', 'removeStoredFile', 'discardFileContent', 'discardStaleFileContents',
  'failDocumentDownload', 'clearDocumentDownload', 'claimDocumentDownloads',
] as const satisfies readonly DataMethod[];

// Fails to compile when the Store gains a data method the list above does not name.
type Unlisted = Exclude<DataMethod, (typeof DATA_METHODS)[number]>;
const listIsComplete: [Unlisted] extends [never] ? true : Unlisted = true;
void listIsComplete;

export function bindStore<Db>(db: Db, lifecycle: Pick<Store, Lifecycle>, fns: DriverFunctions<Db>): Store {
  const store: Record<string, unknown> = {
    kind: lifecycle.kind,
    capabilities: Object.freeze({ ...lifecycle.capabilities }),
    migrate: () => lifecycle.migrate(),
    close: () => lifecycle.close(),
    ping: () => lifecycle.ping(),
    prepareOrder: prepareForCommit,
    // SQLite binds an arena's bytes as they are (cast to TEXT); pg would send them as bytea, so
    // a PostgreSQL sync keeps its texts as strings.
    batchTexts: lifecycle.kind === 'sqlite' ? () => new TextArena() : () => undefined,
  };
  for (const name of DATA_METHODS) {
    const fn = fns[name] as (db: Db, ...args: unknown[]) => unknown;
    // Always a promise, whether the driver is synchronous (node:sqlite) or not (pg).
    store[name] = async (...args: unknown[]) => fn(db, ...args);
  }
  return Object.freeze(store) as unknown as Store;
}
