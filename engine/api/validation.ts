/**
 * Input validation for every route. Strict: unknown fields are errors (never silently dropped,
 * removeAdditional false), every error is reported at once (allErrors). Query strings, path
 * parameters and headers are text, so their values are coerced to the schema's types (and a single
 * value to a one-item array); JSON bodies are not coerced: "5" for an integer is an error.
 * Every `date-time` of every route is also held to a sane range (1970 to 9999 UTC): year 0000 is
 * valid ISO-8601 but no instant a store can compare (PostgreSQL refused it with a 500).
 */
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const EARLIEST = Date.parse('1970-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** An instant the API accepts: ISO-8601 with a time zone (ajv-formats' date-time) and within range. */
export function instantInRange(text: string, isDateTime: (text: string) => boolean): boolean {
  if (!isDateTime(text)) return false;
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && ms >= EARLIEST && ms <= LATEST;
}

function ajv(coerce: boolean): InstanceType<typeof Ajv> {
  const instance = new Ajv({ removeAdditional: false, allErrors: true, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false });
  addFormats(instance);
  const dateTime = instance.formats['date-time'] as { validate: (text: string) => boolean };
  instance.addFormat('date-time', { type: 'string', validate: (text: string) => instantInRange(text, dateTime.validate) });
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
