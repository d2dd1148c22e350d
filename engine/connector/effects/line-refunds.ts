/**
 * The `line_refunds` and `line_cancelations` effect checks: a refund (or cancelation) took effect
 * when each line it targets shows new refunds, recorded since the first send, adding up to the
 * quantity and amount the action sent. The baseline (each targeted line's refunds before the
 * first send) is what tells a new refund from an older one; a partial or different amount is not
 * read as either answer: unclear.
 */
import type { LineRefund, NormalizedOrder, OrderLine } from '../../order/model.ts';
import { requestedOf } from '../../rules/line-parts.ts';
import type { ActionRequest } from '../../rules/request.ts';
import type { Render } from '../template/index.ts';
import type { EffectCheck, EffectVerdict, LineRefundsEffectSpec } from './types.ts';

/** Per targeted line: the ids and totals of its refunds before the first send. */
interface Baseline {
  lines: Record<string, { ids: string[]; quantity: number; amount: number; status: string }>;
}

/** Amounts are compared to the cent. */
const CENT = 0.005;

function entries(line: OrderLine, kind: LineRefundsEffectSpec['type']): readonly LineRefund[] {
  return (kind === 'line_refunds' ? line.refunds : line.cancelations) ?? [];
}

function sums(list: readonly LineRefund[]): { quantity: number; amount: number } {
  let quantity = 0;
  let amount = 0;
  for (const r of list) {
    quantity += r.quantity;
    amount += r.amount;
  }
  return { quantity, amount: Math.round(amount * 100) / 100 };
}

export function lineRefundsEffect(spec: LineRefundsEffectSpec, quantity: Render, amount: Render | undefined): EffectCheck {
  const except = new Set(spec.lines_except ?? []);
  const kind = spec.type;

  /** The lines the action targets: the selected ones, else all, minus those it leaves alone. */
  const targeted = (request: ActionRequest, order: NormalizedOrder, base?: Baseline): OrderLine[] => {
    const selected = request.lines ? new Set(request.lines) : undefined;
    return order.lines.filter((l) => (!selected || selected.has(l.id)) && !except.has(base?.lines[l.id]?.status ?? l.marketplace_status));
  };

  return {
    type: kind,
    baseline(request, order): Baseline {
      const lines: Baseline['lines'] = {};
      for (const line of targeted(request, order)) {
        const list = entries(line, kind);
        lines[line.id] = { ids: list.flatMap((r) => (r.id === undefined ? [] : [r.id])), ...sums(list), status: line.marketplace_status };
      }
      return { lines };
    },
    check(request, order, rawBaseline): EffectVerdict {
      const base = rawBaseline as Baseline | undefined;
      const lines = targeted(request, order, base).map((line) => {
        const before = base?.lines[line.id];
        const list = entries(line, kind);
        // New since the first send: by id when the marketplace gives ids, else by the totals' growth.
        const known = new Set(before?.ids ?? []);
        const fresh = before && before.ids.length > 0 ? sums(list.filter((r) => r.id === undefined || !known.has(r.id))) : undefined;
        const total = sums(list);
        const found = fresh ?? { quantity: total.quantity - (before?.quantity ?? 0), amount: Math.round((total.amount - (before?.amount ?? 0)) * 100) / 100 };
        const ctx = { request, order, line: { ...line, requested: requestedOf(request.line_parts, line) } };
        const expected = { quantity: Number(quantity(ctx)), ...(amount && { amount: Number(amount(ctx)) }) };
        const complete = found.quantity === expected.quantity && (expected.amount === undefined || Math.abs(found.amount - expected.amount) < CENT);
        const none = found.quantity === 0 && Math.abs(found.amount) < CENT;
        return { id: line.id, expected, found, complete, none };
      });
      const evidence = { check: kind, marketplace_status: order.marketplace_status, lines: lines.map(({ id, expected, found }) => ({ id, expected, found })) };
      const what = kind === 'line_refunds' ? 'refunds' : 'cancelations';
      if (lines.length === 0) return { verdict: 'unclear', evidence, reason: `none of the lines the action targets is in the order read back` };
      if (lines.every((l) => l.complete)) return { verdict: 'took_effect', evidence };
      if (lines.every((l) => l.none)) return { verdict: 'not_yet', evidence };
      return {
        verdict: 'unclear',
        evidence,
        reason: `the ${what} recorded since the first send do not match the action's: ${lines.filter((l) => !l.complete).map((l) => `${l.id} shows ${l.found.quantity} unit(s) for ${l.found.amount}, expected ${l.expected.quantity}${l.expected.amount === undefined ? '' : ` for ${l.expected.amount}`}`).join('; ')}`,
      };
    },
  };
}
