/**
 * The compiled channel: what engine code works with after a channel file has been parsed,
 * validated and frozen by the loader (engine/channel/load.ts). Later code trusts this model and
 * never re-reads the YAML. Property names are camelCase here; the YAML and every JSON document
 * orderwire publishes (describe, API) use snake_case.
 */

import { ACTION_NAMES, type ActionName } from '../vocabulary/action-kinds.ts';
import { NORMALIZED_STATUSES, type NormalizedStatus } from '../vocabulary/statuses.ts';

/** The vocabulary is declared once in engine/vocabulary/; the channel model re-exports it. */
export { ACTION_NAMES, NORMALIZED_STATUSES, type ActionName, type NormalizedStatus };

export type LinePolicy = 'none' | 'optional' | 'required';
/** A part of a line an action may target instead of the whole line (`partial_lines`). */
export type LinePart = 'quantity' | 'amount';

export const FIELD_TYPES = [
  'string',
  'boolean',
  'integer',
  'number',
  'amount',
  'country',
  'url',
  'carrier',
  'reason',
  'enum',
  'date',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Where a value came from in its source file, for located messages. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ListValue {
  readonly code: string;
  readonly label: string;
  /** Carriers only: tracking URL template with {trackingId}; the marketplace computes the URL. */
  readonly trackingUrl?: string;
}

export interface ValueList {
  readonly name: string;
  readonly kind: 'carrier' | 'reason' | 'enum';
  readonly description?: string;
  readonly source?: string;
  /** Where each account's marketplace serves the list (channel `live`); `values` are the fallback. */
  readonly live?: LiveListSource;
  readonly values: readonly ListValue[];
}

/** A live list's source: the platform's reference list, the record type it keeps, how often to refresh it. */
export interface LiveListSource {
  /** The platform file's reference list (`lists.<from>`). */
  readonly from: string;
  readonly type?: string;
  readonly refresh: string;
  readonly refreshMs: number;
}

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly label?: string;
  readonly description?: string;
  /** Resolved valid values (named list or inline); absent when the field takes any value of its type. */
  readonly values?: ValueList;
  /** A value outside `values` is accepted as free text. */
  readonly freeValues: boolean;
  /** Sibling field whose registered value makes the marketplace compute this one (warning if given). */
  readonly ignoredWhenRegistered?: string;
  readonly default?: string | number | boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  /** file fields: the media types the marketplace takes, and the largest file in bytes. */
  readonly contentTypes?: readonly string[];
  readonly maxBytes?: number;
}

/** Ship with parcels (`parcels`): several parcels per order, each with its lines, units and tracking. */
export interface ParcelsSpec {
  /** A request may leave lines or units to ship later. */
  readonly partial: boolean;
  /** At most this many parcels per request. */
  readonly max?: number;
  readonly source?: string;
}

/** An action as it applies in one normalized status: the base merged with `by_status`. */
export interface ActionInStatus {
  readonly status: NormalizedStatus;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly lines: LinePolicy;
  /** What a targeted line may carry instead of being whole: some units, part of its amount. */
  readonly partialLines: readonly LinePart[];
  readonly partialAmount: boolean;
  /**
   * The order's marketplace statuses at which the action is allowed in this normalized status
   * (`by_status.<status>.marketplace_statuses`); absent: all of them.
   */
  readonly marketplaceStatuses?: readonly string[];
  /** Ship only: the action takes parcels (absent: one parcel, the whole order). */
  readonly parcels?: ParcelsSpec;
  readonly note?: string;
}

export interface ActionSpec {
  readonly name: ActionName;
  readonly label: string;
  readonly description?: string;
  readonly marketplaceName?: string;
  /** Normalized statuses where the action is allowed, in file order. */
  readonly allowedIn: readonly NormalizedStatus[];
  /** One entry per status of `allowedIn`. */
  readonly byStatus: Readonly<Partial<Record<NormalizedStatus, ActionInStatus>>>;
  readonly note?: string;
  /** Per status where this action is not allowed: the action to use instead. */
  readonly instead: Readonly<Partial<Record<NormalizedStatus, ActionName>>>;
}

export interface CustomRule {
  readonly id: string;
  readonly description?: string;
  readonly actions?: readonly ActionName[];
  readonly when?: readonly NormalizedStatus[];
  readonly severity: 'error' | 'warning';
  readonly field?: string;
  readonly message: string;
  /** json-rules-engine TopLevelCondition, as written in the file. */
  readonly conditions: Readonly<Record<string, unknown>>;
}

export interface RetrievalWindows {
  readonly incremental: { readonly every: string; readonly everyMs: number; readonly minEvery?: string; readonly minEveryMs?: number };
  readonly catchUp: { readonly every: string; readonly everyMs: number; readonly lookback: string; readonly lookbackMs: number };
}

export interface Fulfillment {
  readonly description?: string;
  readonly arrivesIn?: NormalizedStatus;
  readonly modes: readonly ListValue[];
}

export interface ChannelDeadlines {
  /** ISO-8601 duration after created_at during which an order may wait for acceptance. */
  readonly acceptance: string;
  readonly acceptanceMs: number;
  /** What the marketplace does at the limit: refuses the order, or nothing (performance only). */
  readonly onExpiry?: 'refused' | 'nothing';
  readonly source?: string;
}

/** The largest marketplace document kept, unless the channel says otherwise. */
export const DEFAULT_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024;

export interface ChannelDocuments {
  /** The marketplace's type codes to download (Mirakl OR72 `type`), exactly as listed. */
  readonly download: readonly string[];
  readonly maxBytes: number;
  readonly source?: string;
}

export interface Channel {
  readonly id: string;
  readonly name: string;
  readonly platform: string;
  readonly sources: readonly { readonly title?: string; readonly url: string }[];
  readonly retrieval: RetrievalWindows;
  readonly scope?: { readonly salesChannels: readonly string[]; readonly note?: string };
  /** Normalized status -> marketplace statuses, only the statuses the file maps, in file order. */
  readonly statuses: Readonly<Partial<Record<NormalizedStatus, readonly string[]>>>;
  readonly lineStatuses: Readonly<Partial<Record<NormalizedStatus, readonly string[]>>>;
  /** Marketplace status (exact, case-sensitive) -> normalized status, for orders. */
  readonly statusIndex: ReadonlyMap<string, NormalizedStatus>;
  /** Same for order lines: `statuses` plus `lineStatuses`. */
  readonly lineStatusIndex: ReadonlyMap<string, NormalizedStatus>;
  /** Statuses the order takes when every line has it (`status_from_lines`; Mirakl REFUNDED). */
  readonly statusFromLines: readonly NormalizedStatus[];
  readonly statusNotes: Readonly<Partial<Record<NormalizedStatus, string>>>;
  readonly fulfillment?: Fulfillment;
  /** Limits the channel declares (the marketplace does not send them with each order). */
  readonly deadlines?: ChannelDeadlines;
  /** Marketplace documents the channel downloads (a delivery slip), by the marketplace's type codes. */
  readonly documents?: ChannelDocuments;
  readonly lists: Readonly<Record<string, ValueList>>;
  readonly actions: Readonly<Partial<Record<ActionName, ActionSpec>>>;
  readonly rules: readonly CustomRule[];
  /** The file the channel was loaded from, when it came from a file. */
  readonly file?: string;
}
