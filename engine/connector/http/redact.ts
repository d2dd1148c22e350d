/**
 * Secrets must never reach a log line or an error message, even when a marketplace echoes them
 * back in an error body. Every text the connector emits goes through a redactor that knows the
 * account's secret values (credentials and the current access token).
 */
export const REDACTED = '[REDACTED]';

/** Header names whose values are secret whatever they hold. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$/i;

export type Redactor = (text: string) => string;

/**
 * Builds a redactor over the secret values known now and later (`secrets` is called each time,
 * so a refreshed token is covered). Values shorter than 4 characters are ignored: replacing
 * "1" everywhere would garble messages without protecting anything.
 */
export function createRedactor(secrets: () => Iterable<string>): Redactor {
  return (text) => {
    let out = text;
    const values = [...secrets()].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
    for (const value of values) out = out.split(value).join(REDACTED);
    return out;
  };
}

/** A copy of `headers` safe to log. */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.test(name) ? REDACTED : value;
  return out;
}
