/**
 * Action data against a plan: unknown fields (with a did-you-mean), required fields, types, value
 * lists, length and pattern constraints, the partial `amount`, and fields the marketplace computes
 * itself. Produces the normalized data of the request: defaults applied, carriers, reasons and
 * countries as objects.
 */
import type { FieldSpec, ValueList } from '../channel/model.ts';
import { closest } from '../documents/suggest.ts';
import type { NormalizedOrder } from '../order/model.ts';
import { checkType, show } from './field-types.ts';
import type { FindingList } from './findings.ts';
import type { ActionPlan } from './plan.ts';
import type { ActionValue, CarrierValue, FileValue } from './request.ts';
import { describeValues, valueIndex } from './values.ts';

/** The one data key that is not a field: a partial amount, allowed only where `partial_amount` is. */
const AMOUNT = 'amount';

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function where(plan: ActionPlan): string {
  return `${plan.action.name} at ${plan.status}`;
}

function unknownField(plan: ActionPlan, name: string, findings: FindingList): void {
  const known = plan.fields.map((f) => f.name);
  const near = closest(name, known);
  const statuses = plan.elsewhere.get(name);
  let message = `${where(plan)} on ${plan.channel.id} takes no field "${name}"`;
  if (near !== undefined) message += `; did you mean ${near}?`;
  if (statuses) message += ` (${name} is taken at ${statuses.join(', ')})`;
  else if (near === undefined) message += known.length > 0 ? ` (fields: ${known.join(', ')})` : ' (it takes no fields)';
  findings.error('ACTION_FIELD_UNKNOWN', message, {
    field: `data.${name}`,
    suggestion: near !== undefined ? `rename ${name} to ${near}` : `remove ${name}`,
  });
}

/** Statuses where the same field of the same action accepts `input` (reason lists differ by status). */
function validElsewhere(plan: ActionPlan, field: FieldSpec, input: string): string[] {
  return plan.action.allowedIn.filter((status) => {
    const other = status === plan.status ? undefined : plan.action.byStatus[status]?.fields[field.name]?.values;
    return other !== undefined && valueIndex(other).find(input) !== undefined;
  });
}

function listValue(field: FieldSpec, list: ValueList, input: string, plan: ActionPlan, findings: FindingList): ActionValue | undefined {
  const found = valueIndex(list).find(input);
  const kind = field.type === 'carrier' || list.kind === 'carrier' ? 'carrier' : field.type === 'reason' || list.kind === 'reason' ? 'reason' : 'enum';
  if (found) {
    if (kind === 'carrier') {
      const carrier: CarrierValue = { code: found.code, name: found.label, label: found.label, registered: true };
      if (found.trackingUrl !== undefined) carrier.tracking_url_template = found.trackingUrl;
      return carrier;
    }
    return kind === 'reason' ? { code: found.code, label: found.label } : found.code;
  }
  if (field.freeValues) {
    const text = input.trim();
    return kind === 'carrier' ? { name: text, label: text, registered: false } : kind === 'reason' ? { code: text, label: text } : text;
  }
  const elsewhere = validElsewhere(plan, field, input);
  const near = closest(input, list.values.map((v) => v.label));
  const suggestion = elsewhere.length > 0
    ? `${input} is valid at ${elsewhere.join(', ')}, not at ${plan.status}`
    : near !== undefined ? `did you mean ${near}?` : undefined;
  findings.error('ACTION_FIELD_VALUE_NOT_ALLOWED', `${show(input)} is not a valid ${field.label ?? field.name} for ${where(plan)} on ${plan.channel.id}; valid values: ${describeValues(list)}`, {
    field: `data.${field.name}`,
    ...(suggestion !== undefined && { suggestion }),
  });
  return undefined;
}

const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, 'u')));
  return re;
}

function constraints(field: FieldSpec, value: string, findings: FindingList): boolean {
  const problems: string[] = [];
  if (field.minLength !== undefined && value.length < field.minLength) problems.push(`at least ${field.minLength} characters`);
  if (field.maxLength !== undefined && value.length > field.maxLength) problems.push(`at most ${field.maxLength} characters`);
  if (field.pattern !== undefined && !patternOf(field.pattern).test(value)) problems.push(`matching ${field.pattern}`);
  if (problems.length === 0) return true;
  findings.error('ACTION_FIELD_CONSTRAINT', `${field.name} must be ${problems.join(', ')} (got ${show(value)})`, { field: `data.${field.name}` });
  return false;
}

/** A file of a type the channel lists, no larger than its `max_bytes`. */
function fileLimits(field: FieldSpec, file: FileValue, findings: FindingList): boolean {
  let ok = true;
  const type = file.content_type.split(';', 1)[0]!.trim().toLowerCase();
  if (field.contentTypes && !field.contentTypes.includes(type)) {
    findings.error('ACTION_FILE_TYPE_NOT_ALLOWED', `${field.name} must be a file of type ${field.contentTypes.join(' or ')} (got ${show(file.content_type)})`, { field: `data.${field.name}` });
    ok = false;
  }
  if (field.maxBytes !== undefined && file.size > field.maxBytes) {
    findings.error('ACTION_FILE_TOO_LARGE', `${field.name} must be at most ${field.maxBytes} bytes (got ${file.size})`, { field: `data.${field.name}` });
    ok = false;
  }
  return ok;
}

function checkField(field: FieldSpec, raw: unknown, plan: ActionPlan, findings: FindingList): ActionValue | undefined {
  const typed = checkType(field.type, raw);
  if (!typed.ok) {
    findings.error('ACTION_FIELD_TYPE', `${field.name} must be ${typed.expected} (got ${show(raw)})`, { field: `data.${field.name}` });
    return undefined;
  }
  if (typeof typed.value === 'string' && !constraints(field, typed.value, findings)) return undefined;
  if (field.type === 'file' && !fileLimits(field, typed.value as FileValue, findings)) return undefined;
  if (field.values && typeof typed.value === 'string') return listValue(field, field.values, typed.value, plan, findings);
  if (field.type === 'carrier') return { name: (typed.value as string).trim(), label: (typed.value as string).trim(), registered: false };
  if (field.type === 'reason') return { code: typed.value as string, label: typed.value as string };
  return typed.value;
}

function isRegistered(value: ActionValue | undefined): boolean {
  return typeof value === 'object' && value !== null && 'registered' in value && value.registered;
}

function checkAmount(plan: ActionPlan, raw: unknown, order: NormalizedOrder, findings: FindingList): number | undefined {
  if (!plan.rules.partialAmount) {
    findings.error('ACTION_PARTIAL_AMOUNT_NOT_ALLOWED', `${where(plan)} on ${plan.channel.id} takes no partial amount: it applies to the whole order${plan.rules.lines === 'none' ? '' : ' or to whole lines'}`, {
      field: `data.${AMOUNT}`,
      suggestion: `remove ${AMOUNT}`,
    });
    return undefined;
  }
  const typed = checkType('amount', raw);
  if (!typed.ok) {
    findings.error('ACTION_FIELD_TYPE', `${AMOUNT} must be ${typed.expected} (got ${show(raw)})`, { field: `data.${AMOUNT}` });
    return undefined;
  }
  const total = order.totals?.total;
  if (typeof total === 'number' && (typed.value as number) > total) {
    findings.error('ACTION_AMOUNT_EXCEEDS_TOTAL', `${AMOUNT} ${show(raw)} exceeds the order total ${total}`, { field: `data.${AMOUNT}` });
    return undefined;
  }
  return typed.value as number;
}

/** Checks `data` against the plan's fields; returns the normalized data (only meaningful without errors). */
export function checkData(plan: ActionPlan, data: Readonly<Record<string, unknown>>, order: NormalizedOrder, findings: FindingList): Record<string, ActionValue> {
  const out: Record<string, ActionValue> = {};
  for (const name of Object.keys(data)) {
    if (plan.rules.fields[name]) continue;
    if (name === AMOUNT && !plan.fields.some((f) => f.name === AMOUNT)) {
      const amount = checkAmount(plan, data[name], order, findings);
      if (amount !== undefined) out[AMOUNT] = amount;
    } else {
      unknownField(plan, name, findings);
    }
  }
  for (const field of plan.fields) {
    const raw = Object.hasOwn(data, field.name) ? data[field.name] : undefined;
    const sibling = field.ignoredWhenRegistered;
    if (!isBlank(raw) && sibling !== undefined && isRegistered(out[sibling])) {
      findings.warning('ACTION_FIELD_IGNORED', `${field.name} is not sent: ${plan.channel.name} computes it for the registered ${sibling} ${show((out[sibling] as CarrierValue).name)}`, {
        field: `data.${field.name}`,
        suggestion: `remove ${field.name}, or give a carrier that is not registered`,
      });
      continue;
    }
    if (isBlank(raw)) {
      if (field.default !== undefined) {
        const value = checkField(field, field.default, plan, findings);
        if (value !== undefined) out[field.name] = value;
      } else if (field.required) {
        findings.error('ACTION_FIELD_REQUIRED', `${where(plan)} on ${plan.channel.id} requires ${field.name}${field.label ? ` (${field.label})` : ''}`, {
          field: `data.${field.name}`,
          ...(field.values && { suggestion: `one of: ${describeValues(field.values)}` }),
        });
      }
      continue;
    }
    const value = checkField(field, raw, plan, findings);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}
