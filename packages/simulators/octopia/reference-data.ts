/**
 * Reference lists the marketplace owns: supported carriers and cancellation reasons per status.
 * They copy Cdiscount's own lists (GetGlobalConfiguration carriers, RefundMotive values), the same
 * sources channels/cdiscount.yaml cites; a test keeps the two in step. The simulator does not read
 * the channel file: it plays the marketplace, which must reject a channel file's mistakes.
 */
import type { OrderStatus } from './domain.ts';

export interface Carrier {
  /** Cdiscount CarrierId. */
  readonly code: string;
  readonly name: string;
}

export const CARRIERS: readonly Carrier[] = Object.freeze([
  { code: '1', name: 'Relais Colis' },
  { code: '2', name: 'UPS' },
  { code: '3', name: 'TNT' },
  { code: '5', name: 'PostNL' },
  { code: '6', name: 'Mondial Relay' },
  { code: '7', name: 'La Poste - Courrier' },
  { code: '8', name: 'GLS' },
  { code: '9', name: 'DPD' },
  { code: '10', name: 'DHL Express' },
  { code: '11', name: 'DHL Deutsche Post' },
  { code: '12', name: 'China Post' },
  { code: '13', name: 'Chronopost' },
  { code: '14', name: 'Colissimo' },
  { code: '15', name: 'Colis Privé' },
  { code: '16', name: 'Bpost' },
  { code: '17', name: 'China EMS (ePacket)' },
  { code: '18', name: 'FedEx' },
  { code: '19', name: 'SF Express' },
  { code: '21', name: 'Singapore Post' },
  { code: '22', name: '4PX' },
  { code: '23', name: 'Malaysia Post' },
  { code: '24', name: 'Yanwen' },
  { code: '25', name: 'CNE Express' },
  { code: '26', name: 'SFC Service' },
  { code: '27', name: 'GEODIS' },
  { code: '29', name: 'WishPost' },
  { code: '30', name: 'Asendia HK' },
  { code: '31', name: 'DB Schenker' },
  { code: '32', name: 'DHL ecommerce asia' },
]);

/**
 * The carriers one simulated seller account is offered (GET /carriers), by default Cdiscount's
 * list plus one carrier it does not publish, so that a client relying on a channel file's static
 * list meets a carrier it does not know. Tests replace the list (/_admin/reference-lists) to
 * play a marketplace that adds or withdraws a carrier.
 */
export const INSTANCE_CARRIERS: readonly Carrier[] = Object.freeze([...CARRIERS, { code: '33', name: 'Kuehne + Nagel' }]);

/** The instance's carrier list, looked up by code or (case-insensitively) by name. */
export class CarrierList {
  #all: readonly Carrier[] = [];
  #byCode = new Map<string, Carrier>();
  #byName = new Map<string, Carrier>();

  constructor(carriers: readonly Carrier[] = INSTANCE_CARRIERS) {
    this.replace(carriers);
  }

  get all(): readonly Carrier[] {
    return this.#all;
  }

  replace(carriers: readonly Carrier[]): void {
    this.#all = Object.freeze(carriers.map((c) => Object.freeze({ code: c.code, name: c.name })));
    this.#byCode = new Map(this.#all.map((c) => [c.code, c]));
    this.#byName = new Map(this.#all.map((c) => [c.name.toLowerCase(), c]));
  }

  byCode(code: string): Carrier | undefined {
    return this.#byCode.get(code);
  }

  byName(name: string): Carrier | undefined {
    return this.#byName.get(name.trim().toLowerCase());
  }
}

const carriersByCode = new Map(CARRIERS.map((c) => [c.code, c]));
const carriersByName = new Map(CARRIERS.map((c) => [c.name.toLowerCase(), c]));

export function carrierByCode(code: string): Carrier | undefined {
  return carriersByCode.get(code);
}

/** Names match case-insensitively, as the marketplace compares them to its list. */
export function carrierByName(name: string): Carrier | undefined {
  return carriersByName.get(name.trim().toLowerCase());
}

export interface CancellationReason {
  readonly code: string;
  readonly label: string;
  /** Statuses in which the seller may request a cancellation with this reason. */
  readonly statuses: readonly OrderStatus[];
}

const BEFORE_SHIPMENT: readonly OrderStatus[] = ['Accepted', 'InPreparation'];
const AFTER_SHIPMENT: readonly OrderStatus[] = ['Shipped', 'Delivered'];

export const CANCELLATION_REASONS: readonly CancellationReason[] = Object.freeze([
  { code: 'ProductStockUnavailable', label: 'Product out of stock', statuses: BEFORE_SHIPMENT },
  { code: 'VendorRejection', label: 'Rejected by the seller', statuses: BEFORE_SHIPMENT },
  { code: 'ClientCancellation', label: 'Cancelled by the customer', statuses: BEFORE_SHIPMENT },
  {
    code: 'VendorRejectionAndClientCancellation',
    label: 'Rejected by the seller and cancelled by the customer',
    statuses: BEFORE_SHIPMENT,
  },
  { code: 'ClientClaim', label: 'Customer claim', statuses: AFTER_SHIPMENT },
  { code: 'VendorInitiatedRefund', label: 'Refund initiated by the seller', statuses: AFTER_SHIPMENT },
  { code: 'ClientRetraction', label: 'Customer withdrawal (retraction)', statuses: AFTER_SHIPMENT },
  { code: 'NoClientWithDrawal', label: 'No customer withdrawal', statuses: AFTER_SHIPMENT },
]);

/** Statuses from which a seller cancellation request is accepted at all. */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = [...BEFORE_SHIPMENT, ...AFTER_SHIPMENT];

export function reasonsFor(status: OrderStatus): CancellationReason[] {
  return CANCELLATION_REASONS.filter((r) => r.statuses.includes(status));
}

export function reasonByCode(code: string): CancellationReason | undefined {
  return CANCELLATION_REASONS.find((r) => r.code === code);
}

/** Reason codes the marketplace itself records for refusals and automatic rejections. */
export const SELLER_REFUSAL_REASON = { code: 'VendorRejection', label: 'Refused by the seller' } as const;
export const AUTOMATIC_REJECTION_REASON = {
  code: 'AutomaticCancellation',
  label: 'Not accepted by the seller in time',
} as const;
