/**
 * The seller action kinds, declared once: adding a kind is one entry here, then
 * `npm run generated` (the JSON Schemas: channel `actions`, platform `actions` and `effects`,
 * the description and test documents) and the platform requests that deliver it
 * (channels/platforms/*.yaml). The channel model, the API's enums and OpenAPI document, the CLI,
 * the rules, the status projection, the docs and the store all read this object; nothing else
 * lists the kinds (test/vocabulary.test.ts checks every derived list, and adds a kind to a copy
 * of the engine to prove it is accepted end to end). See engine/README.md, "Adding an action kind".
 */
import type { NormalizedStatus } from './statuses.ts';

export interface ActionKind {
  /** What the seller does, in a few words (CLI help, schema descriptions). */
  readonly summary: string;
  /**
   * Where the order goes once the action took effect on the whole order: the first of these
   * statuses the channel maps, else the last. Empty: the order keeps its status (an invoice).
   */
  readonly reaches: readonly NormalizedStatus[];
  /**
   * Where the channel diagram draws the action (the first of these the channel maps), when the
   * marketplace shows another status first: a refund usually goes through `refunding`.
   * Default: `reaches`.
   */
  readonly drawnTo?: readonly NormalizedStatus[];
  /**
   * When it names only some lines, or parts of lines: `reaches` as for the whole order, or
   * `unchanged` (the order keeps its status; another line may follow).
   */
  readonly partly: 'reaches' | 'unchanged';
  /** Moves money (refunds, cancellations): the docs say whether a partial amount may be given. */
  readonly movesMoney: boolean;
  /**
   * A decision on every line (Mirakl OR21): the lines left out of the request get the opposite
   * decision, sent as `refused_lines` (accept) or `accepted_lines` (refuse); with any such
   * line the order ends up accepted, whichever the kind.
   */
  readonly decidesLines?: 'accepts' | 'refuses';
}

export const ACTION_KINDS = {
  accept: { summary: 'accept the order (or some lines, refusing the others)', reaches: ['accepted', 'waiting_shipment'], partly: 'reaches', movesMoney: false, decidesLines: 'accepts' },
  refuse: { summary: 'refuse the order (or some lines, accepting the others)', reaches: ['refused', 'canceled'], partly: 'reaches', movesMoney: false, decidesLines: 'refuses' },
  ship: { summary: 'confirm the shipment, with carrier and tracking', reaches: ['shipped'], partly: 'reaches', movesMoney: false },
  refund: { summary: 'refund the order or some lines', reaches: ['refunded', 'refunding', 'canceled'], drawnTo: ['refunding', 'refunded', 'canceled'], partly: 'unchanged', movesMoney: true },
  cancel: { summary: 'cancel the order (or some lines) after acceptance', reaches: ['canceled'], partly: 'unchanged', movesMoney: true },
  cancel_lines: { summary: 'cancel lines, or some of their units, before shipment', reaches: ['canceled'], partly: 'unchanged', movesMoney: true },
  upload_invoice: { summary: 'send the customer invoice (a file) to the marketplace', reaches: [], partly: 'unchanged', movesMoney: false },
} as const satisfies Readonly<Record<string, ActionKind>>;

export type ActionName = keyof typeof ACTION_KINDS;

/** The kinds in declaration order (the order of every enum derived from them). */
export const ACTION_NAMES = Object.keys(ACTION_KINDS) as readonly ActionName[];

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && Object.hasOwn(ACTION_KINDS, value);
}

export function actionKind(name: ActionName): ActionKind {
  return ACTION_KINDS[name];
}

/** "accept, refuse, ship, refund, cancel or cancel_lines", for help texts. */
export function actionNamesInWords(conjunction = 'or'): string {
  return `${ACTION_NAMES.slice(0, -1).join(', ')} ${conjunction} ${ACTION_NAMES.at(-1)!}`;
}
