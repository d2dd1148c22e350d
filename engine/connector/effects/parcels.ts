/**
 * The `parcels` effect check: a ship with parcels took effect when every parcel it sent reads back
 * among the order's parcels (same tracking number, same lines and units), new since the first
 * send. None of them while the order may still take parcels (`before`): not yet. The first ones
 * only, when the platform sends one request per parcel (`per_parcel_requests`): not yet, resuming
 * after them. Anything else is unclear. A ship without parcels (a channel shipping whole orders)
 * is judged by `otherwise`.
 */
import type { NormalizedOrder, Parcel } from '../../order/model.ts';
import type { ActionRequest, ParcelRequest } from '../../rules/request.ts';
import type { EffectCheck, EffectVerdict, ParcelsEffectSpec } from './types.ts';

interface Baseline {
  /** Keys of the parcels the order had before the first send. */
  known: string[];
}

const key = (p: Parcel): string => `${p.id ?? ''}|${p.tracking_number ?? ''}|${p.lines.map((l) => `${l.id}:${l.quantity}`).join(',')}`;

function sentNumber(p: ParcelRequest): string | undefined {
  const n = p.data.tracking_number;
  return typeof n === 'string' && n.trim() !== '' ? n.trim() : undefined;
}

function sameLines(a: readonly { id: string; quantity: number }[], b: readonly { id: string; quantity: number }[]): boolean {
  const norm = (l: readonly { id: string; quantity: number }[]) => [...l].map((x) => `${x.id}:${x.quantity}`).sort().join(',');
  return norm(a) === norm(b);
}

function matches(sent: ParcelRequest, found: Parcel): boolean {
  const number = sentNumber(sent);
  if (number !== undefined && found.tracking_number?.trim() !== number) return false;
  return sameLines(sent.lines, found.lines);
}

export function parcelsEffect(spec: ParcelsEffectSpec, otherwise: EffectCheck | undefined): EffectCheck {
  const before = new Set(spec.before);
  const withParcels = (request: ActionRequest): boolean => (request.parcels?.length ?? 0) > 0;
  return {
    type: 'parcels',
    baseline(request, order): unknown {
      if (!withParcels(request)) return otherwise?.baseline(request, order);
      const base: Baseline = { known: (order.parcels ?? []).map(key) };
      return base;
    },
    check(request: ActionRequest, order: NormalizedOrder, rawBaseline: unknown): EffectVerdict {
      if (!withParcels(request)) {
        if (otherwise) return otherwise.check(request, order, rawBaseline);
        return { verdict: 'unclear', evidence: { check: 'parcels' }, reason: 'a ship without parcels, and the platform declares no `otherwise` check for it' };
      }
      const known = new Set((rawBaseline as Baseline | undefined)?.known ?? []);
      const fresh = (order.parcels ?? []).filter((p) => !known.has(key(p)));
      const used = new Set<Parcel>();
      const found = (request.parcels ?? []).map((sent) => {
        const hit = fresh.find((p) => !used.has(p) && matches(sent, p));
        if (hit) used.add(hit);
        return hit !== undefined;
      });
      const evidence = {
        check: 'parcels',
        marketplace_status: order.marketplace_status,
        sent: (request.parcels ?? []).map((p, i) => ({ tracking_number: sentNumber(p) ?? null, lines: p.lines, found: found[i] })),
        new_parcels: fresh.map((p) => ({ tracking_number: p.tracking_number ?? null, lines: p.lines })),
      };
      if (found.every(Boolean)) return { verdict: 'took_effect', evidence };
      const prefix = found.indexOf(false);
      const restMissing = found.slice(prefix).every((f) => !f);
      if (!before.has(order.marketplace_status)) {
        return { verdict: 'unclear', evidence, reason: `the order is ${order.marketplace_status}, no longer waiting for parcels (${spec.before.join(', ')}), and ${found.filter((f) => !f).length} parcel(s) sent do not read back` };
      }
      if (prefix === 0 && restMissing) return { verdict: 'not_yet', evidence };
      if (restMissing && spec.per_parcel_requests) return { verdict: 'not_yet', evidence, stepsDone: prefix };
      return { verdict: 'unclear', evidence, reason: `only some of the parcels sent read back (${found.map((f, i) => `parcel ${i + 1}: ${f ? 'found' : 'missing'}`).join(', ')})` };
    },
  };
}
