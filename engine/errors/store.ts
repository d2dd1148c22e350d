import { defineErrors } from './define.ts';

/** Codes of the order store (SQLite or PostgreSQL): opening, migrating, and the writes it refuses. */
export const storeErrors = defineErrors({
  STORE_SPEC_INVALID: {
    title: 'Store location not understood',
    severity: 'error',
    http: 400,
    help: 'The store is a SQLite file path (optionally written sqlite:PATH) or a postgres:// / postgresql:// URL. Check --store or ORDERWIRE_STORE.',
  },
  STORE_UNAVAILABLE: {
    title: 'Store cannot be opened or reached',
    severity: 'error',
    http: 503,
    help: 'The SQLite file could not be opened (folder missing or not writable, file locked or not a database) or the PostgreSQL server refused the connection (host, port, credentials, database name). The message names the store with its password redacted.',
  },
  STORE_MIGRATION_FAILED: {
    title: 'A store migration failed',
    severity: 'error',
    http: 500,
    help: 'A numbered migration could not be applied; it was rolled back and the ones after it were not attempted. Fix the cause named in the message and run `orderwire migrate` again.',
  },
  STORE_SCHEMA_NEWER: {
    title: 'The store was migrated by a newer orderwire',
    severity: 'error',
    http: 500,
    help: 'The database records migrations this version of orderwire does not know. Run the orderwire version that migrated it (or newer); never point an older version at a newer database.',
  },
  STORE_ORDER_INVALID: {
    title: 'Order rejected by the store',
    severity: 'error',
    http: 422,
    help: 'A normalized order misses a field the store keys or compares on (account, channel, marketplace_order_id, status, updated_at with a time zone, line ids). The details name the field path, e.g. orders[3].updated_at. Nothing of the page was stored, unless the caller isolates records (a sync does: only that order is quarantined, the rest of its batch is stored).',
  },
  STORE_CONSTRAINT_VIOLATION: {
    title: 'The database refused a write',
    severity: 'error',
    http: 500,
    help: 'A database constraint or trigger rejected the write; the whole transaction (orders, events and cursor of the page) was rolled back, so nothing was half-stored. The message names the constraint.',
  },
  STORE_RECORD_REFUSED: {
    title: 'The database refused one order of a batch',
    severity: 'error',
    http: 422,
    help: 'The database refused the write of this order for its data (PostgreSQL: a text it cannot store, such as \\u0000 in a field kept as jsonb; a value out of range). A sync writes its batch again order by order and quarantines only this one (`orderwire orders --quarantined`, `GET /v1/quarantine`); it is retried by later windows.',
  },
  STORE_ARGUMENT_INVALID: {
    title: 'Invalid store query argument',
    severity: 'error',
    http: 400,
    help: 'A limit must be a positive integer; timestamps must be ISO-8601 with a time zone (Z or +hh:mm); cursor kinds are incremental or catch_up.',
  },
  STORE_PAGE_CURSOR_INVALID: {
    title: 'Invalid page cursor',
    severity: 'error',
    http: 400,
    help: 'The `after` cursor must be a `next` value returned by the same listing (orders and actions have different cursors). Start again without `after`.',
  },
  STORE_IDEMPOTENCY_KEY_REUSED: {
    title: 'Idempotency key reused for a different action',
    severity: 'error',
    http: 409,
    help: 'An action with this idempotency key is already stored with a different request. Send the same request to get the stored action back, or use a new key for a new action.',
  },
  STORE_ACTION_STATE_CONFLICT: {
    title: 'Action cannot make this transition',
    severity: 'error',
    http: 409,
    help: 'Only failed or needs_attention actions can be retried (and not while another action is pending on the order: it would jump the queue); only queued, failed or needs_attention actions can be canceled.',
  },
  STORE_ACTION_PENDING_CHANGED: {
    title: 'The order\'s pending actions changed meanwhile',
    severity: 'warning',
    http: 409,
    help: 'An action was validated after the actions then pending on its order, and another was queued or finished before it could be stored. Nothing was stored; validate it again (orderwire does so by itself when it submits).',
  },
  STORE_RUN_NOT_FOUND: {
    title: 'Sync run not found',
    severity: 'error',
    http: 404,
    help: 'finishRun was called with an id that startRun did not return on this store.',
  },
});
