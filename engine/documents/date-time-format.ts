/**
 * ajv's `date-time` format, answering at once for the instants orderwire writes itself
 * (`2025-03-05T12:00:00.000Z`: UTC, milliseconds, Z; engine/order/instant.ts). ajv-formats' check
 * splits the text and runs two regular expressions, which allocate on each of the four or five
 * dates of every normalized order a sync checks. This reads the canonical form's 24 characters in
 * place and says yes only to a real date and time in it; any other text goes to ajv-formats' own
 * check, so the answer is always ajv-formats' answer (engine/documents/date-time-format.test.ts).
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FormatDefinition } from 'ajv';

const full = fullFormats['date-time'] as FormatDefinition<string> & { validate: (text: string) => boolean };

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const dateTimeFormat: FormatDefinition<string> = {
  type: 'string',
  validate: (text: string) => isCanonicalInstant(text) || full.validate(text),
  ...(full.compare && { compare: full.compare }),
};

/**
 * Whether `text` is exactly what toISOString prints for some instant of years 0000 to 9999
 * (`YYYY-MM-DDTHH:MM:SS.sssZ`): an hour up to 23, minutes and seconds up to 59, and a day that
 * exists in its month (Date.parse would roll 2025-02-29 over to March 1st, and 24:00 to the next
 * day, so neither is taken as it is). engine/order/instant.ts gives it to the mapping and the store.
 */
export function isCanonicalInstant(text: string): boolean {
  if (text.length !== 24) return false;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58
    || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0 || digits(text, 20, 3) < 0) return false;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!);
}

/** The number written by `length` ASCII digits at `from`, or -1 if one is not a digit. */
function digits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
