/**
 * Validates and defaults the options of the Octopia simulator (SimulatorOptions plus its own),
 * so the CLI, tests and the demo get the same clear SIM_BAD_OPTIONS errors.
 */
import { SimulatorError } from '../errors.ts';
import type { SimulatorOptions } from '../shared/types.ts';
import { type OctopiaCredentials, generateCredentials } from './auth.ts';
import { DEFAULT_MAX_INVOICE_BYTES } from './invoices.ts';

export interface OctopiaSimulatorOptions extends SimulatorOptions {
  /** Tokens per hour per client before 429 (Octopia's one published ceiling). Default 500; 0 = off. */
  tokenQuotaPerHour?: number;
  /** Largest invoice file invoice-documents takes, in bytes. Default 10 MiB. */
  maxInvoiceBytes?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  orders: number;
  seed: number;
  speed: number;
  start: Date;
  historyDays: number;
  newOrdersPerHour: number;
  faults: string;
  credentials: OctopiaCredentials;
  tokenQuotaPerHour: number;
  maxInvoiceBytes: number;
}

export const MAX_ORDERS = 1_000_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const CREDENTIAL_KEYS = ['clientId', 'clientSecret', 'sellerId'] as const;

function bad(field: string, message: string): SimulatorError {
  return new SimulatorError('SIM_BAD_OPTIONS', `octopia simulator: ${field} ${message}`, { field });
}

function number(field: string, value: number | undefined, fallback: number, ok: (n: number) => boolean, rule: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw bad(field, `${rule}, got ${String(value)}`);
  return value;
}

export function resolveOptions(opts: OctopiaSimulatorOptions): ResolvedOptions {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw bad('host', `must be a loopback address (127.0.0.1, ::1, localhost), got ${host}`);
  const start = opts.start ?? new Date();
  if (!(start instanceof Date) || !Number.isFinite(start.getTime())) throw bad('start', 'must be a valid date');
  const credentials = { ...generateCredentials() };
  for (const [key, value] of Object.entries(opts.credentials ?? {})) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(key)) throw bad(`credentials.${key}`, `is not an Octopia credential (${CREDENTIAL_KEYS.join(', ')})`);
    if (typeof value !== 'string' || value === '') throw bad(`credentials.${key}`, 'must be a non-empty string');
    credentials[key as (typeof CREDENTIAL_KEYS)[number]] = value;
  }
  return {
    host,
    port: number('port', opts.port, 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'must be an integer from 0 to 65535'),
    orders: number('orders', opts.orders, 100, (n) => Number.isInteger(n) && n >= 0 && n <= MAX_ORDERS, `must be an integer from 0 to ${MAX_ORDERS}`),
    seed: number('seed', opts.seed, 1, Number.isSafeInteger, 'must be an integer'),
    speed: number('speed', opts.speed, 1, (n) => n >= 0, 'must be a number >= 0'),
    start,
    historyDays: number('historyDays', opts.historyDays, 7, (n) => n > 0 && n <= 3650, 'must be a number of days > 0 (at most 3650)'),
    newOrdersPerHour: number('newOrdersPerHour', opts.newOrdersPerHour, 0, (n) => n >= 0 && n <= 3_600_000, 'must be a number from 0 to 3600000'),
    faults: opts.faults ?? '',
    credentials,
    tokenQuotaPerHour: number('tokenQuotaPerHour', opts.tokenQuotaPerHour, 500, (n) => Number.isInteger(n) && n >= 0, 'must be an integer >= 0'),
    maxInvoiceBytes: number('maxInvoiceBytes', opts.maxInvoiceBytes, DEFAULT_MAX_INVOICE_BYTES, (n) => Number.isInteger(n) && n >= 1, 'must be an integer >= 1'),
  };
}
