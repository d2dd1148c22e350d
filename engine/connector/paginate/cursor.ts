/**
 * `cursor`: the response carries a token for the next page (seek paging, e.g. Mirakl's
 * next_page_token endpoints); absent or empty means the last page.
 */
import { OrderwireError } from '../../errors.ts';
import { compilePath } from '../map/path.ts';
import type { Paginator } from './types.ts';

export interface CursorSpec {
  type: 'cursor';
  /** Query parameter that carries the token. */
  cursor_param: string;
  /** Path of the next token in the response body. */
  next: string;
  size_param?: string;
  page_size?: number;
}

export function cursor(spec: CursorSpec): Paginator {
  const next = compilePath(spec.next);
  const sizing = spec.size_param && spec.page_size ? { [spec.size_param]: String(spec.page_size) } : {};
  return {
    first: () => ({ ...sizing }),
    next(current, body) {
      const token = next(body);
      if (token === undefined || token === null || token === '') return undefined;
      if (String(token) === current[spec.cursor_param]) {
        throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `the next-page cursor did not change (${spec.next}); stopping to avoid a loop`, { path: spec.next });
      }
      return { ...current, [spec.cursor_param]: String(token) };
    },
  };
}
