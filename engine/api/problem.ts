/**
 * Errors over HTTP as RFC 9457 problem details (application/problem+json): the catalogue code,
 * its title and HTTP status, a detail message, and `errors: [{field, code, message}]` when the
 * input is at fault (fields as JSON pointers: /body/data/carrier, /query/limit).
 * Every error path of the API ends here: thrown OrderwireErrors, fastify's schema validation,
 * body limits, content types, rate limits, unknown routes, and unexpected faults (500, logged).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCatalogue, OrderwireError } from '../errors.ts';
import { redactUrl } from '../log.ts';

export const PROBLEM_TYPE = 'application/problem+json';

export interface FieldError {
  field: string;
  code: string;
  message: string;
  suggestion?: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  /** Extension members of one problem type (RFC 9457 §3.2), e.g. `pending_action`. */
  [extension: string]: unknown;
}

/** The problem document of a catalogue code. */
export function problemOf(code: ErrorCode, detail: string, errors?: FieldError[], status?: number): Problem {
  const def = errorCatalogue[code];
  return {
    type: `https://orderwire.dev/errors#${code.toLowerCase()}`,
    title: def.title,
    status: status ?? def.http,
    code,
    detail,
    ...(errors && errors.length > 0 && { errors }),
  };
}

/** An error to throw from a handler: becomes its problem document (with `extensions` as extra members). */
export function apiError(code: ErrorCode, detail: string, errors?: FieldError[], extensions?: Record<string, unknown>): OrderwireError {
  return new OrderwireError(code, detail, { ...(errors && { errors }), ...(extensions && { extensions }) });
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_TYPE).send(problem);
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

const KEYWORD_CODES: Record<string, string> = {
  additionalProperties: 'SCHEMA_UNKNOWN_KEY',
  required: 'SCHEMA_MISSING_KEY',
  type: 'SCHEMA_WRONG_TYPE',
  enum: 'SCHEMA_INVALID_VALUE',
  const: 'SCHEMA_INVALID_VALUE',
  format: 'SCHEMA_BAD_FORMAT',
  pattern: 'SCHEMA_BAD_FORMAT',
  minLength: 'SCHEMA_EMPTY',
  minItems: 'SCHEMA_EMPTY',
  minProperties: 'SCHEMA_EMPTY',
  uniqueItems: 'SCHEMA_DUPLICATE_ITEM',
  minimum: 'SCHEMA_OUT_OF_RANGE',
  maximum: 'SCHEMA_OUT_OF_RANGE',
  maxLength: 'SCHEMA_OUT_OF_RANGE',
  maxItems: 'SCHEMA_OUT_OF_RANGE',
};

/** What the API's date-time format accepts (validation.ts). */
export const DATE_TIME_MESSAGE = 'must be an ISO-8601 date-time with a time zone (2026-03-01T10:00:00Z), between 1970-01-01 and 9999-12-31 UTC';

/** One field error per ajv error, the pointer naming the offending key itself for unknown and missing keys. */
export function fieldErrors(context: string, errors: readonly AjvError[]): FieldError[] {
  return errors.map((e) => {
    let pointer = `/${context}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      pointer += `/${String(e.params.additionalProperty)}`;
      message = 'unknown field';
    } else if (e.keyword === 'required') {
      pointer += `/${String(e.params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'format' && e.params.format === 'date-time') {
      message = DATE_TIME_MESSAGE;
    }
    return { field: pointer, code: KEYWORD_CODES[e.keyword] ?? 'SCHEMA_VIOLATION', message };
  });
}

/** The problem for any error reaching fastify's error handler. */
export function problemForError(error: FastifyError | Error): Problem {
  if (error instanceof OrderwireError) {
    const errors = (error.details as { errors?: FieldError[] }).errors;
    const field = (error.details as { field?: unknown }).field;
    if (!errors && typeof field === 'string') return problemOf(error.code, error.message, [{ field: `/query/${field}`, code: error.code, message: error.message }]);
    const extensions = (error.details as { extensions?: Record<string, unknown> }).extensions;
    return { ...extensions, ...problemOf(error.code, error.message, errors) };
  }
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e.validation) {
    const context = e.validationContext === 'querystring' ? 'query' : (e.validationContext ?? 'body');
    const errors = fieldErrors(context, e.validation);
    return problemOf('API_REQUEST_INVALID', `the request does not match the API schema: ${errors.map((x) => `${x.field} ${x.message}`).join('; ')}`, errors);
  }
  switch (e.code) {
    case 'FST_ERR_BAD_URL':
      return problemOf('API_REQUEST_INVALID', 'the request path is not a valid URL (a percent-encoded byte sequence that is not UTF-8)', [{ field: '/path', code: 'INPUT_TEXT_INVALID', message: 'is not valid percent-encoded UTF-8' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problemOf('API_URI_TOO_LONG', 'a segment of the request path is longer than 100 characters');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf('API_BODY_TOO_LARGE', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemOf('API_UNSUPPORTED_MEDIA_TYPE', e.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problemOf('API_REQUEST_INVALID', e.message, [{ field: '/body', code: 'SCHEMA_VIOLATION', message: e.message }]);
  }
  if (e.statusCode === 429) return problemOf('API_RATE_LIMITED', e.message);
  if (error instanceof SyntaxError && e.statusCode === 400) {
    return problemOf('API_REQUEST_INVALID', `the body is not valid JSON: ${e.message}`, [{ field: '/body', code: 'SCHEMA_VIOLATION', message: e.message }]);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return problemOf('API_REQUEST_INVALID', e.message, undefined, e.statusCode);
  return problemOf('INTERNAL', 'an unexpected error occurred; it has been logged');
}

/** The request's path as problems show it: an API token a client put in it is not echoed back. */
function pathOf(request: FastifyRequest): string {
  return redactUrl(request.url.split('?')[0]!);
}

/** Installs the error and not-found handlers that answer with problem documents. */
export function installProblemHandlers(app: FastifyInstance, onProblem?: (request: FastifyRequest, problem: Problem) => void): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = { ...problemForError(error), instance: pathOf(request) };
    if (problem.status >= 500) request.log.error({ err: error.message, code: problem.code }, 'request failed');
    onProblem?.(request, problem);
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = { ...problemOf('API_ROUTE_NOT_FOUND', `no route ${request.method} ${pathOf(request)}`), instance: pathOf(request) };
    onProblem?.(request, problem);
    return sendProblem(reply, problem);
  });
}

/**
 * Node's HTTP parser refused the request before fastify saw it (a malformed request line, headers
 * over the size limit, a request not received in time): the answer is written on the socket, as a
 * problem document like every other error, and the connection closed.
 */
export function problemForClientError(err: Error & { code?: string }): Problem {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return problemOf('API_HEADERS_TOO_LARGE', 'the request line and headers exceed the server\'s size limit');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problemOf('API_REQUEST_TIMEOUT', 'the request was not received in time');
    default:
      return problemOf('API_REQUEST_INVALID', `the HTTP request is malformed (${err.code ?? 'parse error'})`);
  }
}

export function clientErrorHandler(err: Error & { code?: string }, socket: Socket, onProblem?: (problem: Problem) => void): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = problemForClientError(err);
  onProblem?.(problem);
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/** Errors of fastify's router (a path that is not valid UTF-8, an over-long segment), as problems. */
export function frameworkErrorHandler(onProblem?: (request: FastifyRequest, problem: Problem) => void) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const problem = problemForError(error);
    onProblem?.(request, problem);
    return sendProblem(reply, problem);
  };
}
