/**
 * A Mermaid `stateDiagram-v2` of a channel: its mapped statuses (with the marketplace statuses
 * behind them) and its actions, drawn towards the status an order usually reaches next.
 */
import { actionKind } from '../vocabulary/action-kinds.ts';
import { FINAL_STATUSES } from '../vocabulary/statuses.ts';
import type { Channel, NormalizedStatus } from './model.ts';

/** Moves the marketplace makes on its own, in lifecycle order. */
const LIFECYCLE: readonly NormalizedStatus[][] = [
  ['new', 'waiting_acceptance', 'accepted', 'waiting_shipment', 'shipped', 'closed'],
  ['refunding', 'refunded'],
];

const FINAL: readonly NormalizedStatus[] = FINAL_STATUSES;

function id(status: NormalizedStatus): string {
  return `s_${status}`;
}

function label(text: string): string {
  return text.replaceAll('"', "'");
}

export function mermaidDiagram(channel: Channel): string {
  const mapped = Object.keys(channel.statuses) as NormalizedStatus[];
  const isMapped = (s: NormalizedStatus) => mapped.includes(s);
  const lines = ['stateDiagram-v2', '    direction LR'];
  for (const s of mapped) lines.push(`    state "${label(`${s} (${channel.statuses[s]!.join(', ')})`)}" as ${id(s)}`);
  const edges = new Set<string>();
  const add = (from: NormalizedStatus, to: NormalizedStatus, action?: string) => {
    const key = `${from}>${to}`;
    if (!action && [...edges].some((e) => e.startsWith(key + ':'))) return;
    edges.add(action ? `${key}:${action}` : key);
  };
  for (const action of Object.values(channel.actions)) {
    // Where the action usually takes the order next: the first status of its kind's list mapped here.
    const kind = actionKind(action.name);
    const to = (kind.drawnTo ?? kind.reaches).find(isMapped);
    if (!to) continue;
    for (const from of action.allowedIn) if (from !== to) add(from, to, action.name);
  }
  for (const chain of LIFECYCLE) {
    const present = chain.filter(isMapped);
    for (let i = 1; i < present.length; i++) add(present[i - 1]!, present[i]!);
  }
  const first = mapped.find((s) => s === 'new') ?? mapped[0];
  if (first) lines.push(`    [*] --> ${id(first)}`);
  for (const edge of edges) {
    const [pair, action] = edge.split(':');
    const [from, to] = pair!.split('>') as [NormalizedStatus, NormalizedStatus];
    lines.push(`    ${id(from)} --> ${id(to)}${action ? `: ${action}` : ''}`);
  }
  for (const s of mapped) if (FINAL.includes(s)) lines.push(`    ${id(s)} --> [*]`);
  return lines.join('\n');
}
