/**
 * Sentences the channel documentation is made of: fields, valid values, line policies, durations.
 * Kept apart from the page layout so the wording is consistent across sections.
 */
import type { ActionDescription, ActionStatusDescription, FieldDescription } from './describe.ts';
import { ACTION_KINDS } from '../vocabulary/action-kinds.ts';
import type { ActionName } from './model.ts';

/** Lists longer than this are named, not spelt out, in per-status summaries. */
const INLINE_VALUES = 8;

const UNITS: [string, number][] = [
  ['week', 7 * 24 * 3_600_000],
  ['day', 24 * 3_600_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "15 minutes", "2 days", "1 day 12 hours". */
export function durationInWords(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
  }
  return parts.join(' ') || '0 seconds';
}

/** "every 15 minutes", "once a day", "every 2 days". */
export function frequencyInWords(ms: number): string {
  const words = durationInWords(ms);
  if (words === '1 day') return 'once a day';
  if (words === '1 hour') return 'once an hour';
  if (words === '1 week') return 'once a week';
  return `every ${words}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function code(text: string | number | boolean): string {
  return '`' + String(text) + '`';
}

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

const TYPE_WORDS: Record<FieldDescription['type'], string> = {
  string: 'text',
  boolean: 'boolean: true or false',
  integer: 'whole number',
  number: 'number',
  amount: 'amount (non-negative decimal)',
  country: 'country code',
  url: 'absolute http(s) URL',
  carrier: 'carrier',
  reason: 'reason code',
  enum: 'one of the listed values',
  date: 'ISO-8601 date',
  file: 'file (a document uploaded with the action)',
};

export function typeInWords(type: FieldDescription['type']): string {
  return TYPE_WORDS[type];
}

/** "one of the valid values of list `x`: `A` (Label), ..." plus the free-values escape. */
export function valuesInWords(field: FieldDescription, inlineLimit = INLINE_VALUES): string {
  const v = field.values;
  if (!v) return '';
  const source = v.list ? ` of list ${code(v.list)}` : '';
  const free = field.free_values ? `, or any other ${field.type === 'carrier' ? 'carrier name' : 'value'} if not in the list` : '';
  if (v.items.length > inlineLimit) return `one of the ${v.items.length} valid values${source} (see [Value lists](#value-lists))${free}`;
  const items = v.items.map((i) => `${code(i.code)} (${i.label})`).join(', ');
  return `one of the valid values${source}: ${items}${free}`;
}

/** One bullet line for a field: name, label, type or values, default, extra constraints, description. */
export function fieldInWords(field: FieldDescription): string {
  const details = [field.values ? valuesInWords(field) : typeInWords(field.type)];
  if (field.default !== null) details.push(`default ${code(field.default)}`);
  if (field.ignored_when_registered) details.push(`ignored when ${code(field.ignored_when_registered)} is a registered value (the marketplace computes it)`);
  if (field.min_length !== null) details.push(`at least ${field.min_length} characters`);
  if (field.max_length !== null) details.push(`at most ${field.max_length} characters`);
  if (field.pattern !== null) details.push(`matching ${code(field.pattern)}`);
  if (field.content_types !== null) details.push(`of type ${field.content_types.map(code).join(' or ')}`);
  if (field.max_bytes !== null) details.push(`at most ${field.max_bytes} bytes`);
  const text = `${code(field.name)}${field.label ? ` (${field.label})` : ''}: ${details.join(', ')}`;
  return field.description ? `${text}. ${field.description.replace(/\.?$/, '.')}` : text;
}

/** Whether amounts matter for the action (refunds and cancellations), so partial amounts are worth a word. */
function hasAmount(action: ActionName): boolean {
  return ACTION_KINDS[action].movesMoney;
}

/** "No partial amount or line-level refund", "May be done for one or several product lines". */
export function linePolicyInWords(action: ActionName, status: ActionStatusDescription): string {
  const amount = hasAmount(action);
  if (status.lines === 'none') {
    if (amount && !status.partial_amount) return `No partial amount or line-level ${action}: the whole order only.`;
    return `Whole order only (no line-level ${action}).${amount ? ' A partial amount may be given.' : ''}`;
  }
  const lines = status.lines === 'optional' ? 'May be done for one or several product lines.' : 'Must name the product lines it applies to.';
  const parts = status.partial_lines ?? [];
  const partial = parts.length === 0 ? '' : ` A line may be given in part: ${parts.map((p) => (p === 'quantity' ? 'some of its units' : 'part of its amount')).join(' and/or ')}, up to what it has left.`;
  if (!amount) return lines + partial;
  return `${lines}${partial} ${status.partial_amount ? 'A partial amount may be given.' : 'No partial amount: whole amounts only.'}`;
}

/** The action's name as a heading: "Refund (`refund`, called "cancellation" on Cdiscount)". */
export function actionTitle(action: ActionDescription, channelName: string): string {
  const marketplace = action.marketplace_name ? `, called "${action.marketplace_name}" on ${channelName}` : '';
  return `${action.label} (${code(action.name)}${marketplace})`;
}
