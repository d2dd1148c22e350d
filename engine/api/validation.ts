/**
 * Input validation for every route. Strict: unknown fields are errors (never silently dropped,
 * removeAdditional false), every error is reported at once (allErrors). Query strings, path
 * parameters and headers are text, so their values are coerced to the schema's types (and a single
 * value to a one-item array); JSON bodies are not coerced: "5" for an integer is an error.
 */
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

function ajv(coerce: boolean): InstanceType<typeof Ajv> {
  const instance = new Ajv({ removeAdditional: false, allErrors: true, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false });
  addFormats(instance);
  return instance;
}

export function inputValidator(): FastifySchemaCompiler<unknown> {
  const text = ajv(true);
  const body = ajv(false);
  return ({ schema, httpPart }) => {
    const validate: ValidateFunction = (httpPart === 'body' ? body : text).compile(schema as object);
    return (data: unknown) => (validate(data) ? { value: data } : { error: Object.assign(new Error('validation failed'), { validation: validate.errors }) });
  };
}
