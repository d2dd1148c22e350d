/**
 * Webhook signatures. Each endpoint's secret is derived, never stored:
 *   secret = "whsec_" + hex(HMAC-SHA256(ORDERWIRE_SECRET_KEY, endpoint id))
 * and each delivery carries
 *   Orderwire-Signature: t=<unix seconds>,v1=<hex(HMAC-SHA256(secret, "<t>.<raw body>"))>
 * A receiver recomputes v1 over the raw body with the secret it was given at creation, compares in
 * constant time, and rejects old timestamps (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { OrderwireError } from '../errors.ts';

export const SECRET_KEY_ENV = 'ORDERWIRE_SECRET_KEY';
export const MIN_SECRET_KEY_LENGTH = 32;

/** ORDERWIRE_SECRET_KEY, or WEBHOOK_SECRET_KEY_MISSING (the value is never part of a message). */
export function requireSecretKey(key: string | undefined): string {
  if (key === undefined || key === '') {
    throw new OrderwireError('WEBHOOK_SECRET_KEY_MISSING', `${SECRET_KEY_ENV} is not set: webhook secrets are derived from it (set it to at least ${MIN_SECRET_KEY_LENGTH} random characters)`);
  }
  if (key.length < MIN_SECRET_KEY_LENGTH) {
    throw new OrderwireError('WEBHOOK_SECRET_KEY_MISSING', `${SECRET_KEY_ENV} is too short: use at least ${MIN_SECRET_KEY_LENGTH} random characters`);
  }
  return key;
}

export function endpointSecret(secretKey: string, endpointId: string): string {
  return `whsec_${createHmac('sha256', secretKey).update(endpointId).digest('hex')}`;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/** Checks a signature header against the raw body; `toleranceSec` bounds the timestamp's age. */
export function verifySignature(secret: string, header: string | undefined, body: string, options: { toleranceSec?: number; now?: number } = {}): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSec ?? 300)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(signPayload(secret, t, body), 'hex'));
}
