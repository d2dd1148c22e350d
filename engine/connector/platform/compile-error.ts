/**
 * A problem found while compiling a platform file (a mapping, a template, a budget), with the JSON
 * pointer of the offending value so the loader can turn it into a located finding
 * (file:line:column) and a catalogue code.
 */
import type { ErrorCode } from '../../errors.ts';

export type Pointer = ReadonlyArray<string | number>;

export class CompileError extends Error {
  readonly pointer: Pointer;
  readonly code: ErrorCode;
  /** How to fix it, when there is something concrete to say (a did-you-mean). */
  readonly suggestion?: string;

  constructor(pointer: Pointer, message: string, code: ErrorCode = 'PLATFORM_INCONSISTENT', suggestion?: string) {
    super(message);
    this.name = 'CompileError';
    this.pointer = pointer;
    this.code = code;
    if (suggestion !== undefined) this.suggestion = suggestion;
  }
}

/** Runs `fn`, turning a plain Error (e.g. from splitPath) into a CompileError at `pointer`. */
export function at<T>(pointer: Pointer, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CompileError) throw err;
    throw new CompileError(pointer, err instanceof Error ? err.message : String(err));
  }
}
