/**
 * API tokens: `ow_` + 32 random bytes in base64url, shown once to whoever creates them. The store
 * keeps only the SHA-256 (a token has 256 bits of entropy, so a fast hash is enough: nothing to
 * brute-force) and a short prefix to recognise a token in lists.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken, Store } from '../store/store.ts';

export const TOKEN_PREFIX = 'ow_';
const TOKEN_SHAPE = /^ow_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What lists show: enough to tell tokens apart, far too little to use one. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** Creates and stores a token; returns the token text (to show once) and its record. */
export async function createToken(store: Store, options: { name: string; accounts: string[] }): Promise<{ token: string; record: ApiToken }> {
  const token = generateToken();
  const record = await store.createApiToken({ name: options.name, accounts: [...new Set(options.accounts)], token_hash: hashToken(token), prefix: displayPrefix(token) });
  return { token, record };
}
