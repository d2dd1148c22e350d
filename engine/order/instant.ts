/**
 * The normalized order's instants are UTC ISO-8601 with milliseconds and Z, as
 * Date.prototype.toISOString prints them. Most marketplace dates arrive in that form already:
 * recognising it saves a Date and a string per date on the mapping and the store's paths. The
 * check itself sits with the schemas' `date-time` format, the lowest layer that needs it
 * (documents/date-time-format.ts), so both answer alike.
 */
export { isCanonicalInstant } from '../documents/date-time-format.ts';
