/**
 * The immutable part of an order (customer, addresses, lines, prices), derived from a random
 * stream so it never needs storing: generated order i always reads the same. Amounts are kept
 * in cents; prices include VAT (TAX_INCLUDED, as on Worten).
 */
import type { Random } from '../shared/random.ts';
import { COUNTRIES, PAYMENT_TYPES, PRODUCTS } from './catalog.ts';
import type { CountryCode } from './catalog.ts';

export interface Address {
  civility: string;
  firstname: string;
  lastname: string;
  street_1: string;
  street_2?: string;
  zip_code: string;
  city: string;
  state: string;
  country: string;
  country_iso_code: CountryCode;
  phone: string;
  company?: string;
}

export interface LineContent {
  /** 1-based, as order_line_index. */
  index: number;
  offerId: number;
  offerSku: string;
  productSku: string;
  ean: string;
  title: string;
  categoryCode: string;
  categoryLabel: string;
  quantity: number;
  unitPrice: number;
  /** Shipping for the whole line. */
  shipping: number;
  /** VAT rate in percent; 0 when the order carries no taxes. */
  taxRate: number;
  /** Commission in per mille of price + shipping. */
  commissionPermille: number;
  mediaId: string;
}

export interface OrderContent {
  commercialId: string;
  country: CountryCode;
  locale: string;
  customerId: string;
  civility: string;
  firstname: string;
  lastname: string;
  billing: Address;
  shipping: Address;
  lines: LineContent[];
  /** Whether lines carry taxes[] / shipping_taxes[]. */
  taxes: boolean;
  leadtimeDays: number;
  paymentType: string;
}

export interface ContentOptions {
  commercialId: string;
  country: CountryCode;
  /** Force the number of lines (1-4). */
  lines?: number;
  /** Force every line's quantity (tests that cancel or refund part of a line need one above 1). */
  quantity?: number;
  taxes?: boolean;
}

/** EAN-13 with a valid check digit. */
export function ean13(r: Random): string {
  let digits = '560';
  for (let i = 0; i < 9; i++) digits += String(r.int(0, 9));
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + String((10 - (sum % 10)) % 10);
}

function hex(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[r.int(0, 15)];
  return s;
}

function zip(country: CountryCode, prefix: string, r: Random): string {
  if (country === 'PRT') return `${prefix.padEnd(4, String(r.int(0, 9)))}-${String(r.int(0, 999)).padStart(3, '0')}`;
  return `${prefix}${String(r.int(0, 999)).padStart(3, '0')}`;
}

function address(r: Random, country: CountryCode, person: { civility: string; firstname: string; lastname: string }): Address {
  const data = COUNTRIES[country];
  const place = r.pick(data.cities);
  const addr: Address = {
    ...person,
    street_1: `${r.pick(data.streets)}, ${r.int(1, 250)}`,
    zip_code: zip(country, place.zipPrefix, r),
    city: place.city,
    state: place.state,
    country: data.name,
    country_iso_code: country,
    phone: `${data.phonePrefix}${String(r.int(10_000_000, 99_999_999))}`,
  };
  if (r.chance(0.3)) addr.street_2 = `${r.int(1, 9)}º ${r.pick(['Esq', 'Dto', 'A', 'B', 'C'])}`;
  if (r.chance(0.05)) addr.company = `${person.lastname} & Filhos Lda`;
  return addr;
}

const LINE_COUNT_WEIGHTS = [0.55, 0.8, 0.92, 1];

export function generateContent(r: Random, opts: ContentOptions): OrderContent {
  const country = opts.country;
  const data = COUNTRIES[country];
  const civility = r.pick(['M', 'Mme', 'Sr.', 'Sra.']);
  const firstname = r.pick(data.firstnames);
  const lastname = `${r.pick(data.lastnames)} ${r.pick(data.lastnames)}`;
  const person = { civility, firstname, lastname };
  const billing = address(r, country, person);
  const shipping = r.chance(0.85) ? { ...billing } : address(r, country, { civility, firstname: r.pick(data.firstnames), lastname });
  const roll = r.next();
  const lineCount = opts.lines ?? LINE_COUNT_WEIGHTS.findIndex((w) => roll < w) + 1;
  const taxes = opts.taxes ?? true;
  const lines: LineContent[] = [];
  for (let k = 1; k <= lineCount; k++) {
    const product = r.pick(PRODUCTS);
    const unitPrice = r.int(Math.ceil(product.min / 100), Math.floor(product.max / 100)) * 100 - (r.chance(0.6) ? 1 : 0);
    const offerId = r.int(1000, 999_999);
    lines.push({
      index: k,
      offerId,
      offerSku: `OFF-${offerId}`,
      productSku: `MKP${String(r.int(0, 999_999_999)).padStart(9, '0')}`,
      ean: ean13(r),
      title: product.title,
      categoryCode: product.category_code,
      categoryLabel: product.category_label,
      quantity: opts.quantity ?? (r.chance(0.8) ? 1 : r.int(2, 3)),
      unitPrice,
      shipping: r.chance(0.4) ? 0 : r.int(199, 699),
      taxRate: taxes ? data.vatRate : 0,
      commissionPermille: r.int(70, 150),
      mediaId: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
    });
  }
  return {
    commercialId: opts.commercialId,
    country,
    locale: data.locale,
    customerId: `C${String(r.int(1, 99_999_999)).padStart(8, '0')}`,
    civility,
    firstname,
    lastname,
    billing,
    shipping,
    lines,
    taxes,
    leadtimeDays: r.int(1, 5),
    paymentType: r.pick(PAYMENT_TYPES),
  };
}

/** Tax part of a tax-included amount in cents. */
export function includedTax(amount: number, rate: number): number {
  return rate > 0 ? Math.round((amount * rate) / (100 + rate)) : 0;
}

export function linePrice(line: LineContent): number {
  return line.unitPrice * line.quantity;
}

export function lineCommission(line: LineContent): number {
  return Math.round(((linePrice(line) + line.shipping) * line.commissionPermille) / 1000);
}
