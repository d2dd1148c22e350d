/**
 * The normalized action request: what a valid `validateAction` produces and what the sync engine
 * stores, queues and hands to the connector, which turns it into the marketplace's HTTP calls.
 * snake_case: it is stored as JSON and served by the API.
 */
import type { ActionName, NormalizedStatus } from '../channel/model.ts';
import type { ActionFinding } from './findings.ts';

export interface CarrierValue {
  /** Registered carrier code (absent for a free carrier name). */
  code?: string;
  /** The carrier's label from the channel list, or the free name as given. */
  name: string;
  /** Same as `name`; the list's wording (value lists have a code and a label). */
  label?: string;
  /** True when the carrier is in the channel's list: the marketplace computes its tracking URL. */
  registered: boolean;
  tracking_url_template?: string;
}

export interface CodedValue {
  code: string;
  label: string;
}

export interface CountryValue {
  alpha2: string;
  alpha3: string;
}

/** The part of a line an action targets (channel `partial_lines`): units, and the amount for them. */
export interface LinePartRequest {
  /** Units (0: an amount alone, a commercial gesture). */
  quantity: number;
  /** Amount, in the order's currency (the units' price when only a quantity was given). */
  amount: number;
  /** Shipping that goes with the part: set for a line's remainder (all the shipping it has left). */
  shipping_amount?: number;
}

/**
 * A file field's value: a document stored by orderwire (engine/store/files.ts) before the action
 * was submitted, by id; the connector streams its bytes from the store when it sends the action.
 */
export interface FileValue {
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
}


/** One parcel of a ship (channel `parcels`): its lines and units, and its own field values. */
export interface ParcelRequest {
  lines: { id: string; quantity: number }[];
  /** The action's fields for this parcel (carrier, tracking_number, tracking_url), normalized. */
  data: Record<string, ActionValue>;
}

export type ActionValue = string | number | boolean | CarrierValue | CodedValue | CountryValue | FileValue;

export interface ActionRequest {
  channel: string;
  account: string;
  marketplace_order_id: string;
  action: ActionName;
  /** Normalized status of the order when the action was validated. */
  status: NormalizedStatus;
  /** Targeted line ids, or null for the whole order. */
  lines: string[] | null;
  /** Lines targeted for a part only (some units, part of the amount), by line id; absent when every line is whole. */
  line_parts?: Record<string, LinePartRequest>;
  /** Accept on a subset of lines: the other lines, which the marketplace will see refused. */
  refused_lines?: string[];
  /** Refuse on a subset of lines: the other lines, which the marketplace will see accepted. */
  accepted_lines?: string[];
  /** Ship where the channel takes parcels: every parcel to send (a ship without parcels is one of every unit left). */
  parcels?: ParcelRequest[];
  /** Field values with defaults applied and values normalized (carrier, reason, country objects). */
  data: Record<string, ActionValue>;
  /** Warnings of the validation that produced the request (an ignored field, a channel rule). */
  warnings?: ActionFinding[];
}
