/** The channels shipped in channels/ (the library), sorted: tests that list channels compare to it. */
export const LIBRARY_CHANNELS: readonly string[] = [
  'bol', 'carrefour', 'cdiscount', 'conforama', 'conrad', 'decathlon', 'galerieslafayette', 'jardiland', 'kaufland', 'laredoute', 'leroymerlin',
  'maisonsdumonde', 'manor', 'mediamarkt', 'pccomponentes', 'placedestendances', 'printemps', 'rueducommerce', 'worten',
];
