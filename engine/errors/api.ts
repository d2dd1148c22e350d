import { defineErrors } from './define.ts';

/**
 * The back-office HTTP API (engine/api): authentication, request validation, limits, webhooks,
 * API tokens. Every error crosses HTTP as application/problem+json with this code and, where the
 * input is at fault, `errors: [{field, code, message}]`.
 */
export const apiErrors = defineErrors({
  API_AUTH_REQUIRED: {
    title: 'API token required',
    severity: 'error',
    http: 401,
    help: 'Send the token in the Authorization header: `Authorization: Bearer ow_...`. Create one with `orderwire token create --account <id>`.',
  },
  API_TOKEN_INVALID: {
    title: 'API token unknown or revoked',
    severity: 'error',
    http: 401,
    help: 'The bearer token does not match a live token of this deployment (mistyped, revoked, or created against another store). `orderwire token list` shows the live tokens by prefix.',
  },
  API_ACCOUNT_FORBIDDEN: {
    title: 'Account outside the token\'s scope',
    severity: 'error',
    http: 403,
    help: 'The request names an account this token is not scoped to. Tokens see and act only on the accounts given at creation (`--account`). Orders, actions and webhooks of other accounts answer 404, so their existence is not revealed.',
  },
  API_REQUEST_INVALID: {
    title: 'Request does not match the API schema',
    severity: 'error',
    http: 400,
    help: 'A path parameter, query parameter or body field is missing, unknown or of the wrong type. `errors` lists each one with a JSON pointer (`/body/data`, `/query/limit`); the OpenAPI document (/openapi.json, browsable at /docs) describes every route.',
  },
  API_BODY_TOO_LARGE: {
    title: 'Request body too large',
    severity: 'error',
    http: 413,
    help: 'Request bodies are limited (64 KiB by default). Seller actions and acknowledgements are small: a larger body is a client bug.',
  },
  API_UNSUPPORTED_MEDIA_TYPE: {
    title: 'Unsupported content type',
    severity: 'error',
    http: 415,
    help: 'Send request bodies as JSON with `Content-Type: application/json`.',
  },
  API_RATE_LIMITED: {
    title: 'Too many requests for this token',
    severity: 'error',
    http: 429,
    help: 'Each token has a request budget per time window. Wait the number of seconds in the Retry-After header, then continue.',
  },
  API_ROUTE_NOT_FOUND: {
    title: 'No such API route',
    severity: 'error',
    http: 404,
    help: 'The method and path match no route. Business routes live under /v1; /openapi.json lists them all.',
  },
  API_ORDER_VERSION_INVALID: {
    title: 'Acknowledged version is not a version of the order',
    severity: 'error',
    http: 409,
    help: 'An acknowledgement names the order version the back office imported: at least 1 and at most the order\'s current version. Read the order again and acknowledge the version you imported.',
  },
  API_ACTION_DENIED: {
    title: 'Action not valid for the order',
    severity: 'error',
    http: 422,
    help: 'The action failed the channel\'s validation; `errors` lists every finding with the same codes as `orderwire check` (ACTION_*), its field and a suggestion. Nothing was queued.',
  },
  API_NOT_READY: {
    title: 'Not ready',
    severity: 'error',
    http: 503,
    help: 'The store is unreachable or not migrated, or no channel is loaded. /readyz reports which check fails.',
  },
  WEBHOOK_NOT_FOUND: {
    title: 'Webhook endpoint not found',
    severity: 'error',
    http: 404,
    help: 'No live webhook endpoint has this id for the token\'s accounts (it may have been deleted).',
  },
  WEBHOOK_URL_INVALID: {
    title: 'Webhook URL not allowed',
    severity: 'error',
    http: 400,
    help: 'A webhook URL is an absolute http or https URL without user name or password.',
  },
  WEBHOOK_SECRET_KEY_MISSING: {
    title: 'ORDERWIRE_SECRET_KEY is not set',
    severity: 'error',
    http: 503,
    help: 'Webhook signing secrets are derived from the ORDERWIRE_SECRET_KEY environment variable (at least 32 characters) and the endpoint id, never stored. Set it in the daemon\'s environment, and keep it: changing it changes every endpoint\'s secret.',
  },
  API_TOKEN_ACCOUNT_UNKNOWN: {
    title: 'Token account not in the configuration',
    severity: 'error',
    http: 400,
    help: '`orderwire token create --account` takes account ids of the configuration file; the message lists them.',
  },
  API_TOKEN_NOT_FOUND: {
    title: 'API token not found',
    severity: 'error',
    http: 404,
    help: '`orderwire token revoke` takes a token id as printed by `orderwire token list`.',
  },
});
