/**
 * Mirakl's fixed vocabularies as the simulator serves them: order and line states, reasons
 * (RE01), carriers (SH21), channels and shipping options. Values come from Mirakl's seller
 * OpenAPI (examples and enums) and channels/worten.yaml; choices are listed in the README.
 */

export const ORDER_STATES = [
  'STAGING',
  'WAITING_ACCEPTANCE',
  'WAITING_DEBIT',
  'WAITING_DEBIT_PAYMENT',
  'SHIPPING',
  'SHIPPED',
  'TO_COLLECT',
  'RECEIVED',
  'CLOSED',
  'REFUSED',
  'CANCELED',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export type LineState = OrderState | 'INCIDENT_OPEN' | 'REFUNDED';

export function isOrderState(value: string): value is OrderState {
  return (ORDER_STATES as readonly string[]).includes(value);
}

export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set(['CLOSED', 'REFUSED', 'CANCELED']);

export type ReasonType = 'INCIDENT_OPEN' | 'INCIDENT_CLOSE' | 'REFUND' | 'CANCELATION' | 'ORDER_MESSAGING';
export interface Reason {
  code: string;
  label: string;
  type: ReasonType;
  is_shop_right: boolean;
}

/** Sorted by type, then by index (RE01's documented order). */
export const REASONS: readonly Reason[] = [
  { code: '34', label: 'Cancelled by the client prior to shipping', type: 'CANCELATION', is_shop_right: true },
  { code: '35', label: 'Out of stock', type: 'CANCELATION', is_shop_right: true },
  { code: '36', label: 'Address not served', type: 'CANCELATION', is_shop_right: true },
  { code: '10', label: 'Replacement item received', type: 'INCIDENT_CLOSE', is_shop_right: false },
  { code: '1', label: 'Item not received', type: 'INCIDENT_OPEN', is_shop_right: false },
  { code: '2', label: 'Damaged item received', type: 'INCIDENT_OPEN', is_shop_right: false },
  { code: '26', label: 'Other question', type: 'ORDER_MESSAGING', is_shop_right: true },
  { code: '15', label: 'Out of stock', type: 'REFUND', is_shop_right: true },
  { code: '16', label: 'Product returned by the customer', type: 'REFUND', is_shop_right: true },
  { code: '17', label: 'Damaged product', type: 'REFUND', is_shop_right: true },
  { code: '18', label: 'Commercial gesture', type: 'REFUND', is_shop_right: true },
];

export function findReason(code: string): Reason | undefined {
  return REASONS.find((r) => r.code === code);
}

export interface Carrier {
  code: string;
  label: string;
  standard_code: string;
  tracking_url: string;
}

/** SH21's example list, in its order. */
export const CARRIERS: readonly Carrier[] = [
  { code: 'FED', label: 'Fed Ex', standard_code: 'FED', tracking_url: 'http://www.fedex.com/Tracking?action=track&tracknumbers={trackingId}' },
  { code: 'UPS', label: 'UPS', standard_code: 'UPS', tracking_url: 'https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={trackingId}' },
  { code: 'DHL', label: 'DHL', standard_code: 'DHL', tracking_url: 'http://www.dhl.co.uk/en/express/tracking.html?AWB={trackingId}&brand=DHL' },
  { code: 'DPD', label: 'DPD', standard_code: 'DPD', tracking_url: 'http://www.dpd.co.uk/apps/tracking/?parcel={trackingId}' },
  {
    code: 'TNT',
    label: 'TNT',
    standard_code: 'TNT',
    tracking_url: 'http://www.tnt.com/webtracker/tracking.do?navigation=1&searchType=CON&respLang=en&genericSiteIdent=.&cons={trackingId}',
  },
];

export function findCarrier(code: string): Carrier | undefined {
  return CARRIERS.find((c) => c.code === code);
}

export function trackingUrl(carrier: Carrier, trackingNumber: string): string {
  return carrier.tracking_url.replace('{trackingId}', encodeURIComponent(trackingNumber));
}

export type CountryCode = 'PRT' | 'ESP' | 'FRA';

export interface Channel {
  code: string;
  label: string;
  country: CountryCode;
}

export const CHANNELS: readonly Channel[] = [
  { code: 'WRT_PT_ONLINE', label: 'Worten Portugal', country: 'PRT' },
  { code: 'WRT_ES_ONLINE', label: 'Worten España', country: 'ESP' },
];

export const FULFILLMENT_CENTERS = ['DEFAULT', 'FC_LISBOA', 'FC_MADRID'] as const;

export interface ShippingType {
  code: string;
  label: string;
  /** Click & collect: SHIPPED -> TO_COLLECT -> RECEIVED. */
  pickup: boolean;
}

export const SHIPPING_TYPES: readonly ShippingType[] = [
  { code: 'STD', label: 'Standard', pickup: false },
  { code: 'EXP', label: 'Express', pickup: false },
  { code: 'PUDO', label: 'Pick-up point', pickup: true },
];

export const PAYMENT_WORKFLOWS = ['PAY_ON_ACCEPTANCE', 'PAY_ON_DELIVERY', 'PAY_ON_DUE_DATE', 'PAY_ON_SHIPMENT', 'NO_CUSTOMER_PAYMENT_CONFIRMATION'] as const;

export interface CountryData {
  name: string;
  vatRate: number;
  locale: string;
  zone: { code: string; label: string };
  firstnames: readonly string[];
  lastnames: readonly string[];
  streets: readonly string[];
  cities: readonly { city: string; zipPrefix: string; state: string }[];
  phonePrefix: string;
}

export const COUNTRIES: Record<CountryCode, CountryData> = {
  PRT: {
    name: 'Portugal',
    vatRate: 23,
    locale: 'pt_PT',
    zone: { code: 'PT_CONT', label: 'Portugal Continental' },
    firstnames: ['João', 'Maria', 'Ana', 'Pedro', 'Tiago', 'Inês', 'Rui', 'Beatriz', 'Miguel', 'Sofia', 'Carla', 'Nuno'],
    lastnames: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Gonçalves'],
    streets: ['Rua Augusta', 'Avenida da Liberdade', 'Rua de Santa Catarina', 'Rua do Carmo', 'Avenida dos Aliados', 'Rua Direita'],
    cities: [
      { city: 'Lisboa', zipPrefix: '1', state: 'Lisboa' },
      { city: 'Porto', zipPrefix: '4', state: 'Porto' },
      { city: 'Braga', zipPrefix: '47', state: 'Braga' },
      { city: 'Coimbra', zipPrefix: '30', state: 'Coimbra' },
      { city: 'Faro', zipPrefix: '80', state: 'Faro' },
    ],
    phonePrefix: '+3519',
  },
  ESP: {
    name: 'España',
    vatRate: 21,
    locale: 'es_ES',
    zone: { code: 'ES_PEN', label: 'España Peninsular' },
    firstnames: ['Lucía', 'Hugo', 'Martina', 'Pablo', 'Sara', 'Javier', 'Elena', 'Carlos', 'Paula', 'Diego', 'Carmen', 'Álvaro'],
    lastnames: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz'],
    streets: ['Calle Mayor', 'Gran Vía', 'Calle de Alcalá', 'Paseo de Gracia', 'Calle Sierpes', 'Avenida de la Constitución'],
    cities: [
      { city: 'Madrid', zipPrefix: '28', state: 'Madrid' },
      { city: 'Barcelona', zipPrefix: '08', state: 'Barcelona' },
      { city: 'Valencia', zipPrefix: '46', state: 'Valencia' },
      { city: 'Sevilla', zipPrefix: '41', state: 'Sevilla' },
      { city: 'Bilbao', zipPrefix: '48', state: 'Bizkaia' },
    ],
    phonePrefix: '+346',
  },
  FRA: {
    name: 'France',
    vatRate: 20,
    locale: 'fr_FR',
    zone: { code: 'FR_MET', label: 'France Métropolitaine' },
    firstnames: ['Camille', 'Louis', 'Léa', 'Gabriel', 'Chloé', 'Jules', 'Manon', 'Arthur', 'Inès', 'Hugo', 'Julie', 'Lucas'],
    lastnames: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'],
    streets: ['Rue de Rivoli', 'Boulevard Haussmann', 'Rue de la République', 'Avenue Jean Jaurès', 'Rue Victor Hugo', 'Place Bellecour'],
    cities: [
      { city: 'Paris', zipPrefix: '75', state: 'Île-de-France' },
      { city: 'Lyon', zipPrefix: '69', state: 'Auvergne-Rhône-Alpes' },
      { city: 'Marseille', zipPrefix: '13', state: "Provence-Alpes-Côte d'Azur" },
      { city: 'Toulouse', zipPrefix: '31', state: 'Occitanie' },
      { city: 'Lille', zipPrefix: '59', state: 'Hauts-de-France' },
    ],
    phonePrefix: '+336',
  },
};

export interface Product {
  category_code: string;
  category_label: string;
  title: string;
  /** Unit price range in cents, tax included. */
  min: number;
  max: number;
}

export const PRODUCTS: readonly Product[] = [
  { category_code: 'TV_LED', category_label: 'Televisores', title: 'Smart TV LED 55" 4K UHD', min: 34_900, max: 89_900 },
  { category_code: 'TV_ACC', category_label: 'Acessórios TV', title: 'Suporte de parede TV 32"-65"', min: 1_999, max: 6_999 },
  { category_code: 'PHONE', category_label: 'Smartphones', title: 'Smartphone 6.5" 128GB Dual SIM', min: 14_900, max: 99_900 },
  { category_code: 'PHONE_ACC', category_label: 'Capas e Películas', title: 'Capa de silicone para smartphone', min: 499, max: 2_499 },
  { category_code: 'LAPTOP', category_label: 'Portáteis', title: 'Portátil 15.6" Intel Core i5 16GB 512GB SSD', min: 49_900, max: 119_900 },
  { category_code: 'HEADPHONES', category_label: 'Auscultadores', title: 'Auscultadores Bluetooth com cancelamento de ruído', min: 2_999, max: 34_900 },
  { category_code: 'COFFEE', category_label: 'Máquinas de Café', title: 'Máquina de café expresso 15 bar', min: 5_999, max: 44_900 },
  { category_code: 'VACUUM', category_label: 'Aspiradores', title: 'Aspirador robô com mapeamento', min: 14_900, max: 59_900 },
  { category_code: 'GAMING', category_label: 'Videojogos', title: 'Jogo para consola - edição standard', min: 1_999, max: 7_999 },
  { category_code: 'SMALL_APPL', category_label: 'Pequenos Eletrodomésticos', title: 'Fritadeira sem óleo 5.5L', min: 4_999, max: 19_900 },
  { category_code: 'CABLES', category_label: 'Cabos e Adaptadores', title: 'Cabo USB-C para USB-C 2m 100W', min: 499, max: 2_999 },
  { category_code: 'WATCH', category_label: 'Smartwatches', title: 'Smartwatch com GPS e monitor cardíaco', min: 4_999, max: 44_900 },
];

export const PAYMENT_TYPES = ['Visa', 'Mastercard', 'MB Way', 'PayPal', 'Multibanco', 'Bizum'] as const;
