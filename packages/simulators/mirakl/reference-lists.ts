/**
 * The reference lists one simulated Mirakl instance serves: its carriers (SH21) and reasons
 * (RE01). No marketplace publishes its lists; each instance has its own. By default the simulator
 * serves Mirakl's published examples plus values they lack (two carriers, a refund and a
 * cancellation reason), so that a client that relies on a channel file's copy of the examples
 * meets values it does not know. Tests replace the lists (/_admin/reference-lists) to play an
 * instance that adds or withdraws a value. SH21 is sorted by carrier label as Mirakl documents;
 * RE01 by type, then by index.
 */
import { CARRIERS, REASONS } from './catalog.ts';
import type { Carrier, Reason } from './catalog.ts';

export const INSTANCE_CARRIERS: readonly Carrier[] = [
  ...CARRIERS,
  { code: 'CTT', label: 'CTT Expresso', standard_code: 'CTT', tracking_url: 'https://www.ctt.pt/feapl_2/app/open/objectSearch/objectSearch.jspx?objects={trackingId}' },
  { code: 'SEUR', label: 'SEUR', standard_code: 'SEUR', tracking_url: 'https://www.seur.com/livetracking/?segOnlineIdentificador={trackingId}' },
];

export const INSTANCE_REASONS: readonly Reason[] = [
  ...REASONS,
  { code: '19', label: 'Late delivery', type: 'REFUND', is_shop_right: true },
  { code: '37', label: 'Item no longer sold', type: 'CANCELATION', is_shop_right: true },
];

const byLabel = (a: Carrier, b: Carrier): number => a.label.localeCompare(b.label, 'en');
const TYPE_ORDER = ['CANCELATION', 'INCIDENT_CLOSE', 'INCIDENT_OPEN', 'ORDER_MESSAGING', 'REFUND'];

export class InstanceLists {
  #carriers: readonly Carrier[] = [];
  #reasons: readonly Reason[] = [];

  constructor(carriers: readonly Carrier[] = INSTANCE_CARRIERS, reasons: readonly Reason[] = INSTANCE_REASONS) {
    this.replace({ carriers, reasons });
  }

  get carriers(): readonly Carrier[] {
    return this.#carriers;
  }

  get reasons(): readonly Reason[] {
    return this.#reasons;
  }

  replace(lists: { carriers?: readonly Carrier[]; reasons?: readonly Reason[] }): void {
    if (lists.carriers) this.#carriers = Object.freeze([...lists.carriers].sort(byLabel).map((c) => Object.freeze({ ...c })));
    if (lists.reasons) {
      // Stable: within a type the reasons keep their index (the order given).
      const rank = (r: Reason): number => (TYPE_ORDER.indexOf(r.type) + TYPE_ORDER.length + 1) % (TYPE_ORDER.length + 1);
      this.#reasons = Object.freeze([...lists.reasons].sort((a, b) => rank(a) - rank(b)).map((r) => Object.freeze({ ...r })));
    }
  }

  findCarrier(code: string): Carrier | undefined {
    return this.#carriers.find((c) => c.code === code);
  }

  findReason(code: string): Reason | undefined {
    return this.#reasons.find((r) => r.code === code);
  }
}
