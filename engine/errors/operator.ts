import { defineErrors } from './define.ts';

/**
 * The API routes an operator screen needs (engine/api: accounts, channel files, the live stream),
 * served to the console and to any back office alike.
 */
export const operatorErrors = defineErrors({
  ACCOUNT_NOT_FOUND: {
    title: 'Account not found',
    severity: 'error',
    http: 404,
    help: 'No configured account has this id among the token\'s accounts. `GET /v1/accounts` lists the ones the token sees.',
  },
  API_STREAM_LIMIT: {
    title: 'Too many live streams for this token',
    severity: 'error',
    http: 429,
    help: 'Each token may hold a few `GET /v1/stream` connections at once (one per open console tab). Close another tab or stream, or wait for it to end, then connect again.',
  },
});
