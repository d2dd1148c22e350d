import { actionNamesInWords } from '../vocabulary/action-kinds.ts';
import { defineErrors } from './define.ts';

/**
 * Seller actions: the verdicts of `validateAction` (engine/rules), the order-status mapping that
 * decides which actions apply, and channel test files (`orderwire test`). A back office matches on
 * these codes, so each names one precise problem.
 */
export const actionErrors = defineErrors({
  ORDER_STATUS_UNKNOWN: {
    title: 'Marketplace status not mapped by the channel',
    severity: 'warning',
    http: 422,
    help: 'The marketplace sent an order or line status that is not in the channel\'s `statuses` (matching is exact, letter case included). The order is kept with status `unknown` and `status_unknown: true`, and no action is allowed on it until the status is mapped. Add the status to the channel file if it is genuine.',
  },
  ACTION_UNKNOWN: {
    title: 'Unknown action for this channel',
    severity: 'error',
    http: 422,
    help: `The channel does not define this action. \`orderwire describe <channel>\` lists its actions; names are ${actionNamesInWords('and')}.`,
  },
  ACTION_STATUS_UNKNOWN: {
    title: 'Order status unknown: no action can be validated',
    severity: 'error',
    http: 409,
    help: 'The order\'s marketplace status is not mapped by the channel (see ORDER_STATUS_UNKNOWN), so orderwire cannot tell which actions apply. Map the status in the channel file, then retry.',
  },
  ACTION_NOT_ALLOWED_IN_STATUS: {
    title: 'Action not allowed in the order\'s status',
    severity: 'error',
    http: 409,
    help: 'The channel allows this action only in other statuses. The message lists where it is allowed and which action to use instead (for example: refuse before acceptance, refund afterwards).',
  },
  ACTION_MARKETPLACE_STATUS_NOT_ALLOWED: {
    title: 'Action not allowed at the order\'s marketplace status',
    severity: 'error',
    http: 409,
    help: 'The channel allows this action at the order\'s normalized status only for some of its marketplace statuses (`by_status.<status>.marketplace_statuses`), and the order is in another one. Mirakl: an order is refunded at closed only while Mirakl says RECEIVED, never once it is CLOSED. The message names the statuses where it is allowed.',
  },
  ACTION_DATA_INVALID: {
    title: 'Action data is not an object',
    severity: 'error',
    http: 400,
    help: 'Action fields are given as one JSON object of field names to values, e.g. {"tracking_number": "X1", "carrier": "UPS"}.',
  },
  ACTION_FIELD_REQUIRED: {
    title: 'Required field missing',
    severity: 'error',
    http: 422,
    help: 'The action needs this field in the order\'s current status. Empty strings and null count as missing.',
  },
  ACTION_FIELD_UNKNOWN: {
    title: 'Unknown field',
    severity: 'error',
    http: 422,
    help: 'The action does not take this field in the order\'s current status (fields can differ by status: Cdiscount\'s refund takes `reason` when accepted and `refund_reason` later). The suggestion names the closest valid field.',
  },
  ACTION_FIELD_TYPE: {
    title: 'Field value has the wrong type or format',
    severity: 'error',
    http: 422,
    help: 'string, boolean, integer, number; amount is a number >= 0; country is an ISO 3166-1 alpha-2 or alpha-3 code; url is an absolute http(s) URL; date is ISO-8601 (2024-05-31 or 2024-05-31T10:00:00Z).',
  },
  ACTION_FIELD_CONSTRAINT: {
    title: 'Field value breaks a length or pattern constraint',
    severity: 'error',
    http: 422,
    help: 'The channel limits this field\'s length or pattern (min_length, max_length, pattern).',
  },
  ACTION_FILE_TYPE_NOT_ALLOWED: {
    title: 'File of a content type the channel does not take',
    severity: 'error',
    http: 422,
    help: 'A `file` field takes only the content types the channel lists (`content_types`, see `orderwire describe <channel>`): an invoice is usually application/pdf. Nothing was sent.',
  },
  ACTION_FILE_TOO_LARGE: {
    title: 'File larger than the channel takes',
    severity: 'error',
    http: 422,
    help: 'A `file` field takes files up to the channel\'s `max_bytes` (see `orderwire describe <channel>`), the marketplace\'s own limit. Nothing was sent.',
  },
  ACTION_FIELD_VALUE_NOT_ALLOWED: {
    title: 'Value not in the channel\'s list',
    severity: 'error',
    http: 422,
    help: 'The field only takes values from a list (carriers, reasons): give the code, or the label (letter case ignored). Reason lists can depend on the order status. The message lists the valid values.',
  },
  ACTION_FIELD_IGNORED: {
    title: 'Field ignored: the marketplace computes it',
    severity: 'warning',
    http: 200,
    help: 'A value was given for a field the marketplace computes itself in this case (a tracking URL for a carrier it knows). It is not sent; remove it to silence this warning.',
  },
  ACTION_LINES_INVALID: {
    title: 'Invalid line selection',
    severity: 'error',
    http: 400,
    help: 'Lines are given as a non-empty list of distinct order line ids (strings), or omitted for the whole order.',
  },
  ACTION_LINES_NOT_ACCEPTED: {
    title: 'Action applies to the whole order only',
    severity: 'error',
    http: 422,
    help: 'The channel takes this action for the whole order, never for some lines (Cdiscount\'s refund, for example). Omit the lines.',
  },
  ACTION_LINES_REQUIRED: {
    title: 'Lines required',
    severity: 'error',
    http: 422,
    help: 'The channel takes this action line by line: list the order lines it applies to.',
  },
  ACTION_LINE_UNKNOWN: {
    title: 'Unknown order line',
    severity: 'error',
    http: 422,
    help: 'A targeted line id is not a line of this order. The message lists the order\'s line ids.',
  },
  ACTION_LINE_STATUS_NOT_ALLOWED: {
    title: 'Line status does not allow the action',
    severity: 'error',
    http: 409,
    help: 'A targeted line is in a status where the action is not allowed (already refused, shipped, refunded...), or its status is not mapped by the channel.',
  },
  ACTION_PARTIAL_AMOUNT_NOT_ALLOWED: {
    title: 'Partial amount not allowed',
    severity: 'error',
    http: 422,
    help: 'The channel does not take a partial `amount` for this action: it applies to the whole order or to whole lines. Remove `amount`.',
  },
  ACTION_AMOUNT_EXCEEDS_TOTAL: {
    title: 'Amount larger than the order total',
    severity: 'error',
    http: 422,
    help: 'A partial `amount` cannot exceed the order\'s total (totals.total).',
  },
  ACTION_LINE_PARTIAL_NOT_ALLOWED: {
    title: 'Part of a line not allowed',
    severity: 'error',
    http: 422,
    help: 'A line was given with a `quantity` or an `amount`, but the channel takes this action on whole lines only in this status (or not with that part): its `partial_lines` says which parts it takes. Give the line id alone.',
  },
  ACTION_LINE_PART_INVALID: {
    title: 'Invalid part of a line',
    severity: 'error',
    http: 422,
    help: 'A line\'s `quantity` is a whole number of units of at least 1, and its `amount` a positive amount with at most two decimals.',
  },
  ACTION_LINE_QUANTITY_EXCEEDED: {
    title: 'More units than the line has left',
    severity: 'error',
    http: 422,
    help: 'A line\'s `quantity` cannot exceed its units not yet refunded or cancelled (the order\'s `refunded` and `canceled` totals of the line). The message says how many are left.',
  },
  ACTION_PARCELS_NOT_ALLOWED: {
    title: 'Parcels not taken here',
    severity: 'error',
    http: 422,
    help: 'The request lists `parcels`, but the channel ships orders in one parcel in this status (its ship action declares no `parcels`). Send the ship with its fields alone.',
  },
  ACTION_PARCELS_INVALID: {
    title: 'Malformed parcels',
    severity: 'error',
    http: 422,
    help: '`parcels` is a non-empty list of `{lines: [{id, quantity}] or line ids, and the action\'s fields (carrier, tracking_number, ...)}`; every parcel has lines, a line appears once per parcel, and `lines` at the top of the request is left out (each parcel says its lines). The message names the parcel and the problem.',
  },
  ACTION_PARCEL_QUANTITY_EXCEEDED: {
    title: 'More units than the line has left to ship',
    severity: 'error',
    http: 422,
    help: 'The parcels of a request ship at most the units a line has left: its quantity less what was cancelled and what earlier parcels shipped (the order\'s `shipped_quantity`). The message says how many are left.',
  },
  ACTION_PARCELS_INCOMPLETE: {
    title: 'The parcels leave units unshipped',
    severity: 'error',
    http: 422,
    help: 'The channel takes no partial shipment (`parcels.partial: false`): the parcels of one request must ship every unit left. The message lists what is missing.',
  },
  ACTION_NOTHING_TO_SHIP: {
    title: 'Nothing left to ship',
    severity: 'error',
    http: 422,
    help: 'Every unit of the order is already in a parcel (or cancelled): there is nothing to ship.',
  },
  ACTION_LINE_AMOUNT_EXCEEDED: {
    title: 'More than the line has left to pay back',
    severity: 'error',
    http: 422,
    help: 'A line\'s `amount` cannot exceed what was paid for it and not yet refunded or cancelled (unit price x quantity minus the line\'s `refunded` and `canceled` amounts), nor, with a `quantity`, the price of those units.',
  },
  ACTION_RULE_VIOLATED: {
    title: 'Channel rule violated',
    severity: 'error',
    http: 422,
    help: 'A custom rule of the channel file (`rules:`) matched and forbids the action; the finding names the rule id and gives its message.',
  },
  ACTION_RULE_WARNING: {
    title: 'Channel rule warning',
    severity: 'warning',
    http: 200,
    help: 'A custom rule of the channel file (`rules:`) with severity warning matched; the action is still allowed. The finding names the rule id.',
  },
  ACTION_RULE_FAILED: {
    title: 'Channel rule could not be evaluated',
    severity: 'error',
    http: 500,
    help: 'Evaluating the channel\'s custom rules threw (an unknown operator or fact, a bad path). The action is denied rather than let through unchecked; fix the rule in the channel file.',
  },
  CHANNEL_TEST_INVALID: {
    title: 'Channel test file is invalid',
    severity: 'error',
    http: 422,
    help: 'A <channel>.test.yaml file does not match schemas/channel-test.schema.json, or a case refers to an order file that cannot be read or is not a valid order. The message gives file:line:column.',
  },
  CHANNEL_TEST_FAILED: {
    title: 'Channel test case failed',
    severity: 'error',
    http: 422,
    help: 'A case of a channel test file did not get the verdict it expects; the report shows the expected and actual status, codes and request values.',
  },
});
