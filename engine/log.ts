/**
 * JSON-lines logs with pino. Secrets are redacted by path (headers, credentials, tokens) as a
 * second line of defence: code never passes a secret to a log call in the first place.
 */
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  'credentials',
  '*.credentials',
  'api_key',
  '*.api_key',
  'client_secret',
  '*.client_secret',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'password',
  '*.password',
];

export const REDACTED = '[redacted]';

/** Query parameters whose values are secrets whatever they hold (access_token, api_key, password...). */
export function isSecretParameter(name: string): boolean {
  return /token|key|secret|pass|pwd|auth|signature|sig$|credential|session/i.test(name);
}

/** An orderwire API token wherever it appears (engine/api/tokens.ts: ow_ + 43 base64url characters). */
const API_TOKEN = /ow_[A-Za-z0-9_-]{20,}/g;

/**
 * A request URL (path and query, or absolute) as it may be logged: the values of secret-looking
 * query parameters and any API token text replaced, the rest kept for the operator.
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at === -1 ? url : url.slice(0, at)).replace(API_TOKEN, REDACTED);
  if (at === -1) return path;
  const query = url.slice(at + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) return pair.replace(API_TOKEN, REDACTED);
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replaceAll('+', ' '));
    } catch {
      // A name that is not valid percent-encoding is judged as written.
    }
    return isSecretParameter(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair.replace(API_TOKEN, REDACTED);
  });
  return `${path}?${query.join('&')}`;
}

export function createLogger(options: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'orderwire',
      level: options.level ?? process.env.ORDERWIRE_LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      base: undefined,
    },
    options.destination,
  );
}

/** A logger that drops everything (library use and tests that do not inspect logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
