/**
 * Effect checks for actions a read-back shows only as a mark, or not at all:
 * - `flag`: a boolean in the marketplace's order that the action sets (Mirakl's `has_invoice`
 *   after OR74). False: not yet. True where it was false before the first send: took effect.
 *   True already before: the read-back cannot tell this action's effect from an earlier one,
 *   so unclear.
 * - `repeatable`: the marketplace makes a repeat harmless (Octopia replaces an order's invoice
 *   with the new one), so the read-back always allows sending again.
 */
import { compilePath } from '../map/path.ts';
import type { EffectCheck, EffectVerdict, FlagEffectSpec, RepeatableEffectSpec } from './types.ts';

export function flagEffect(spec: FlagEffectSpec): EffectCheck {
  const get = compilePath(spec.path);
  return {
    type: 'flag',
    baseline: (_request, order) => ({ [spec.path]: get(order.raw) === true }),
    check(_request, order, baseline): EffectVerdict {
      const now = get(order.raw) === true;
      const before = (baseline as Record<string, boolean> | undefined)?.[spec.path];
      const evidence = { check: 'flag', path: spec.path, before: before ?? null, now };
      if (!now) return { verdict: 'not_yet', evidence };
      if (before === false) return { verdict: 'took_effect', evidence };
      return { verdict: 'unclear', evidence, reason: `${spec.path} was already true before the action was first sent: the read-back cannot tell whether this action took effect` };
    },
  };
}

export function repeatableEffect(spec: RepeatableEffectSpec): EffectCheck {
  return {
    type: 'repeatable',
    baseline: () => undefined,
    check: (): EffectVerdict => ({ verdict: 'not_yet', evidence: { check: 'repeatable', because: spec.because } }),
  };
}
