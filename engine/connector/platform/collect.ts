/**
 * Compiling a platform file reports every problem it can, not just the first: each independent
 * part (a request's path, query, body, an effect check, a budget, the pagination) is a step whose
 * CompileError is collected while the other steps go on. A step whose result a later step needs
 * returns undefined, and the later step is skipped, so one mistake is one finding, not a cascade.
 *
 * Steps reading a part the schema already refused (`broken`, the pointers of the schema's errors)
 * are skipped too; what the schema said is enough, and a compile of a wrong shape would only add
 * noise or throw.
 */
import { CompileError, type Pointer } from './compile-error.ts';

export class Collector {
  readonly errors: CompileError[] = [];
  /** JSON pointers (as arrays) of parts the schema already refused. */
  readonly #broken: readonly Pointer[];

  constructor(broken: readonly Pointer[] = []) {
    this.#broken = broken;
  }

  /** Whether the schema refused something at `pointer`, inside it, or around it (not the whole document). */
  isBroken(pointer: Pointer): boolean {
    return this.#broken.some((b) => within(b, pointer) || (b.length > 0 && within(pointer, b)));
  }

  /**
   * Runs `fn` for the part at `pointer`: its CompileError is collected and undefined returned.
   * When the schema found errors, any other exception is a consequence of them (a missing key,
   * a wrong type) and is dropped likewise; on a schema-valid file it is a bug and propagates.
   */
  step<T>(pointer: Pointer, fn: () => T): T | undefined {
    if (this.isBroken(pointer)) return undefined;
    try {
      return fn();
    } catch (err) {
      if (err instanceof CompileError) {
        if (!this.isBroken(err.pointer)) this.errors.push(err);
        return undefined;
      }
      if (this.#broken.length > 0) return undefined;
      throw err;
    }
  }
}

/** Whether `inner` is `outer` or below it. */
function within(inner: Pointer, outer: Pointer): boolean {
  return outer.length <= inner.length && outer.every((key, i) => String(key) === String(inner[i]));
}
