/**
 * `validateAction(channel, order, action)`: may this seller action be sent for this order now,
 * and if so, the normalized request to send. Every problem is reported at once; the function
 * never throws (a fault inside becomes an INTERNAL error finding and a denial).
 */
import type { ActionName, Channel, NormalizedStatus } from '../channel/model.ts';
import type { NormalizedOrder, OrderStatus } from '../order/model.ts';
import { mapOrderStatus } from '../order/status.ts';
import { actionKind } from '../vocabulary/action-kinds.ts';
import { compiledRules, type CompiledRules, type RunInput } from './engine.ts';
import { checkData } from './fields.ts';
import { actionFinding, FindingList, type ActionFinding } from './findings.ts';
import { checkLineParts, remainderParts } from './line-parts.ts';
import { checkLines, orderLines, parseLines, type LineSelection } from './lines.ts';
import { checkParcels } from './parcels.ts';
import { show } from './field-types.ts';
import { planKey, type ActionPlan } from './plan.ts';
import { marketplaceStatusNotAllowed, notAllowed, unknownAction, unknownStatus } from './policy.ts';
import type { ActionRequest, ActionValue, LinePartRequest, ParcelRequest } from './request.ts';

export interface ActionInput {
  name: ActionName | string;
  /** Field values, as given by the caller. */
  data?: Readonly<Record<string, unknown>>;
  /** Lines the action targets (ids, or `{id, quantity?, amount?}` where the channel takes parts); omitted or null for the whole order. */
  lines?: readonly (string | LinePartInput)[] | null;
  /** Ship where the channel takes parcels: each with its lines (ids or {id, quantity}) and field values. */
  parcels?: readonly ParcelInput[] | null;
}

/** One parcel of a ship: its lines and its values of the action's fields (carrier, tracking_number...). */
export interface ParcelInput {
  lines: readonly (string | { id: string; quantity?: number })[];
  [field: string]: unknown;
}

export interface ValidationResult {
  allowed: boolean;
  /** The order's normalized status at validation (`unknown` when its marketplace status is not mapped). */
  status: OrderStatus;
  errors: ActionFinding[];
  warnings: ActionFinding[];
  /** The request to queue, when allowed. */
  request: ActionRequest | null;
}

/** A line given with a part (channel `partial_lines`). */
export interface LinePartInput {
  id: string;
  quantity?: number;
  amount?: number;
}

interface PlanOutcome {
  errors: number;
  data: Record<string, ActionValue>;
  selection: LineSelection;
  parts: Record<string, LinePartRequest>;
  parcels?: ParcelRequest[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The status the order is in for this channel: its marketplace status, mapped now. */
function statusAtValidation(channel: Channel, order: NormalizedOrder): OrderStatus {
  return mapOrderStatus(channel, order.marketplace_status).status;
}

function evaluatePlan(plan: ActionPlan, order: NormalizedOrder, data: Record<string, unknown>, lines: string[] | null | 'invalid', rawLines: unknown, rawParcels: unknown, findings: FindingList): PlanOutcome {
  const shipped = checkParcels(plan, order, rawParcels, rawLines, data, findings);
  if (shipped) return { errors: findings.errors.length, data: shipped.data, selection: { lines: null, refused: [] }, parts: {}, parcels: shipped.parcels };
  const normalized = checkData(plan, data, order, findings);
  const selection = checkLines(plan, order, lines, findings);
  const parts = lines === 'invalid' || selection.lines === null ? {} : checkLineParts(plan, order, rawLines, findings);
  // Refunds and cancellations of lines already partly refunded or cancelled ask for what is left.
  if (lines !== 'invalid') remainderParts(plan, order, selection.lines, rawLines, parts, findings);
  return { errors: findings.errors.length, data: normalized, selection, parts };
}

function buildRequest(order: NormalizedOrder, name: ActionName, status: NormalizedStatus, outcome: PlanOutcome, warnings: ActionFinding[]): ActionRequest {
  return {
    channel: order.channel,
    account: order.account,
    marketplace_order_id: order.marketplace_order_id,
    action: name,
    status,
    lines: outcome.selection.lines,
    ...(Object.keys(outcome.parts).length > 0 && { line_parts: outcome.parts }),
    ...(outcome.parcels && { parcels: outcome.parcels }),
    ...(outcome.selection.lines !== null && outcome.selection.refused.length > 0 && (actionKind(name).decidesLines === 'refuses' ? { accepted_lines: outcome.selection.refused } : { refused_lines: outcome.selection.refused })),
    data: outcome.data,
    warnings,
  };
}

async function validate(compiled: CompiledRules, order: NormalizedOrder, action: ActionInput): Promise<ValidationResult> {
  const { channel } = compiled;
  const findings = new FindingList();
  const status = statusAtValidation(channel, order);
  const name = action.name;
  const spec = typeof name === 'string' && Object.hasOwn(channel.actions, name) ? channel.actions[name as ActionName] : undefined;
  const plan = spec && status !== 'unknown' ? compiled.plans.get(planKey(spec.name, status)) : undefined;

  if (!spec) unknownAction(channel, name, findings);
  else if (status === 'unknown') unknownStatus(channel, order.marketplace_status, findings);
  else if (!plan) notAllowed(channel, spec, status, findings);
  else if (plan.rules.marketplaceStatuses && !plan.rules.marketplaceStatuses.includes(order.marketplace_status)) {
    marketplaceStatusNotAllowed(channel, spec, plan.rules, order.marketplace_status, findings);
  }

  const rawData: unknown = action.data ?? {};
  const data = isRecord(rawData) ? rawData : {};
  if (!isRecord(rawData)) findings.error('ACTION_DATA_INVALID', 'action data must be an object of field names to values', { field: 'data' });
  const lines = parseLines(action.lines, findings);
  const allIds = orderLines(order).map((l) => String(l.id));
  const selected = Array.isArray(lines) ? lines : allIds;

  // The plan's findings first, then the custom rules' (in file order).
  const checked = plan
    ? evaluatePlan(plan, order, data, lines, action.lines, action.parcels, findings)
    : { errors: findings.errors.length, data: {}, selection: { lines: null, refused: [] }, parts: {} };
  const input: RunInput = {
    order,
    action: typeof name === 'string' ? name : show(name),
    data,
    status,
    lines: selected,
    selection: { selected: selected.length, unselected: Math.max(0, allIds.length - selected.length), total: allIds.length },
  };

  try {
    const matched = await compiled.run(input);
    if (matched.size > 0) {
      for (const rule of channel.rules) {
        if (!matched.has(rule.id)) continue;
        const extra = { ...(rule.field !== undefined && { field: rule.field }), rule: rule.id };
        if (rule.severity === 'warning') findings.warning('ACTION_RULE_WARNING', rule.message, extra);
        else findings.error('ACTION_RULE_VIOLATED', rule.message, extra);
      }
    }
  } catch (err) {
    findings.error('ACTION_RULE_FAILED', `the custom rules of ${channel.id} could not be evaluated: ${err instanceof Error ? err.message : String(err)}`);
  }

  const allowed = findings.errors.length === 0 && plan !== undefined && spec !== undefined;
  return {
    allowed,
    status,
    errors: findings.errors,
    warnings: findings.warnings,
    request: allowed ? buildRequest(order, spec.name, plan.status, checked, findings.warnings) : null,
  };
}

/** Validates one seller action on one order against the channel's rules. Never throws. */
export async function validateAction(channel: Channel, order: NormalizedOrder, action: ActionInput): Promise<ValidationResult> {
  try {
    return await validate(compiledRules(channel), order, action ?? { name: '' });
  } catch (err) {
    return {
      allowed: false,
      status: 'unknown',
      errors: [actionFinding('INTERNAL', `validation failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`)],
      warnings: [],
      request: null,
    };
  }
}
