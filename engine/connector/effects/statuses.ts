/**
 * Effect checks on statuses: `status` (the order's status proves it: Octopia's approval) and
 * `line_decisions` (every line shows the decision the action sent: Mirakl's OR21 accepts some
 * lines and refuses the others).
 */
import type { NormalizedOrder } from '../../order/model.ts';
import type { ActionRequest } from '../../rules/request.ts';
import type { EffectCheck, EffectVerdict, LineDecisionsEffectSpec, StatusEffectSpec } from './types.ts';

export function statusEffect(spec: StatusEffectSpec): EffectCheck {
  const reached = new Set(spec.reached);
  const before = new Set(spec.before);
  return {
    type: 'status',
    baseline: () => undefined,
    check(_request, order): EffectVerdict {
      const evidence = { check: 'status', marketplace_status: order.marketplace_status };
      if (reached.has(order.marketplace_status)) return { verdict: 'took_effect', evidence };
      if (before.has(order.marketplace_status)) return { verdict: 'not_yet', evidence };
      return { verdict: 'unclear', evidence, reason: `the order is ${order.marketplace_status}, neither before the action (${spec.before.join(', ')}) nor after it (${spec.reached.join(', ')})` };
    },
  };
}

type Decision = 'accepted' | 'refused';

/** The decision the action sends for each line. */
function expectedDecisions(request: ActionRequest, order: NormalizedOrder): Map<string, Decision> {
  const selected = request.lines ? new Set(request.lines) : undefined;
  const mine: Decision = request.action === 'refuse' ? 'refused' : 'accepted';
  const others: Decision = mine === 'accepted' ? 'refused' : 'accepted';
  // Lines not selected get the other decision only when the request says so (Mirakl: a decision for every line).
  const listed = new Set(request.action === 'refuse' ? (request.accepted_lines ?? []) : (request.refused_lines ?? []));
  const out = new Map<string, Decision>();
  for (const line of order.lines) {
    if (!selected || selected.has(line.id)) out.set(line.id, mine);
    else if (listed.has(line.id)) out.set(line.id, others);
  }
  return out;
}

export function lineDecisionsEffect(spec: LineDecisionsEffectSpec): EffectCheck {
  const undecided = new Set(spec.undecided);
  const accepted = new Set(spec.accepted);
  const refused = new Set(spec.refused);
  const observed = (status: string): Decision | 'undecided' | 'other' =>
    undecided.has(status) ? 'undecided' : accepted.has(status) ? 'accepted' : refused.has(status) ? 'refused' : 'other';
  return {
    type: 'line_decisions',
    baseline: () => undefined,
    check(request, order): EffectVerdict {
      const expected = expectedDecisions(request, order);
      const lines = order.lines
        .filter((l) => expected.has(l.id))
        .map((l) => ({ id: l.id, expected: expected.get(l.id)!, found: observed(l.marketplace_status), marketplace_status: l.marketplace_status }));
      const evidence = { check: 'line_decisions', marketplace_status: order.marketplace_status, lines };
      if (lines.length === 0) return { verdict: 'unclear', evidence, reason: 'none of the lines the action decides is in the order read back' };
      if (lines.every((l) => l.found === l.expected)) return { verdict: 'took_effect', evidence };
      if (lines.every((l) => l.found === 'undecided')) return { verdict: 'not_yet', evidence };
      return { verdict: 'unclear', evidence, reason: `the lines show other decisions than the action's: ${lines.filter((l) => l.found !== l.expected).map((l) => `${l.id} is ${l.marketplace_status}`).join(', ')}` };
    },
  };
}
