import { defineErrors } from './define.ts';

/** Sync runs, the action worker and the daemon. */
export const syncErrors = defineErrors({
  SYNC_PAGES_UNSTABLE: {
    title: 'Window listing never proven complete',
    severity: 'warning',
    http: 503,
    help: 'Listing a window could not prove it saw every order (its pages kept moving while orders were updated, or it saw fewer orders than the total count the marketplace announced), several times in a row. Nothing is lost: the cursor stays where it was and the next run lists the window again.',
  },
  SYNC_ACCOUNT_BUSY: {
    title: 'Account being polled',
    severity: 'error',
    http: 409,
    help: 'Another process (a daemon, or a sync that died and whose lease has not expired yet) holds the poll lease of this account. `orderwire sync` waits one lease TTL for it; run it again when that poll ends.',
  },
  SYNC_ACCOUNT_UNKNOWN: {
    title: 'Unknown account',
    severity: 'error',
    http: 404,
    help: 'The account is not in the configuration this daemon runs with.',
  },
  ORDER_NOT_FOUND: {
    title: 'Order not found',
    severity: 'error',
    http: 404,
    help: 'No stored order has this id for the account. It may not be synced yet: run a sync or wait for the next poll.',
  },
  ACTION_NOT_FOUND: {
    title: 'Action not found',
    severity: 'error',
    http: 404,
    help: 'No action has this id.',
  },
  ACTION_CONFLICTS_WITH_PENDING: {
    title: 'Action conflicts with an action pending on the order',
    severity: 'error',
    http: 409,
    help: 'Actions on one order are sent one at a time, in the order they were queued, and each is validated against the status the order will have once the pending ones took effect. This one is not allowed after them (a refuse behind a queued accept). The problem names the pending action: wait for it (GET its URL) and submit again if still wanted, or cancel it first.',
  },
  ACTION_REJECTED_BY_MARKETPLACE: {
    title: 'The marketplace refused the action',
    severity: 'error',
    http: 422,
    help: "The marketplace answered with an error other than a rate limit or server fault. Its answer is kept in the action's result.",
  },
  ACTION_TRANSIENT_FAILURE: {
    title: 'Temporary failure; the action will be retried',
    severity: 'warning',
    http: 503,
    help: 'The marketplace turned the request away before it could act (refused connection, DNS failure, 429 with Retry-After), or an unsure send (5xx, reset, timeout) was read back and had not taken effect. The worker sends it again after a backoff.',
  },
  ACTION_RETRIES_EXHAUSTED: {
    title: 'Retries exhausted',
    severity: 'error',
    http: 503,
    help: 'The action failed transiently too many times and needs attention: retry it once the marketplace is healthy, or cancel it.',
  },
  ACTION_OUTCOME_UNKNOWN: {
    title: 'Could not tell whether the action took effect',
    severity: 'error',
    http: 409,
    help: 'The request may have reached the marketplace, and the order read back neither proves that it took effect nor that it did not (or it could not be read back at all). Nothing is sent again on a guess: check the order at the marketplace (the action\'s result holds what the read-back found), then retry or cancel the action.',
  },
  ACTION_STATE_CONFLICT: {
    title: 'Action cannot change to that state',
    severity: 'error',
    http: 409,
    help: 'Only failed or needs-attention actions can be retried, and only queued, failed or needs-attention actions can be canceled.',
  },
});
