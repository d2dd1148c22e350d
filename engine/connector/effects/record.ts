/**
 * The `record` effect check: the action leaves a record in the marketplace's order (Octopia's
 * refund: `cancellationDetails`, requested by the seller with the action's reason). Absent while
 * the order is still in a status before the action: not yet; present with the action's values:
 * took effect; present with other values (someone else cancelled), or absent in another status:
 * unclear.
 */
import { compilePath } from '../map/path.ts';
import type { Render } from '../template/index.ts';
import type { EffectCheck, EffectVerdict, RecordEffectSpec } from './types.ts';

export function recordEffect(spec: RecordEffectSpec, equals: ReadonlyArray<readonly [string, Render]>): EffectCheck {
  const get = compilePath(spec.path);
  const before = new Set(spec.before);
  return {
    type: 'record',
    baseline: () => undefined,
    check(request, order): EffectVerdict {
      const record = get(order.raw);
      const present = record !== undefined && record !== null;
      const evidence = { check: 'record', marketplace_status: order.marketplace_status, path: spec.path, record: present ? record : null };
      if (!present) {
        if (before.has(order.marketplace_status)) return { verdict: 'not_yet', evidence };
        return { verdict: 'unclear', evidence, reason: `the order is ${order.marketplace_status} without ${spec.path}` };
      }
      const differ = equals.flatMap(([field, render]) => {
        const want = render({ request, order });
        const got = (record as Record<string, unknown>)[field];
        return want !== undefined && String(got) === String(want) ? [] : [`${field} is ${JSON.stringify(got)}, the action's ${JSON.stringify(want)}`];
      });
      if (differ.length === 0) return { verdict: 'took_effect', evidence };
      return { verdict: 'unclear', evidence, reason: `${spec.path} was not left by this action: ${differ.join(', ')}` };
    },
  };
}
