import { OrderwireError } from '../../errors.ts';

/** A credential by name, or a clear error naming it (never its value). */
export function requireCredential(credentials: Readonly<Record<string, string>>, name: string): string {
  const value = credentials[name];
  if (value === undefined || value === '') {
    throw new OrderwireError('CONNECTOR_CREDENTIAL_MISSING', `credential "${name}" is missing for this account`, { credential: name });
  }
  return value;
}
