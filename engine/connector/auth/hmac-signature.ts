/**
 * `hmac_signature`: every request signed with a secret the marketplace shares with the seller
 * (Kaufland Seller API v2: HMAC-SHA256 of method, URL, body and timestamp, one per line, hex;
 * headers Shop-Client-Key, Shop-Timestamp, Shop-Signature). What is signed and which headers
 * carry what are templates of the platform file, so another marketplace's scheme (the path
 * instead of the URL, base64, another order) is YAML too. The secret never leaves the process:
 * a header may not carry it (checked at load, compileHmac).
 */
import { createHmac } from 'node:crypto';
import { CompileError, type Pointer } from '../platform/compile-error.ts';
import { compileTemplate, type Render } from '../template/substitution.ts';
import { requireCredential } from './credential.ts';
import type { AuthFactory } from './types.ts';

export interface HmacSignatureSpec {
  type: 'hmac_signature';
  /** Credential holding the shared secret (the HMAC key). */
  secret: { credential: string };
  /** Hash of the HMAC (default sha256). */
  algorithm?: 'sha256' | 'sha512' | 'sha1';
  /** Encoding of the signature (default hex). */
  encoding?: 'hex' | 'base64';
  /** How `${timestamp}` is written (default epoch_s). */
  timestamp?: 'epoch_s' | 'epoch_ms' | 'iso_seconds';
  /** The text signed: a template of method, url, path, body and timestamp. */
  string_to_sign: string;
  /** Headers of every request: templates of timestamp and signature, or a credential. */
  headers: Readonly<Record<string, string | { credential: string }>>;
}

const SIGN_ROOTS: ReadonlySet<string> = new Set(['method', 'url', 'path', 'body', 'timestamp']);
const HEADER_ROOTS: ReadonlySet<string> = new Set(['timestamp', 'signature']);

export interface CompiledHmac {
  sign: Render;
  headers: ReadonlyArray<readonly [string, Render | { credential: string }]>;
}

/**
 * Compiles the templates, with located errors: an unknown reference, no header carrying the
 * signature, a header carrying the secret. Run at load (compilePlatform) and by the factory.
 */
export function compileHmac(spec: HmacSignatureSpec, pointer: Pointer = ['auth']): CompiledHmac {
  const sign = compileTemplate(spec.string_to_sign, { roots: SIGN_ROOTS }, [...pointer, 'string_to_sign']);
  const headers = Object.entries(spec.headers).map(([name, value]) => {
    if (typeof value !== 'string') {
      if (value.credential === spec.secret.credential) throw new CompileError([...pointer, 'headers', name], `header ${name} would send the secret itself (credential "${value.credential}"): only the signature made with it is sent`);
      return [name, value] as const;
    }
    return [name, compileTemplate(value, { roots: HEADER_ROOTS }, [...pointer, 'headers', name])] as const;
  });
  if (!Object.values(spec.headers).some((v) => typeof v === 'string' && /\$\{\s*signature\s*\}/.test(v))) {
    throw new CompileError([...pointer, 'headers'], 'no header carries the signature: add one whose value is "${signature}"');
  }
  return { sign, headers };
}

const TIMESTAMPS: Readonly<Record<NonNullable<HmacSignatureSpec['timestamp']>, (ms: number) => string>> = {
  epoch_s: (ms) => String(Math.floor(ms / 1000)),
  epoch_ms: (ms) => String(ms),
  iso_seconds: (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
};

export const hmacSignature: AuthFactory<HmacSignatureSpec> = (spec, ctx) => {
  const now = ctx.now ?? Date.now;
  const secret = requireCredential(ctx.credentials, spec.secret.credential);
  const compiled = compileHmac(spec);
  const fixed = new Map<string, string>();
  for (const [name, value] of compiled.headers) if (typeof value !== 'function') fixed.set(name, requireCredential(ctx.credentials, value.credential));
  const stamp = TIMESTAMPS[spec.timestamp ?? 'epoch_s'];
  return {
    signs: true,
    async headers(_signal, request) {
      // The client passes every request it sends; without one there is nothing to sign.
      if (!request) throw new Error('hmac_signature signs requests: the HTTP client must pass the request');
      const timestamp = stamp(now());
      const url = new URL(request.url);
      const text = String(compiled.sign({ method: request.method.toUpperCase(), url: request.url, path: `${url.pathname}${url.search}`, body: request.body, timestamp }));
      const signature = createHmac(spec.algorithm ?? 'sha256', secret).update(text, 'utf8').digest(spec.encoding ?? 'hex');
      const out: Record<string, string> = {};
      for (const [name, value] of compiled.headers) out[name] = typeof value === 'function' ? String(value({ timestamp, signature })) : fixed.get(name)!;
      return out;
    },
    // A signature cannot be refreshed: a 401 is final.
    invalidate: () => false,
    secrets: () => [secret, ...fixed.values()],
  };
};
