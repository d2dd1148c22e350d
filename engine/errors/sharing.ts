import { defineErrors } from './define.ts';

/** Work sharing between daemons on one store: leases taken over, runs left by a dead daemon. */
export const sharingErrors = defineErrors({
  SYNC_LEASE_LOST: {
    title: 'Poll lease lost; the poll was aborted',
    severity: 'warning',
    http: 409,
    help: 'This daemon could not renew its poll lease in time (it stalled longer than daemon.lease_ttl) and another daemon took the account. Committed pages stay; the other daemon polls from the last committed cursor. Raise lease_ttl if it happens often.',
  },
  SYNC_RUN_ABANDONED: {
    title: 'A run was left running by a process that stopped',
    severity: 'warning',
    http: 409,
    help: 'The daemon or `orderwire sync` running this sync stopped (crash, kill -9) without finishing it. The next run of the account (once the poll lease expired) closed it as `abandoned` and listed the window again from the last committed cursor. Nothing is lost.',
  },
  ACTION_LEASE_LOST: {
    title: 'Action lease lost before sending',
    severity: 'warning',
    http: 409,
    help: 'This daemon could not renew the lease of an action it was about to send, so it did not send it: another daemon owns it now and reads the order back before any send.',
  },
});
