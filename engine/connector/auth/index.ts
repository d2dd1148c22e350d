/**
 * The authentication strategies, by `auth.type`. The one table a platform file selects from.
 */
import { apiKeyHeader, type ApiKeyHeaderSpec } from './api-key-header.ts';
import { hmacSignature, type HmacSignatureSpec } from './hmac-signature.ts';
import { oauth2ClientCredentials, type OAuth2ClientCredentialsSpec } from './oauth2-client-credentials.ts';
import type { AuthContext, AuthStrategy } from './types.ts';

export type AuthSpec = ApiKeyHeaderSpec | OAuth2ClientCredentialsSpec | HmacSignatureSpec;

const strategies: { [K in AuthSpec['type']]: (spec: Extract<AuthSpec, { type: K }>, ctx: AuthContext) => AuthStrategy } = {
  api_key_header: apiKeyHeader,
  oauth2_client_credentials: oauth2ClientCredentials,
  hmac_signature: hmacSignature,
};

export const AUTH_TYPES = Object.freeze(Object.keys(strategies)) as readonly AuthSpec['type'][];

export function createAuth(spec: AuthSpec, ctx: AuthContext): AuthStrategy {
  const factory = strategies[spec.type] as (spec: AuthSpec, ctx: AuthContext) => AuthStrategy;
  return factory(spec, ctx);
}

export type { AuthContext, AuthStrategy, PostForm, SignedRequest } from './types.ts';
