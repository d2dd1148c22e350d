/** Store locations as they may appear in messages and logs: never with a password. */
import { isSecretParameter } from '../log.ts';

export function redactStoreUrl(spec: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return spec;
  try {
    const url = new URL(spec);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (isSecretParameter(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    // Unparseable: cut everything between the scheme and the host separator.
    return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
  }
}
