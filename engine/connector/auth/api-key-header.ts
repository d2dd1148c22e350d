/**
 * `api_key_header`: the raw key in one header on every request. Mirakl's seller API reads
 * `Authorization: <shop API key>`, with no "Bearer" scheme.
 */
import { requireCredential } from './credential.ts';
import type { AuthFactory } from './types.ts';

export interface ApiKeyHeaderSpec {
  type: 'api_key_header';
  /** Header carrying the key, e.g. Authorization. */
  header: string;
  /** Credential holding the key. */
  credential: string;
  /** Text put before the key ("Bearer "), empty by default. */
  prefix?: string;
}

export const apiKeyHeader: AuthFactory<ApiKeyHeaderSpec> = (spec, ctx) => {
  const key = requireCredential(ctx.credentials, spec.credential);
  const headers = Object.freeze({ [spec.header]: `${spec.prefix ?? ''}${key}` });
  return {
    headers: async () => headers,
    // A key cannot be refreshed: a 401 is final.
    invalidate: () => false,
    secrets: () => [key],
  };
};
