/**
 * The order's parcels from what the platform maps: a list on the order (Mirakl ST11 shipments,
 * each with its lines), or parcels listed under each line (Octopia lines[].parcels, the units of
 * that line in each) gathered into one parcel per id (else per tracking number). Each line then
 * says how many of its units shipped.
 */
import type { OrderLine, Parcel } from '../order/model.ts';
import type { LineParcel } from './map/types.ts';

type MappedLine = Omit<OrderLine, 'status'> & { parcels?: LineParcel[] };

function fromLines(lines: readonly MappedLine[]): Parcel[] {
  const byKey = new Map<string, Parcel>();
  let anonymous = 0;
  for (const line of lines) {
    for (const p of line.parcels ?? []) {
      const { quantity, ...fields } = p;
      const key = p.id ?? p.tracking_number ?? `#${anonymous++}`;
      let parcel = byKey.get(key);
      if (!parcel) {
        parcel = { ...fields, lines: [] };
        byKey.set(key, parcel);
      }
      const existing = parcel.lines.find((l) => l.id === line.id);
      if (existing) existing.quantity += quantity;
      else parcel.lines.push({ id: line.id, quantity });
    }
  }
  return [...byKey.values()];
}

/** Oldest first; parcels without a date keep their order after the dated ones. */
function byShippedAt(parcels: Parcel[]): Parcel[] {
  return parcels
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.shipped_at ?? '\uffff').localeCompare(b.p.shipped_at ?? '\uffff') || a.i - b.i)
    .map(({ p }) => p);
}

/** The order's parcels (undefined when none) and each line's shipped units, by line id. */
export function collectParcels(orderParcels: Parcel[] | undefined, lines: readonly MappedLine[]): { parcels?: Parcel[]; shipped: Map<string, number> } {
  const list = byShippedAt(orderParcels && orderParcels.length > 0 ? orderParcels : fromLines(lines));
  const shipped = new Map<string, number>();
  for (const parcel of list) for (const l of parcel.lines) shipped.set(l.id, (shipped.get(l.id) ?? 0) + l.quantity);
  return list.length > 0 ? { parcels: list, shipped } : { shipped };
}
