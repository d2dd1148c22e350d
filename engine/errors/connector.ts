import { defineErrors } from './define.ts';

/** Codes of the connector: platform files, marketplace HTTP exchanges, order mapping. */
export const connectorErrors = defineErrors({
  PLATFORM_NOT_FOUND: {
    title: 'Platform file not found',
    severity: 'error',
    http: 404,
    help: "A channel names a platform (its `platform` key) for which there is no channels/platforms/<platform>.yaml. Check the spelling, or add the platform file.",
  },
  PLATFORM_SYNTAX: {
    title: 'Platform file is not valid YAML',
    severity: 'error',
    http: 400,
    help: 'The platform file could not be parsed. The message gives file:line:column of the first syntax error.',
  },
  PLATFORM_INVALID: {
    title: 'Platform file has errors',
    severity: 'error',
    http: 400,
    help: 'A key is missing, unknown or of the wrong type, or a mapping, template or budget refers to something that does not exist. Every finding gives file:line:column; schemas/platform.schema.json documents each key.',
  },
  PLATFORM_INCONSISTENT: {
    title: 'Platform file cannot work as written',
    severity: 'error',
    http: 422,
    help: 'The platform file matches its schema, but something in it cannot work: a request path without a leading /, a GET with a body, an action without an effect check, a budget on an endpoint that is not the listing, an effect status the platform does not declare. The finding says what and where.',
  },
  PLATFORM_TEMPLATE_REFERENCE: {
    title: 'Template reference to nothing',
    severity: 'error',
    http: 422,
    help: 'A `${...}` reference in a request or effect check names a value that does not exist: a name not in scope there, a property the normalized order (schemas/order.schema.json) does not have, or `request.data.<field>` that no channel of the platform declares for that action. At run time it would be silently absent (a shipment without its tracking number), so it is refused here, with the closest existing name.',
  },
  CONNECTOR_CREDENTIAL_MISSING: {
    title: 'Account credential missing',
    severity: 'error',
    http: 400,
    help: 'The platform authenticates with a credential the account does not provide (e.g. api_key, client_id, client_secret, seller_id). Set it in the account configuration (its environment variable).',
  },
  CONNECTOR_ACTION_NOT_DECLARED: {
    title: 'Action has no request in the platform file',
    severity: 'error',
    http: 422,
    help: "The channel allows an action that the platform file does not say how to send. Add it under `actions:` in channels/platforms/<platform>.yaml.",
  },
  CONNECTOR_LIST_NOT_DECLARED: {
    title: 'Reference list not declared by the platform',
    severity: 'error',
    http: 422,
    help: "A channel list takes its live values from a platform list (`live.from`) that channels/platforms/<platform>.yaml does not declare under `lists:`. Fix the name, or declare the list's request in the platform file.",
  },
  REFERENCE_LIST_FETCH_FAILED: {
    title: 'Reference list could not be refreshed',
    severity: 'warning',
    http: 502,
    help: 'Reading a live reference list (carriers, reasons) from the marketplace failed: the marketplace refused or did not answer, or its answer had no list. Nothing is blocked: actions are validated against the last list fetched (or the channel file\'s values when none was), the failure is logged, counted (orderwire_reference_list_failures_total) and shown by `orderwire lists ACCOUNT`, and the next refresh tries again.',
  },
  REFERENCE_LIST_BUDGET_SPENT: {
    title: 'Reference list refresh not within budget',
    severity: 'warning',
    http: 429,
    help: "The marketplace allows this list's endpoint only so often (Mirakl SH21: once a day), and that budget is spent for the account. The stored list stays in use; the message says when a refresh fits again.",
  },
  CONNECTOR_TEMPLATE_VALUE_MISSING: {
    title: 'Action request needs a value that is absent',
    severity: 'error',
    http: 422,
    help: 'A request template substitutes a value inside a text (path or string) and the action or the order has no such value. Make the field required in the channel, or guard the request with `when:`.',
  },
  MARKETPLACE_AUTH_FAILED: {
    title: 'Marketplace refused the credentials',
    severity: 'error',
    http: 502,
    help: 'The marketplace answered 401 or 403 (after one token refresh for OAuth2). Check the account credentials; they are never shown in messages.',
  },
  MARKETPLACE_REJECTED: {
    title: 'Marketplace rejected the request',
    severity: 'error',
    http: 502,
    help: 'The marketplace answered with a 4xx status other than 401, 403 and 429. Such requests are not retried: the message quotes the marketplace.',
  },
  MARKETPLACE_UNAVAILABLE: {
    title: 'Marketplace unavailable',
    severity: 'error',
    http: 503,
    help: 'The marketplace kept answering 429 or 5xx after the retries of the retry policy. The run will be tried again on the next schedule.',
  },
  MARKETPLACE_UNREACHABLE: {
    title: 'Marketplace unreachable',
    severity: 'error',
    http: 503,
    help: 'Connection errors or timeouts after the retries of the retry policy. Check the base URL and the network; timeouts are configurable per platform.',
  },
  MARKETPLACE_BAD_RESPONSE: {
    title: 'Marketplace response not understood',
    severity: 'error',
    http: 502,
    help: 'A successful response was not JSON or had no record list where the platform file says it is (`records:`). The platform file or the marketplace changed.',
  },
  ORDER_OUT_OF_SCOPE: {
    title: 'Order outside the channel scope',
    severity: 'warning',
    http: 200,
    help: "The marketplace returned an order of a sales channel the channel does not cover (its `scope.sales_channels`); it is skipped and reported, never imported.",
  },
  ORDER_UNMAPPABLE: {
    title: 'Order could not be mapped',
    severity: 'error',
    http: 200,
    help: 'A marketplace order lacks a field the normalized order needs (id, status, dates, currency, line ids...), has one of the wrong type, or maps to an order that breaks the normalized order\'s schema (a currency that is no ISO 4217 code, a negative quantity). It is quarantined with the fields named (`orderwire orders --quarantined`); the rest of the page is imported, and later windows retry it.',
  },
});
