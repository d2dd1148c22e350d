/**
 * schemas/order.schema.json as a validator: used where orders enter from outside the engine
 * (`orderwire check --order`, channel test files). Problems come with the JSON pointer of the
 * offending value, so a message says which field of which line is wrong.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export const ORDER_SCHEMA_FILE = path.resolve(import.meta.dirname, '../../schemas/order.schema.json');

export interface SchemaProblem {
  /** JSON pointer of the offending value ('' for the document itself). */
  pointer: string;
  message: string;
  /** The JSON Schema keyword that failed (required, type, enum, oneOf...). */
  keyword: string;
}

/** Compiles a JSON Schema file (draft 2020-12, strict, formats) once per process. */
export function schemaValidator(file: string): () => ValidateFunction {
  let validate: ValidateFunction | undefined;
  return () => {
    if (!validate) {
      // strictRequired off: `oneOf: [{ required: [a] }, ...]` names properties defined beside it.
      const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
      addFormats(ajv);
      validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    }
    return validate;
  };
}

function describe(error: ErrorObject): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  const { keyword } = error;
  if (keyword === 'additionalProperties') {
    return { keyword, pointer: `${error.instancePath}/${String(params.additionalProperty)}`, message: `unknown property "${String(params.additionalProperty)}"` };
  }
  if (keyword === 'required') {
    return { keyword, pointer: `${error.instancePath}/${String(params.missingProperty)}`, message: `missing required property "${String(params.missingProperty)}"` };
  }
  if (keyword === 'enum') {
    return { keyword, pointer: error.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
  }
  if (keyword === 'false schema') {
    return { keyword, pointer: error.instancePath, message: 'is not allowed here' };
  }
  return { keyword, pointer: error.instancePath, message: error.message ?? keyword };
}

/**
 * Turns ajv's errors into problems. Errors inside the branches of a `oneOf`/`anyOf` are dropped
 * (they describe alternatives, not the document), as is the `if` that only announces its `then`.
 */
export function schemaProblems(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if' || /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath)) continue;
    const problem = describe(error);
    const key = `${problem.pointer} ${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  return out;
}

const orderValidator = schemaValidator(ORDER_SCHEMA_FILE);

/** Problems of `value` as a normalized order; [] when it is one. */
export function orderProblems(value: unknown): SchemaProblem[] {
  const validate = orderValidator();
  return validate(value) ? [] : schemaProblems(validate.errors);
}
