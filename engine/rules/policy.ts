/**
 * Which action, in which status: the verdicts that come before any field is looked at, worded
 * to say where the action is allowed and what to do instead (the channel's `instead`, the
 * action's `note` and the channel's `status_notes`).
 */
import type { ActionInStatus, ActionSpec, Channel, NormalizedStatus } from '../channel/model.ts';
import { closest } from '../documents/suggest.ts';
import { show } from './field-types.ts';
import type { FindingList } from './findings.ts';

export function unknownAction(channel: Channel, name: unknown, findings: FindingList): void {
  const known = Object.keys(channel.actions);
  const near = typeof name === 'string' ? closest(name, known) : undefined;
  findings.error('ACTION_UNKNOWN', `${channel.name} has no action ${show(name)}; its actions: ${known.join(', ')}`, {
    field: 'action',
    ...(near !== undefined && { suggestion: `did you mean ${near}?` }),
  });
}

export function unknownStatus(channel: Channel, marketplaceStatus: unknown, findings: FindingList): void {
  findings.error('ACTION_STATUS_UNKNOWN', `the order's marketplace status ${show(marketplaceStatus)} is not mapped by ${channel.id}, so no action can be validated on it`, {
    field: 'status',
    suggestion: 'map this status in the channel file (statuses are matched exactly, letter case included)',
  });
}

/** Sentences of `texts`, each once, in order (a status note and an action note often agree). */
function sentences(...texts: Array<string | undefined>): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of texts) {
    for (const sentence of (text ?? '').split(/(?<=\.)\s+/)) {
      const trimmed = sentence.trim().replace(/\.$/, '');
      if (trimmed === '' || seen.has(trimmed.toLowerCase())) continue;
      seen.add(trimmed.toLowerCase());
      out.push(`${trimmed}.`);
    }
  }
  return out.join(' ');
}

/**
 * The action is allowed at the order's normalized status only for some of its marketplace
 * statuses (`by_status.<status>.marketplace_statuses`), and the order is in another.
 */
export function marketplaceStatusNotAllowed(channel: Channel, action: ActionSpec, rules: ActionInStatus, marketplaceStatus: string, findings: FindingList): void {
  const allowed = rules.marketplaceStatuses ?? [];
  const message = sentences(
    `${action.name} is allowed at ${rules.status} on ${channel.name} only while the marketplace status is ${allowed.join(' or ')}; this order is ${marketplaceStatus}`,
    rules.note,
  );
  findings.error('ACTION_MARKETPLACE_STATUS_NOT_ALLOWED', message, {
    field: 'action',
    ...(rules.note !== undefined && { suggestion: rules.note }),
  });
}

export function notAllowed(channel: Channel, action: ActionSpec, status: NormalizedStatus, findings: FindingList): void {
  const instead = action.instead[status];
  const statusNote = channel.statusNotes[status];
  const verdict = action.allowedIn.length === 0
    ? `${action.name} is not available on ${channel.name} in any status`
    : `${action.name} is not allowed at ${status} on ${channel.name}; it is allowed at ${action.allowedIn.join(', ')}`;
  const message = sentences(
    verdict,
    instead !== undefined ? `Use ${instead} instead` : undefined,
    statusNote !== undefined ? `At ${status}: ${statusNote}` : undefined,
    instead === undefined ? action.note : undefined,
  );
  const suggestion = instead !== undefined ? `use ${instead}` : action.note ?? statusNote;
  findings.error('ACTION_NOT_ALLOWED_IN_STATUS', message, {
    field: 'action',
    ...(suggestion !== undefined && { suggestion }),
  });
}
