/**
 * Record extractors by type: where the records are in a response body. The one table platform
 * files select from; `records: orders` is shorthand for { type: path, path: orders }.
 *   path    the list at a path ("" for a body that is itself the list)
 *   single  the object at a path is the one record (Octopia GET /orders/{id})
 */
import { compilePath } from '../map/path.ts';

export type ExtractorSpec = string | { type: 'path'; path: string; absent_is_empty?: boolean } | { type: 'single'; path?: string };

/** Records of a body, or undefined when the body does not have them where the spec says. */
export type Extractor = (body: unknown) => unknown[] | undefined;

const extractors = {
  path: (spec: { path: string; absent_is_empty?: boolean }): Extractor => {
    const get = compilePath(spec.path);
    return (body) => {
      const list = get(body);
      // bol.com answers `{}` when nothing matches: no list at all, rather than an empty one.
      if (spec.absent_is_empty && (list === undefined || list === null) && body !== null && typeof body === 'object') return [];
      return Array.isArray(list) ? list : undefined;
    };
  },
  single: (spec: { path?: string }): Extractor => {
    const get = compilePath(spec.path ?? '');
    return (body) => {
      const record = get(body);
      return record !== null && typeof record === 'object' && !Array.isArray(record) ? [record] : undefined;
    };
  },
} as const;

export const EXTRACTOR_TYPES = Object.freeze(Object.keys(extractors));

export function createExtractor(spec: ExtractorSpec): Extractor {
  if (typeof spec === 'string') return extractors.path({ path: spec });
  return spec.type === 'single' ? extractors.single(spec) : extractors.path(spec);
}
