/**
 * Options that take a JSON object (`--data`): parsed, checked to be an object, and held to the
 * same input hygiene as the API (no NUL, no lone surrogate in any value or key), with usage errors
 * that name the option.
 */
import { badTextErrors } from '../api/input-hygiene.ts';
import { OrderwireError } from '../errors.ts';

export function parseJsonObjectOption(option: string, text: string, example = '{"tracking_number":"X1"}'): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new OrderwireError('USAGE', `${option} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new OrderwireError('USAGE', `${option} must be a JSON object, e.g. '${example}'`);
  const [bad] = badTextErrors(data, '');
  if (bad) throw new OrderwireError('INPUT_TEXT_INVALID', `${option}: ${bad.field || '/'} ${bad.message}`, { option, field: bad.field });
  return data as Record<string, unknown>;
}
