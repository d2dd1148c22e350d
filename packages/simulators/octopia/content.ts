/**
 * The immutable content of an order (customer, addresses, lines, prices) derived on demand from
 * (seed, ref), never stored. Prices are tax-included euros, as on Cdiscount.
 */
import { createRandom, type Random } from '../shared/random.ts';
import { COUNTRIES, PRODUCT_CONDITIONS, PRODUCTS } from './catalogue.ts';
import { DAY, MINUTE, SALES_CHANNELS } from './domain.ts';
import { CARRIERS, type Carrier } from './reference-data.ts';
import { businessOrderOf, orderIdOf } from './ids.ts';
import type { Facts, World } from './world.ts';

export interface Address {
  civility: string;
  firstName: string;
  lastName: string;
  companyName?: string;
  addressLine1: string;
  addressLine2?: string;
  postalCode: string;
  city: string;
  countryCode: string;
  phone: string;
}

export interface LineContent {
  orderLineId: string;
  sellerProductId: string;
  productEan: string;
  productTitle: string;
  productCondition: string;
  quantity: number;
  unitPriceCents: number;
  shippingCostCents: number;
}

export interface OrderContent {
  orderId: string;
  reference: string;
  businessOrder: string;
  purchasedAt: number;
  shippedAtMax: number;
  customer: { customerId: string; civility: string; firstName: string; lastName: string; email: string; phone: string };
  billingAddress: Address;
  shippingAddress: Address;
  lines: LineContent[];
  /** Parcel used when the order was shipped before the simulator started, or by the marketplace. */
  marketplaceParcel: { parcelNumber: string; carrier: Carrier };
}

/** Line count override for orders created through /_admin. */
export interface ContentOverrides {
  lineCount?: number;
}

export class ContentGenerator {
  readonly #world: World;
  readonly #root: Random;

  constructor(world: World) {
    this.#world = world;
    this.#root = createRandom(world.seed);
  }

  content(f: Facts, overrides: ContentOverrides = {}): OrderContent {
    const r = this.#root.fork(f.ref);
    const channel = SALES_CHANNELS[f.channel] ?? (SALES_CHANNELS[0] as (typeof SALES_CHANNELS)[number]);
    const country = COUNTRIES[channel.country];
    const orderId = orderIdOf(this.#world, f.ref, f.createdAt);
    const civility = r.chance(0.5) ? 'Mrs' : 'Mr';
    const firstName = r.pick(country.firstNames[civility]);
    const lastName = r.pick(country.lastNames);
    const phone = country.phone.prefix + digits(r, country.phone.digits);
    const home = address(r, country, channel.country, civility, firstName, lastName, phone);
    // One customer in ten ships elsewhere (a workplace or a relative).
    const shipping = r.chance(0.1)
      ? { ...address(r, country, channel.country, civility, firstName, lastName, phone), companyName: `${r.pick(country.lastNames)} SARL` }
      : home;
    const lineCount = overrides.lineCount ?? weightedLineCount(r);
    const lines: LineContent[] = [];
    for (let n = 1; n <= lineCount; n++) {
      const product = r.pick(PRODUCTS);
      const unit = roundPrice(r.int(product.minCents, product.maxCents));
      lines.push({
        orderLineId: `${orderId}-${n}`,
        sellerProductId: `SKU-${digits(r, 6)}`,
        productEan: ean13(r),
        productTitle: product.title,
        productCondition: r.pick(PRODUCT_CONDITIONS),
        quantity: r.chance(0.8) ? 1 : r.int(2, 3),
        unitPriceCents: unit,
        shippingCostCents: r.chance(0.4) ? 0 : r.pick([299, 399, 499, 599, 799, 999]),
      });
    }
    const carrier = r.pick(CARRIERS.slice(0, 16));
    return {
      orderId,
      reference: f.channel === 0 ? orderId : `${channel.id.split('-')[1] ?? 'P'}${digits(r, 9)}`,
      businessOrder: businessOrderOf(orderId),
      purchasedAt: f.createdAt - r.int(30_000, 10 * MINUTE),
      shippedAtMax: f.createdAt + r.int(2, 4) * DAY,
      customer: {
        customerId: `C${digits(r, 9)}`,
        civility,
        firstName,
        lastName,
        email: `${firstName.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${digits(r, 6)}@customers.marketplace.invalid`,
        phone,
      },
      billingAddress: home,
      shippingAddress: shipping,
      lines,
      marketplaceParcel: { parcelNumber: `${r.pick(['6A', '8R', 'XS', 'JD'])}${digits(r, 11)}`, carrier },
    };
  }
}

function address(
  r: Random,
  country: (typeof COUNTRIES)[keyof typeof COUNTRIES],
  countryCode: string,
  civility: string,
  firstName: string,
  lastName: string,
  phone: string,
): Address {
  const place = r.pick(country.places);
  const out: Address = {
    civility,
    firstName,
    lastName,
    addressLine1: `${r.int(1, 180)} ${r.pick(country.streets)}`,
    postalCode: place.postalCode,
    city: place.city,
    countryCode,
    phone,
  };
  if (r.chance(0.2)) out.addressLine2 = `Apt ${r.int(1, 60)}`;
  return out;
}

function weightedLineCount(r: Random): number {
  const x = r.next();
  return x < 0.7 ? 1 : x < 0.88 ? 2 : x < 0.96 ? 3 : 4;
}

/** Retail-looking prices: ...,90 or ...,99. */
function roundPrice(cents: number): number {
  const euros = Math.floor(cents / 100);
  return euros * 100 + (cents % 2 === 0 ? 90 : 99);
}

/** n random decimal digits, drawn six at a time. */
function digits(r: Random, n: number): string {
  let s = '';
  for (let left = n; left > 0; left -= 6) {
    const k = Math.min(6, left);
    s += String(r.int(0, 10 ** k - 1)).padStart(k, '0');
  }
  return s;
}

/** A syntactically valid EAN-13 (French GS1 prefix 30-37, correct check digit). */
function ean13(r: Random): string {
  const body = String(r.int(30, 37)) + digits(r, 10);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}
