/**
 * OR11 query string -> filters and paging, with Mirakl's limits: comma lists of at most 100
 * values, the 11 order-level states, max <= 100 (default 10), sort=dateCreated only. The update
 * window starts `updateDeltaMs` early, as Mirakl "subtracts a time delta to ensure no orders are
 * missed", so successive polls overlap.
 */
import { MiraklApiError } from './api-error.ts';
import { ORDER_STATES, PAYMENT_WORKFLOWS, isOrderState } from './catalog.ts';
import type { OrderFilters } from './query.ts';

export type Query = Record<string, string | string[] | undefined>;

export interface Or11Request {
  filters: OrderFilters;
  offset: number;
  max: number;
  paginate: boolean;
  desc: boolean;
}

export const MAX_LIST_VALUES = 100;
export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 10;

const bad = (message: string) => new MiraklApiError(400, undefined, message);

/** A parameter given once or repeated; repeated values are joined as one comma list. */
function raw(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function list(q: Query, name: string): string[] | undefined {
  const v = raw(q, name);
  if (v === undefined || v.trim() === '') return undefined;
  const values = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (values.length > MAX_LIST_VALUES) throw bad(`The limit of ${MAX_LIST_VALUES} is exceeded for the parameter : ${name}`);
  return values;
}

function boolean(q: Query, name: string): boolean | undefined {
  const v = raw(q, name);
  if (v === undefined || v === '') return undefined;
  if (v !== 'true' && v !== 'false') throw bad(`Invalid value '${v}' for the parameter : ${name} (expected true or false)`);
  return v === 'true';
}

function integer(q: Query, name: string): number | undefined {
  const v = raw(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw bad(`Invalid value '${v}' for the parameter : ${name} (expected an integer >= 0)`);
  return Number(v);
}

/** ISO 8601 date-time; without a zone it is read as UTC, a date alone as its midnight UTC. */
export function dateParam(q: Query, name: string): number | undefined {
  const given = raw(q, name);
  if (given === undefined || given === '') return undefined;
  // An unencoded "+01:00" arrives as " 01:00".
  const v = given.replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?([zZ]|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  const t = m ? Date.parse(m[1] === undefined ? `${v}T00:00:00Z` : m[2] === undefined ? `${v}Z` : v) : NaN;
  if (Number.isNaN(t)) throw bad(`Invalid date '${given}' for the parameter : ${name} (expected ISO 8601, e.g. 2025-03-01T10:00:00Z)`);
  return t;
}

export interface Or11Options {
  /** Added to dates read from the client (minus the fault layer's skew). */
  shiftMs: number;
  updateDeltaMs: number;
}

export function parseOr11(q: Query, opts: Or11Options): Or11Request {
  const f: OrderFilters = {};
  const ids = list(q, 'order_ids');
  if (ids) f.orderIds = ids;
  const states = list(q, 'order_state_codes');
  if (states) {
    const unknown = states.find((s) => !isOrderState(s));
    if (unknown !== undefined) throw bad(`Invalid order state code '${unknown}' for the parameter : order_state_codes (valid: ${ORDER_STATES.join(', ')})`);
    f.states = new Set(states.filter(isOrderState));
  }
  const channels = list(q, 'channel_codes');
  if (channels) f.channels = new Set(channels);
  const onlyNull = boolean(q, 'only_null_channel');
  if (onlyNull) f.onlyNullChannel = true;
  const centers = list(q, 'fulfillment_center_code');
  if (centers) f.fulfillmentCenters = new Set(centers);
  const refsCustomer = list(q, 'order_references_for_customer');
  if (refsCustomer) f.referencesForCustomer = new Set(refsCustomer);
  const refsSeller = list(q, 'order_references_for_seller');
  if (refsSeller) f.referencesForSeller = new Set(refsSeller);
  const shift = (t: number | undefined) => (t === undefined ? undefined : t + opts.shiftMs);
  const createdFrom = shift(dateParam(q, 'start_date'));
  const createdTo = shift(dateParam(q, 'end_date'));
  if (createdFrom !== undefined || createdTo !== undefined) f.created = { ...(createdFrom !== undefined ? { from: createdFrom } : {}), ...(createdTo !== undefined ? { to: createdTo } : {}) };
  const updatedFrom = shift(dateParam(q, 'start_update_date'));
  const updatedTo = shift(dateParam(q, 'end_update_date'));
  if (updatedFrom !== undefined || updatedTo !== undefined) {
    f.updated = { ...(updatedFrom !== undefined ? { from: updatedFrom - opts.updateDeltaMs } : {}), ...(updatedTo !== undefined ? { to: updatedTo } : {}) };
  }
  const debited = boolean(q, 'customer_debited');
  if (debited !== undefined) f.customerDebited = debited;
  const incident = boolean(q, 'has_incident');
  if (incident !== undefined) f.hasIncident = incident;
  const workflow = raw(q, 'payment_workflow');
  if (workflow !== undefined && workflow !== '') {
    if (!(PAYMENT_WORKFLOWS as readonly string[]).includes(workflow)) throw bad(`Invalid value '${workflow}' for the parameter : payment_workflow (valid: ${PAYMENT_WORKFLOWS.join(', ')})`);
    f.paymentWorkflow = workflow;
  }
  const taxMode = raw(q, 'order_tax_mode');
  if (taxMode !== undefined && taxMode !== '') {
    if (taxMode !== 'TAX_INCLUDED' && taxMode !== 'TAX_EXCLUDED') throw bad(`Invalid value '${taxMode}' for the parameter : order_tax_mode (valid: TAX_INCLUDED, TAX_EXCLUDED)`);
    f.taxMode = taxMode;
  }
  const max = integer(q, 'max') ?? DEFAULT_PAGE;
  if (max > MAX_PAGE) throw bad(`The max parameter must be less than or equal to ${MAX_PAGE} (got ${max})`);
  const offset = integer(q, 'offset') ?? 0;
  const paginate = boolean(q, 'paginate') ?? true;
  const sort = raw(q, 'sort');
  if (sort !== undefined && sort !== '' && sort !== 'dateCreated') throw bad(`Invalid sort '${sort}': OR11 only sorts by dateCreated`);
  const order = raw(q, 'order');
  if (order !== undefined && order !== '' && order !== 'asc' && order !== 'desc') throw bad(`Invalid order '${order}' (expected asc or desc)`);
  if (q.shop_id !== undefined) integer(q, 'shop_id');
  return { filters: f, offset, max, paginate, desc: order === 'desc' };
}
