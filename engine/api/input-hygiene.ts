/**
 * Input hygiene in one place, for every route and the CLI: a string holding U+0000 or a lone UTF-16
 * surrogate is refused before any handler or store sees it. PostgreSQL cannot store NUL in text or
 * jsonb (it answered 500) and SQLite cuts the string at it; a lone surrogate is not Unicode and
 * would not survive a round trip through UTF-8. The API's hook walks the path parameters, the query
 * and the parsed JSON body (values and keys); the CLI checks its arguments and --data the same way.
 */
import type { FastifyInstance } from 'fastify';
import { apiError, type FieldError } from './problem.ts';

const PROBLEMS = {
  nul: 'contains a NUL character (U+0000)',
  surrogate: 'contains a lone UTF-16 surrogate (not valid Unicode)',
} as const;

/** What is wrong with a string, in words; undefined when it is text a store keeps as sent. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return PROBLEMS.nul;
  if (!text.isWellFormed()) return PROBLEMS.surrogate;
  return undefined;
}

/** A JSON pointer token; a key that is itself bad text is shown escaped, never raw. */
function token(key: string): string {
  const shown = textProblem(key) ? JSON.stringify(key).slice(1, -1) : key;
  return shown.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Every bad string in a JSON-like value (strings, and the keys and values of arrays and plain
 * objects), as field errors at their JSON pointers under `pointer`. Iterative, so a deeply nested
 * body cannot overflow the stack; stops after `max` errors.
 */
export function badTextErrors(value: unknown, pointer: string, max = 20): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<[unknown, string]> = [[value, pointer]];
  while (stack.length > 0 && out.length < max) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) out.push({ field: at, code: 'INPUT_TEXT_INVALID', message: problem });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${at}/${i}`]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const problem = textProblem(key);
        if (problem) out.push({ field: `${at}/${token(key)}`, code: 'INPUT_TEXT_INVALID', message: `key ${problem}` });
        stack.push([child, `${at}/${token(key)}`]);
      }
    }
  }
  return out;
}

/** Refuses, with 400 and one field error per bad string, any request carrying text no store keeps. */
export function installInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors = [
      ...badTextErrors(request.params, '/params'),
      ...badTextErrors(request.query, '/query'),
      ...badTextErrors(request.body, '/body'),
    ];
    if (errors.length > 0) {
      throw apiError('API_REQUEST_INVALID', `the request holds text no store can keep: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
    }
  });
}
