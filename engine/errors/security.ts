import { defineErrors } from './define.ts';

/**
 * The back-office surface's defences (issue 13): input no store can keep, HTTP requests Node's
 * parser refuses, failed authentication from one address, webhook destinations, monotonic
 * acknowledgements. They cross HTTP as application/problem+json like every API error.
 */
export const securityErrors = defineErrors({
  INPUT_TEXT_INVALID: {
    title: 'Text with a NUL character or a lone surrogate',
    severity: 'error',
    http: 400,
    help: 'A string (a path id, a query parameter, a body field or key, a command-line argument or --data value) contains U+0000 or half of a UTF-16 surrogate pair. Neither is text a store can keep as sent (PostgreSQL refuses NUL; SQLite would cut the string at it), so the whole request is refused. The field error names the value by its JSON pointer.',
  },
  API_URI_TOO_LONG: {
    title: 'Request path too long',
    severity: 'error',
    http: 414,
    help: 'A segment of the request path (an id) is longer than the router accepts (100 characters). orderwire ids are far shorter: the URL is wrong.',
  },
  API_HEADERS_TOO_LARGE: {
    title: 'Request line or headers too large',
    severity: 'error',
    http: 431,
    help: 'The request line and headers together exceed the server\'s limit (Node\'s 16 KiB by default). Send filters as short query parameters and the token in the Authorization header only.',
  },
  API_REQUEST_TIMEOUT: {
    title: 'Request not received in time',
    severity: 'error',
    http: 408,
    help: 'The client did not send the whole request within the server\'s request timeout. Retry; if it keeps happening, check the network between the client and the daemon.',
  },
  API_AUTH_RATE_LIMITED: {
    title: 'Too many failed authentications from this address',
    severity: 'error',
    http: 429,
    help: 'Requests from this client address presented a missing, unknown or revoked token too many times in a short window, so the address is refused for a while (Retry-After says how long). Fix the token the client sends; a valid token from the same address is refused too until the window passes.',
  },
  WEBHOOK_DESTINATION_FORBIDDEN: {
    title: 'Webhook destination not allowed',
    severity: 'error',
    http: 400,
    help: 'Webhook URLs must reach public addresses: a host that is or resolves to a loopback, private (RFC 1918), link-local (169.254.0.0/16, the cloud metadata address), unique-local (fc00::/7), multicast, unspecified or otherwise reserved address is refused, at registration and again at each delivery. A receiver on the merchant\'s own network is allowed by the operator in the daemon configuration (`webhooks.allowed_destinations`: host names or CIDR ranges).',
  },
  WEBHOOK_URL_UNRESOLVABLE: {
    title: 'Webhook host name does not resolve',
    severity: 'error',
    http: 400,
    help: 'The webhook URL\'s host name has no address in DNS as the daemon sees it, so where it points cannot be checked. Register the endpoint once its DNS record exists.',
  },
  WEBHOOK_LIMIT_REACHED: {
    title: 'Too many webhook endpoints for this token',
    severity: 'error',
    http: 409,
    help: 'A token may register a limited number of live webhook endpoints (20 by default; `webhooks.max_endpoints_per_token` in the daemon configuration). Delete endpoints it no longer uses (`DELETE /v1/webhooks/{id}`) first.',
  },
  CONFIG_DESTINATION_INVALID: {
    title: 'Allowed webhook destination not understood',
    severity: 'error',
    http: 400,
    help: 'An entry of `webhooks.allowed_destinations` in the configuration is an exact host name (erp.corp.example), a wildcard on a domain (*.corp.example), an address (10.1.2.3, ::1) or a CIDR range (10.1.2.0/24, fd00::/8).',
  },
  ORDER_ACK_VERSION_OLDER: {
    title: 'Acknowledgement older than the recorded one',
    severity: 'error',
    http: 409,
    help: 'Acknowledged versions only move forward: the order was already acknowledged at a later version, and acknowledging an older one would put it back in the changes feed. Acknowledging the same version again is accepted (idempotent). The problem gives the recorded `acknowledged_version`.',
  },
});
