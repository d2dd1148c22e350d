/**
 * Realistic-looking material for generated orders: customer names and addresses per country and
 * a small product catalogue. All invented; nothing here is a real person or address.
 */

export interface Place {
  readonly city: string;
  readonly postalCode: string;
}

export interface CountryData {
  /** Given names by civility, so "Mrs" and "Mr" match the name. */
  readonly firstNames: { readonly Mrs: readonly string[]; readonly Mr: readonly string[] };
  readonly lastNames: readonly string[];
  readonly streets: readonly string[];
  readonly places: readonly Place[];
  /** Mobile prefix and digit count after it. */
  readonly phone: { readonly prefix: string; readonly digits: number };
}

export const COUNTRIES: Readonly<Record<'FR' | 'ES' | 'PT', CountryData>> = Object.freeze({
  FR: {
    firstNames: { Mrs: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Élodie'], Mr: ['Lucas', 'Hugo', 'Louis', 'Gabriel', 'Théo', 'Mathis'] },
    lastNames: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Girard'],
    streets: ['rue de la République', 'avenue Jean Jaurès', 'rue Victor Hugo', 'boulevard Gambetta', 'rue des Lilas', 'place de la Mairie', 'chemin des Vignes'],
    places: [
      { city: 'Paris', postalCode: '75011' },
      { city: 'Lyon', postalCode: '69003' },
      { city: 'Marseille', postalCode: '13006' },
      { city: 'Bordeaux', postalCode: '33000' },
      { city: 'Lille', postalCode: '59000' },
      { city: 'Nantes', postalCode: '44000' },
      { city: 'Toulouse', postalCode: '31000' },
      { city: 'Strasbourg', postalCode: '67000' },
      { city: 'Rennes', postalCode: '35000' },
      { city: 'Montpellier', postalCode: '34000' },
    ],
    phone: { prefix: '+336', digits: 8 },
  },
  ES: {
    firstNames: { Mrs: ['Lucía', 'Sofía', 'Martina', 'María', 'Paula', 'Carmen'], Mr: ['Hugo', 'Mateo', 'Martín', 'Lucas', 'Leo', 'Alejandro'] },
    lastNames: ['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Díaz', 'Moreno'],
    streets: ['Calle Mayor', 'Avenida de la Constitución', 'Calle del Sol', 'Paseo de Gracia', 'Calle Real', 'Plaza de España'],
    places: [
      { city: 'Madrid', postalCode: '28013' },
      { city: 'Barcelona', postalCode: '08007' },
      { city: 'Valencia', postalCode: '46002' },
      { city: 'Sevilla', postalCode: '41001' },
      { city: 'Zaragoza', postalCode: '50001' },
      { city: 'Málaga', postalCode: '29015' },
      { city: 'Bilbao', postalCode: '48001' },
    ],
    phone: { prefix: '+346', digits: 8 },
  },
  PT: {
    firstNames: { Mrs: ['Maria', 'Leonor', 'Matilde', 'Beatriz', 'Carolina', 'Inês'], Mr: ['João', 'Rodrigo', 'Martim', 'Francisco', 'Tomás', 'Afonso'] },
    lastNames: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Jesus', 'Sousa', 'Fernandes', 'Gonçalves'],
    streets: ['Rua Augusta', 'Avenida da Liberdade', 'Rua de Santa Catarina', 'Rua do Carmo', 'Travessa do Fala-Só', 'Largo do Rato'],
    places: [
      { city: 'Lisboa', postalCode: '1100-053' },
      { city: 'Porto', postalCode: '4000-322' },
      { city: 'Braga', postalCode: '4700-035' },
      { city: 'Coimbra', postalCode: '3000-150' },
      { city: 'Faro', postalCode: '8000-138' },
      { city: 'Aveiro', postalCode: '3800-200' },
    ],
    phone: { prefix: '+3519', digits: 8 },
  },
});

export interface Product {
  readonly title: string;
  /** Tax-included unit price range in euro cents. */
  readonly minCents: number;
  readonly maxCents: number;
}

export const PRODUCTS: readonly Product[] = Object.freeze([
  { title: 'Wireless headphones with noise cancelling', minCents: 3999, maxCents: 24999 },
  { title: 'Stainless steel cookware set, 6 pieces', minCents: 4990, maxCents: 14990 },
  { title: 'USB-C charger 65 W', minCents: 1490, maxCents: 4990 },
  { title: 'Children\'s building blocks, 500 pieces', minCents: 1999, maxCents: 5999 },
  { title: 'Cordless vacuum cleaner', minCents: 8999, maxCents: 39999 },
  { title: 'Cotton bed linen set 240x260', minCents: 2990, maxCents: 8990 },
  { title: 'Smartphone protective case', minCents: 590, maxCents: 2490 },
  { title: '27-inch IPS monitor', minCents: 14999, maxCents: 39999 },
  { title: 'Espresso coffee machine', minCents: 7999, maxCents: 59999 },
  { title: 'Garden hose 25 m with reel', minCents: 2490, maxCents: 7990 },
  { title: 'Running shoes', minCents: 3990, maxCents: 15990 },
  { title: 'LED desk lamp', minCents: 1290, maxCents: 4990 },
  { title: 'Electric toothbrush', minCents: 2490, maxCents: 12990 },
  { title: 'Board game for the whole family', minCents: 1990, maxCents: 4990 },
  { title: 'Cast iron casserole 24 cm', minCents: 4990, maxCents: 19990 },
]);

export const PRODUCT_CONDITIONS = ['New', 'New', 'New', 'New', 'LikeNew', 'VeryGoodState', 'Refurbished'] as const;
