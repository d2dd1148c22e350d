/**
 * The lines an action targets, against the plan's line policy (none, optional, required) and the
 * order's own lines: ids must exist, and each targeted line's own status (mapped through the
 * channel's line statuses) must be one where the action is allowed.
 */
import type { NormalizedOrder, OrderLine } from '../order/model.ts';
import { mapLineStatus } from '../order/status.ts';
import { actionKind } from '../vocabulary/action-kinds.ts';
import { show } from './field-types.ts';
import type { FindingList } from './findings.ts';
import type { ActionPlan } from './plan.ts';

export interface LineSelection {
  /** Selected ids, or null for the whole order. */
  lines: string[] | null;
  /** Accept on a subset: lines still awaiting a decision that were not selected. */
  /** Lines left out of an accept or refuse: they get the opposite decision. */
  refused: string[];
}

export function orderLines(order: NormalizedOrder): OrderLine[] {
  return Array.isArray(order.lines) ? order.lines.filter((l): l is OrderLine => typeof l === 'object' && l !== null) : [];
}

const PART_KEYS: ReadonlySet<string> = new Set(['id', 'quantity', 'amount']);

/** A line given with a part: `{id, quantity?, amount?}` (line-parts.ts checks the part). */
export function isPartItem(item: unknown): item is Record<string, unknown> {
  return typeof item === 'object' && item !== null && !Array.isArray(item);
}

function lineItemId(item: unknown): unknown {
  return isPartItem(item) ? item.id : item;
}

/** Shape of the `lines` input: a non-empty list of distinct line ids (each a string, or `{id, quantity?, amount?}`), or absent. */
export function parseLines(raw: unknown, findings: FindingList): string[] | null | 'invalid' {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) {
    findings.error('ACTION_LINES_INVALID', `lines must be a list of order line ids or {id, quantity, amount} (got ${show(raw)}); omit it for the whole order`, { field: 'lines' });
    return 'invalid';
  }
  if (raw.length === 0) {
    findings.error('ACTION_LINES_INVALID', 'lines is an empty list; omit it for the whole order', { field: 'lines' });
    return 'invalid';
  }
  let valid = true;
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const id = lineItemId(item);
    if (isPartItem(item) && Object.keys(item).some((k) => !PART_KEYS.has(k))) {
      const extra = Object.keys(item).filter((k) => !PART_KEYS.has(k));
      findings.error('ACTION_LINES_INVALID', `lines[${i}] takes id, quantity and amount, not ${extra.join(', ')}`, { field: `lines[${i}].${extra[0]}` });
      valid = false;
    } else if (typeof id !== 'string' || id === '') {
      findings.error('ACTION_LINES_INVALID', `lines[${i}] must be a line id (a non-empty string), got ${show(id)}`, { field: `lines[${i}]` });
      valid = false;
    } else if (seen.has(id)) {
      findings.error('ACTION_LINES_INVALID', `line ${show(id)} is listed twice`, { field: `lines[${i}]` });
      valid = false;
    } else {
      seen.add(id);
    }
  });
  return valid ? [...seen] : 'invalid';
}

function allowsLine(plan: ActionPlan, line: OrderLine): boolean {
  const mapped = mapLineStatus(plan.channel, line.marketplace_status);
  return !mapped.unknown && plan.action.allowedIn.includes(mapped.status as never);
}

/** Checks the selection against the plan; `parsed` comes from parseLines. */
export function checkLines(plan: ActionPlan, order: NormalizedOrder, parsed: string[] | null | 'invalid', findings: FindingList): LineSelection {
  const policy = plan.rules.lines;
  const what = `${plan.action.name} at ${plan.status} on ${plan.channel.id}`;
  if (parsed === 'invalid') return { lines: null, refused: [] };
  if (parsed === null) {
    if (policy === 'required') findings.error('ACTION_LINES_REQUIRED', `${what} applies to order lines: list the lines it targets`, { field: 'lines' });
    return { lines: null, refused: [] };
  }
  if (policy === 'none') {
    findings.error('ACTION_LINES_NOT_ACCEPTED', `${what} applies to the whole order only, not to some lines`, { field: 'lines', suggestion: 'omit lines' });
    return { lines: null, refused: [] };
  }
  const byId = new Map(orderLines(order).map((l) => [String(l.id), l]));
  parsed.forEach((id, i) => {
    const line = byId.get(id);
    if (!line) {
      findings.error('ACTION_LINE_UNKNOWN', `order ${order.marketplace_order_id} has no line ${show(id)} (its lines: ${[...byId.keys()].join(', ') || 'none'})`, { field: `lines[${i}]` });
      return;
    }
    const mapped = mapLineStatus(plan.channel, line.marketplace_status);
    if (mapped.unknown) {
      findings.error('ACTION_LINE_STATUS_NOT_ALLOWED', `line ${id} has marketplace status ${show(line.marketplace_status)}, which ${plan.channel.id} does not map; ${plan.action.name} cannot be checked on it`, { field: `lines[${i}]` });
    } else if (!plan.action.allowedIn.includes(mapped.status as never)) {
      findings.error('ACTION_LINE_STATUS_NOT_ALLOWED', `line ${id} is ${mapped.status} (${line.marketplace_status}); ${plan.action.name} applies to lines in ${plan.action.allowedIn.join(', ')}`, { field: `lines[${i}]` });
    }
  });
  const selected = new Set(parsed);
  // Accept and refuse decide lines (Mirakl OR21 needs a decision for every line): the lines left
  // out get the opposite decision.
  const refused = actionKind(plan.action.name).decidesLines
    ? [...byId.values()].filter((l) => !selected.has(String(l.id)) && allowsLine(plan, l)).map((l) => String(l.id))
    : [];
  return { lines: parsed, refused };
}
