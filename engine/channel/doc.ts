/**
 * Channel documentation in Markdown, in the spirit of the marketplace help pages the channels are
 * written from: retrieval, statuses and what can be done in each, action details, value lists,
 * fulfilment, scope, custom rules and a state diagram. Built from describeChannel(), so the page
 * and the API document never disagree. Byte-stable: no dates, file order everywhere.
 */
import { describeChannel, type ActionDescription, type ChannelDescription } from './describe.ts';
import { mermaidDiagram } from './doc-mermaid.ts';
import { actionTitle, capitalize, cell, code, durationInWords, fieldInWords, frequencyInWords, linePolicyInWords } from './doc-phrases.ts';
import type { ActionName, Channel, NormalizedStatus } from './model.ts';

type Lines = string[];

function statusHeading(d: ChannelDescription, status: NormalizedStatus): string {
  return `${code(status)} (${(d.statuses[status] ?? d.line_statuses[status] ?? []).join(', ')})`;
}

function allowedIn(d: ChannelDescription, status: NormalizedStatus): ActionDescription[] {
  return (d.allowed_actions[status] ?? []).map((name) => d.actions[name]!);
}

function identity(out: Lines, channel: Channel, d: ChannelDescription): void {
  out.push(`# ${d.name}`, '', `Channel ${code(d.id)} on the ${code(d.platform)} platform.`);
  if (d.sources.length > 0) {
    out.push('', 'Written from:', '');
    for (const s of d.sources) out.push(`- [${s.title ?? s.url}](${s.url})`);
  }
  const r = channel.retrieval;
  out.push('', '## Order retrieval', '', 'orderwire retrieves new or modified orders from the marketplace:', '');
  out.push(`- ${capitalize(frequencyInWords(r.incremental.everyMs))} (${code(r.incremental.every)}): orders created or modified since the last successful run.`);
  out.push(`- ${capitalize(frequencyInWords(r.catchUp.everyMs))} (${code(r.catchUp.every)}), for new orders made or amended in the last ${durationInWords(r.catchUp.lookbackMs)} (lookback ${code(r.catchUp.lookback)}); the first run reads the same span.`);
  if (r.incremental.minEvery !== undefined && r.incremental.minEveryMs !== undefined) {
    out.push('', `An account may poll more often, but at most every ${durationInWords(r.incremental.minEveryMs)} (${code(r.incremental.minEvery)}).`);
  }
  if (channel.deadlines) {
    const dl = channel.deadlines;
    const then = dl.onExpiry === 'refused' ? ' After that the marketplace refuses the order itself. orderwire warns before (`order.deadline_approaching`); it refuses such an order on its own only where the account opts in (`options.auto_refuse`).' : dl.onExpiry === 'nothing' ? ' A late answer counts against the seller\'s performance; the order is not refused for it.' : '';
    out.push('', '## Deadlines', '', `An order may wait for acceptance ${durationInWords(dl.acceptanceMs)} (${code(dl.acceptance)}) after its creation: orders carry it as \`acceptance_deadline\`, and the API lists the orders due before an instant (\`due_before\`).${then}`);
    if (dl.source) out.push('', `Source: ${dl.source}`);
  }
  if (channel.documents) {
    const docs = channel.documents;
    out.push('', '## Marketplace documents', '', `orderwire downloads the marketplace's ${docs.download.map(code).join(', ')} documents of each order into its document store, once each, and serves them at \`GET /v1/documents/{id}\`.`);
    if (docs.source) out.push('', `Source: ${docs.source}`);
  }
  if (d.scope) {
    out.push('', '## Scope', '', `Only orders of the sales channel${d.scope.sales_channels.length === 1 ? '' : 's'} ${d.scope.sales_channels.map(code).join(', ')} are imported; orders of other sales channels are skipped.`);
    if (d.scope.note) out.push('', d.scope.note);
  }
}

function actionsCell(d: ChannelDescription, status: NormalizedStatus): string {
  const actions = allowedIn(d, status);
  const note = d.status_notes[status];
  if (actions.length === 0) {
    const extra = note && !/^no action available\.?$/i.test(note) ? ` ${note.replace(/^no action available\.?\s*/i, '')}` : '';
    return cell(`❌ No action available.${extra}`);
  }
  return cell(actions.map((a) => a.label + onlyAt(a, status)).join(', ') + (note ? `. ${note}` : ''));
}

/** " (only at `RECEIVED`)" when the action is allowed at `status` for some marketplace statuses only. */
function onlyAt(action: ActionDescription, status: NormalizedStatus): string {
  const only = action.by_status[status]?.marketplace_statuses;
  return only ? ` (only at ${only.map(code).join(' or ')})` : '';
}

function statusTable(out: Lines, d: ChannelDescription): void {
  out.push('', '## Statuses', '', `Orders go through these normalized statuses. Each corresponds to the following ${d.name} statuses, exactly as the marketplace sends them (letter case matters):`, '');
  out.push(`| Status | ${d.name} status | Possible actions at this status |`, '|---|---|---|');
  for (const [status, marketplace] of Object.entries(d.statuses) as [NormalizedStatus, string[]][]) {
    out.push(`| ${code(status)} | ${marketplace.map(code).join(', ')} | ${actionsCell(d, status)} |`);
  }
  const lineOnly = Object.entries(d.line_statuses) as [NormalizedStatus, string[]][];
  if (lineOnly.length > 0) {
    out.push('', 'Statuses only order lines take:', '', '| Status | Line status |', '|---|---|');
    for (const [status, marketplace] of lineOnly) out.push(`| ${code(status)} | ${marketplace.map(code).join(', ')} |`);
  }
}

function actionInStatus(out: Lines, d: ChannelDescription, action: ActionDescription, status: NormalizedStatus, indent = ''): void {
  const s = action.by_status[status]!;
  const required = s.fields.filter((f) => f.required);
  const optional = s.fields.filter((f) => !f.required);
  if (s.marketplace_statuses) {
    out.push(`${indent}- Only while the marketplace status is ${s.marketplace_statuses.map(code).join(' or ')}; refused at ${(d.statuses[status] ?? []).filter((m) => !s.marketplace_statuses!.includes(m)).map(code).join(', ')}.`);
  }
  if (required.length === 0 && optional.length === 0) {
    out.push(`${indent}- No field to give.`);
  }
  if (required.length > 0) {
    out.push(`${indent}- Requires:`);
    for (const f of required) out.push(`${indent}  - ${fieldInWords(f)}`);
  }
  if (optional.length > 0) {
    out.push(`${indent}- Optional:`);
    for (const f of optional) out.push(`${indent}  - ${fieldInWords(f)}`);
  }
  out.push(`${indent}- ${linePolicyInWords(action.name, s)}`);
  if (s.note && s.note !== action.note) out.push(`${indent}- ${s.note}`);
}

function perStatus(out: Lines, d: ChannelDescription): void {
  out.push('', '## Possible actions per status');
  for (const status of Object.keys(d.statuses) as NormalizedStatus[]) {
    out.push('', `### ${statusHeading(d, status)}`, '');
    const actions = allowedIn(d, status);
    if (actions.length === 0) {
      out.push(`❌ No action available.${d.status_notes[status] ? ` ${d.status_notes[status]!.replace(/^no action available\.?\s*/i, '')}` : ''}`.trimEnd());
    } else {
      if (d.status_notes[status]) out.push(d.status_notes[status]!, '');
      for (const action of actions) {
        out.push(`- **${actionTitle(action, d.name)}**`);
        actionInStatus(out, d, action, status, '  ');
      }
    }
    const advice = (Object.values(d.actions) as ActionDescription[]).filter((a) => a.instead[status]);
    for (const a of advice) out.push('', `To ${a.name} an order in ${code(status)}, use the ${code(a.instead[status]!)} action.`);
  }
}

function actionDetails(out: Lines, d: ChannelDescription): void {
  out.push('', '## Actions');
  for (const action of Object.values(d.actions) as ActionDescription[]) {
    out.push('', `### ${actionTitle(action, d.name)}`, '');
    if (action.description) out.push(action.description, '');
    if (action.allowed_in.length === 0) out.push(`❌ Never available on ${d.name}.`);
    else out.push(`Allowed when the order is in ${action.allowed_in.map(code).join(', ')}.`);
    const variants = new Set(action.allowed_in.map((s) => JSON.stringify(action.by_status[s]!.fields)));
    if (variants.size > 1) out.push('', 'Its fields and their possible values depend on the order status (see below).');
    if (action.note) out.push('', action.note);
    const instead = Object.entries(action.instead) as [NormalizedStatus, ActionName][];
    if (instead.length > 0) {
      out.push('', `Instead of ${action.name}:`, '');
      for (const [status, other] of instead) out.push(`- in ${code(status)}, use ${code(other)}`);
    }
    for (const status of action.allowed_in) {
      out.push('', `#### ${capitalize(action.label)} in ${code(status)}`, '');
      actionInStatus(out, d, action, status);
    }
  }
}

function valueLists(out: Lines, channel: Channel): void {
  const lists = Object.values(channel.lists);
  if (lists.length === 0) return;
  out.push('', '## Value lists');
  for (const list of lists) {
    out.push('', `### ${code(list.name)} (${list.kind})`, '');
    if (list.description) out.push(list.description, '');
    if (list.source) out.push(`Source: ${list.source}`, '');
    if (list.live) {
      out.push(`Live: each account's marketplace serves its own list (platform list ${code(list.live.from)}${list.live.type ? `, type ${code(list.live.type)}` : ''}), fetched every ${durationInWords(list.live.refreshMs)} (${code(list.live.refresh)}); actions are validated against it. The values below are the fallback until the first fetch (\`orderwire lists ACCOUNT\` shows an account's).`, '');
    }
    const withUrl = list.values.some((v) => v.trackingUrl);
    out.push(withUrl ? '| Code | Label | Tracking URL |' : '| Code | Label |', withUrl ? '|---|---|---|' : '|---|---|');
    for (const v of list.values) out.push(`| ${code(v.code)} | ${cell(v.label)} |${withUrl ? ` ${v.trackingUrl ? code(v.trackingUrl) : ''} |` : ''}`);
  }
}

function fulfilment(out: Lines, d: ChannelDescription): void {
  if (!d.fulfillment) return;
  out.push('', '## Fulfilment by the marketplace', '');
  if (d.fulfillment.description) out.push(d.fulfillment.description, '');
  if (d.fulfillment.arrives_in) out.push(`Fulfilled orders arrive directly in status ${statusHeading(d, d.fulfillment.arrives_in)}.`, '');
  if (d.fulfillment.modes.length > 0) {
    out.push('Logistics codes meaning the order is delivered by the marketplace:', '', '| Code | Meaning |', '|---|---|');
    for (const m of d.fulfillment.modes) out.push(`| ${code(m.code)} | ${cell(m.label)} |`);
    out.push('');
  }
  out.pop();
}

function conditionInWords(node: unknown): string {
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  const c = node as Record<string, unknown>;
  if (Array.isArray(c.all)) return c.all.length === 1 ? conditionInWords(c.all[0]) : `all of (${c.all.map(conditionInWords).join('; ')})`;
  if (Array.isArray(c.any)) return c.any.length === 1 ? conditionInWords(c.any[0]) : `any of (${c.any.map(conditionInWords).join('; ')})`;
  if (c.not !== undefined) return `not (${conditionInWords(c.not)})`;
  const path = typeof c.path === 'string' ? c.path.replace(/^\$/, '') : '';
  return `${String(c.fact)}${path} ${String(c.operator)} ${JSON.stringify(c.value)}`;
}

function customRules(out: Lines, channel: Channel): void {
  if (channel.rules.length === 0) return;
  out.push('', '## Custom rules', '', 'Checked when an action is validated; an error denies the action, a warning only informs.');
  for (const rule of channel.rules) {
    const scope = [rule.actions ? `actions ${rule.actions.map(code).join(', ')}` : 'every action', rule.when ? `in ${rule.when.map(code).join(', ')}` : ''].filter(Boolean).join(' ');
    out.push('', `- ${code(rule.id)} (${rule.severity}, ${scope}): when ${code(conditionInWords(rule.conditions))}, reports "${rule.message}"${rule.description ? ` ${rule.description}` : ''}`);
  }
}

export function renderChannelDoc(channel: Channel): string {
  const d = describeChannel(channel);
  const out: Lines = [];
  identity(out, channel, d);
  statusTable(out, d);
  perStatus(out, d);
  actionDetails(out, d);
  valueLists(out, channel);
  fulfilment(out, d);
  customRules(out, channel);
  out.push('', '## State diagram', '', 'Arrows labelled with an action lead to the status an order usually reaches after it; unlabelled arrows are moves the marketplace makes on its own.', '', '```mermaid', mermaidDiagram(channel), '```');
  return out.join('\n') + '\n';
}
