/**
 * The `tracking` effect check: a ship action took effect when the order is shipped with the
 * tracking number it sent. A tracking number already set while the order is not shipped yet
 * proves the tracking request (`tracking_step`, Mirakl's OR23) and only that: resume after it.
 */
import type { Render } from '../template/index.ts';
import type { EffectCheck, EffectVerdict, TrackingEffectSpec } from './types.ts';

export function trackingEffect(spec: TrackingEffectSpec, number: Render): EffectCheck {
  const shipped = new Set(spec.shipped);
  const before = new Set(spec.before);
  return {
    type: 'tracking',
    baseline: () => undefined,
    check(request, order): EffectVerdict {
      const sent = number({ request, order });
      const found = order.tracking?.number;
      const matches = found !== undefined && sent !== undefined && String(found).trim() === String(sent).trim();
      const evidence = { check: 'tracking', marketplace_status: order.marketplace_status, tracking_number: found ?? null, sent: sent ?? null };
      if (shipped.has(order.marketplace_status)) {
        if (matches) return { verdict: 'took_effect', evidence };
        return { verdict: 'unclear', evidence, reason: `the order is ${order.marketplace_status} with tracking ${found === undefined ? '(none)' : JSON.stringify(found)}, not the action's ${JSON.stringify(sent)}` };
      }
      if (before.has(order.marketplace_status)) {
        return matches && spec.tracking_step !== undefined ? { verdict: 'not_yet', evidence, doneThrough: spec.tracking_step } : { verdict: 'not_yet', evidence };
      }
      return { verdict: 'unclear', evidence, reason: `the order is ${order.marketplace_status}, neither waiting to ship (${spec.before.join(', ')}) nor shipped (${spec.shipped.join(', ')})` };
    },
  };
}
