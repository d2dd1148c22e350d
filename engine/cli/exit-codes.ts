/** Exit codes shared by every command (documented in README "Command line"). */
import type { ErrorCode } from '../errors.ts';

export const EXIT = {
  OK: 0,
  /** Findings, a denied action, failed channel tests: the command worked and said "no". */
  FINDINGS: 1,
  /** The operator's input or environment: usage, files, configuration, store, marketplace credentials. */
  USAGE: 2,
  /** A bug in orderwire: an unexpected exception, or a code that only a bug can raise. */
  INTERNAL: 3,
} as const;

/** Coded errors that no input of the operator's can cause: only these (and uncoded exceptions) exit 3. */
const BUG_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INTERNAL', 'STORE_RUN_NOT_FOUND']);

/**
 * The exit code of a coded error. Every catalogue code names a condition orderwire anticipates and
 * explains (a bad file, an unreachable store, refused credentials): the operator can act on it, so
 * it exits 2, whatever HTTP status the same code has in the API.
 */
export function exitCodeOf(code: string): number {
  return BUG_CODES.has(code as ErrorCode) ? EXIT.INTERNAL : EXIT.USAGE;
}
