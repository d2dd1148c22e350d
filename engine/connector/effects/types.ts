/**
 * Effect checks: how an order read back from the marketplace proves that an action took effect,
 * or proves that it did not, after a crash or an unsure send (5xx, reset, timeout once the
 * request was written). Declared per action in the platform file (`effects:`), a strategy
 * selected by `type` like auth and pagination. Only `not_yet` lets the engine send the action
 * again; a check that cannot decide says `unclear`, with the evidence, and a human looks.
 */
import type { NormalizedOrder } from '../../order/model.ts';
import type { ActionRequest } from '../../rules/request.ts';

/** What the read-back showed, kept with the action for whoever looks at it. */
export type Evidence = Readonly<Record<string, unknown>>;

export type EffectVerdict =
  | { verdict: 'took_effect'; evidence: Evidence }
  /**
   * Safe to send (again). `doneThrough`: the endpoint of the last request whose own effect the
   * read-back already shows (Mirakl's OR23 tracking before OR24 ship): resume after it.
   * `stepsDone`: the number of requests whose effect already shows (parcels sent one per request).
   */
  | { verdict: 'not_yet'; evidence: Evidence; doneThrough?: string; stepsDone?: number }
  | { verdict: 'unclear'; evidence: Evidence; reason: string };

export interface EffectCheck {
  readonly type: string;
  /**
   * The facts of the order, before the first send, that the check compares the read-back with
   * (plain JSON, stored with the action). Undefined when the check needs none.
   */
  baseline(request: ActionRequest, order: NormalizedOrder): unknown;
  check(request: ActionRequest, order: NormalizedOrder, baseline: unknown): EffectVerdict;
}

/** Marketplace statuses, exactly as the marketplace sends them. */
export type StatusList = readonly string[];

export interface StatusEffectSpec {
  type: 'status';
  /** Order statuses that prove the action took effect. */
  reached: StatusList;
  /** Order statuses in which it has not (yet): the action may be sent. Anything else is unclear. */
  before: StatusList;
}

export interface LineDecisionsEffectSpec {
  type: 'line_decisions';
  /** Line statuses of a line not decided yet. */
  undecided: StatusList;
  /** Line statuses of an accepted line. */
  accepted: StatusList;
  /** Line statuses of a refused line. */
  refused: StatusList;
}

export interface TrackingEffectSpec {
  type: 'tracking';
  /** The tracking number the action sets (a template; default ${request.data.tracking_number}). */
  number?: string;
  /** Order statuses of a shipped order. */
  shipped: StatusList;
  /** Order statuses before shipping: the action may be sent. */
  before: StatusList;
  /** The endpoint that sets the tracking, when shipping takes another request after it. */
  tracking_step?: string;
}

export interface LineRefundsEffectSpec {
  type: 'line_refunds' | 'line_cancelations';
  /** Units each targeted line gains (a template with `line` in scope). */
  quantity: unknown;
  /** Amount each targeted line gains (a template with `line` in scope); not compared when absent. */
  amount?: unknown;
  /** Line statuses (at the first send) of lines the action leaves alone. */
  lines_except?: StatusList;
}

export interface FlagEffectSpec {
  type: 'flag';
  /** Dotted path of a boolean in the marketplace's order (raw) the action sets (Mirakl `has_invoice`). */
  path: string;
}

/** Sending the action again is harmless (Octopia: a new invoice replaces the previous one). */
export interface RepeatableEffectSpec {
  type: 'repeatable';
  /** Why, for readers of the platform file and of the evidence. */
  because: string;
}

export interface RecordEffectSpec {
  type: 'record';
  /** Dotted path of the record in the marketplace's order (raw). */
  path: string;
  /** Fields the record must have, each a template (request, order in scope). */
  equals: Readonly<Record<string, unknown>>;
  /** Order statuses in which a missing record means "not yet". Anything else is unclear. */
  before: StatusList;
}

export interface ParcelsEffectSpec {
  type: 'parcels';
  /** Order statuses in which the order may still take parcels: missing parcels mean "not yet". */
  before: StatusList;
  /** The platform sends one request per parcel, in order: the parcels that read back are steps done. */
  per_parcel_requests?: boolean;
  /** How a ship without parcels (a channel shipping whole orders) proves it took effect. */
  otherwise?: EffectSpec;
}

export type EffectSpec = StatusEffectSpec | LineDecisionsEffectSpec | TrackingEffectSpec | LineRefundsEffectSpec | RecordEffectSpec | ParcelsEffectSpec | FlagEffectSpec | RepeatableEffectSpec;
