/**
 * A finding while compiling a platform file (a mapping, a template, a budget), with the JSON
 * pointer of the offending value so the loader can turn it into file:line:column.
 */
export type Pointer = ReadonlyArray<string | number>;

export class CompileError extends Error {
  readonly pointer: Pointer;

  constructor(pointer: Pointer, message: string) {
    super(message);
    this.name = 'CompileError';
    this.pointer = pointer;
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
