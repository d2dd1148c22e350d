/**
 * The normalized order's instants are UTC ISO-8601 with milliseconds and Z, as
 * Date.prototype.toISOString prints them. Most marketplace dates arrive in that form already:
 * recognising it saves a Date and a string per date on the mapping and the store's paths.
 */
const SHAPE = /^\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;

/**
 * Whether `text` is exactly what toISOString prints for some instant of years 0000 to 9999: the
 * shape, and a day that exists in its month (Date.parse would roll 2025-02-29 over to March 1st,
 * and 24:00 to the next day, so neither is taken as it is).
 */
export function isCanonicalInstant(text: string): boolean {
  if (text.length !== 24 || !SHAPE.test(text)) return false;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2) return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}
