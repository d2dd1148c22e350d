/**
 * The connector's HTTP client: got with keep-alive agents, timeouts and JSON, got's own retry
 * disabled; retries decided by the pure retry policy and run by p-retry; every attempt through
 * the account limiter (concurrency and per-endpoint budgets) and the auth strategy (with one
 * repeat after a 401 when a token can be refreshed). It never throws for an HTTP status: callers
 * get an Exchange saying how the request ended. Messages are redacted. Uploads (`multipart`) and
 * downloads (`saveTo`) are streamed: a file is never held whole in memory.
 */
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import got, { RequestError, TimeoutError, type Got, type Response } from 'got';
import pRetry from 'p-retry';
import type { AuthStrategy, SignedRequest } from '../auth/index.ts';
import type { AccountLimiter } from './limiter.ts';
import { byteMeter } from './byte-meter.ts';
import { multipartBody, type MultipartPart } from './multipart.ts';
import type { Redactor } from './redact.ts';
import {
  DEFAULT_RETRY,
  decideRetry,
  isIdempotentMethod,
  isSuccess,
  networkResult,
  timeoutResult,
  type AttemptResult,
  type RetrySettings,
} from './retry-policy.ts';

export interface Timeouts {
  /** Establishing the TCP (and TLS) connection, ms. */
  connect: number;
  /** Waiting for the first byte of the response once the request is sent, ms. */
  response: number;
}

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({ connect: 5_000, response: 30_000 });

export interface HttpRequest {
  /** Endpoint name: selects the budget and names the request in logs. */
  endpoint: string;
  method: string;
  /** Absolute URL without query. */
  url: string;
  query?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  /** JSON body; undefined sends none. */
  body?: unknown;
  /** Form body (application/x-www-form-urlencoded), instead of `body`. */
  form?: Readonly<Record<string, string>>;
  /**
   * multipart/form-data body, instead of `body`: each file part is read from its source while it
   * is sent (never held whole in memory), opened again on each attempt.
   */
  multipart?: readonly MultipartPart[];
  /** Stream a 2xx answer's body into `write` instead of parsing it (a document download). */
  saveTo?: { write: DownloadSink; maxBytes: number };
  /** Add the auth strategy's headers (default true; false for token requests). */
  auth?: boolean;
  /** Whether repeating the request is harmless (default: GET/HEAD/OPTIONS only). */
  idempotent?: boolean;
  /** Spend a token of the endpoint's budget (default true). */
  budget?: boolean;
}

export type { MultipartPart } from './multipart.ts';

/**
 * Where a download's body goes (a document store): called once per attempt with the body as it
 * arrives, counted and capped. When the body fails midway (a cut connection, over `maxBytes`) the
 * iteration throws: the sink keeps nothing of that attempt and rethrows; a later attempt writes
 * again from the start.
 */
export type DownloadSink = (body: AsyncIterable<Buffer>) => Promise<void>;

/** What a download (`saveTo`) wrote: the sink has the whole body. */
export interface SavedFile {
  size: number;
  sha256: string;
  /** The answer's Content-Type (parameters included), '' when absent. */
  contentType: string;
  /** The file name of Content-Disposition, when given. */
  fileName?: string;
}

export interface Exchange {
  /** success: 2xx. rejected: 4xx but 429. transient: 429/5xx/network/unreadable 2xx of a read, retries spent. ambiguous: may have acted. */
  final: 'success' | 'transient' | 'rejected' | 'ambiguous';
  status?: number;
  body?: unknown;
  /** Redacted one-line summary (method, path, status or error, the marketplace's message). */
  message: string;
  retryAfterMs?: number;
  attempts: number;
  /** A download's file (`saveTo`), on success. */
  saved?: SavedFile;
}

export interface Logger {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug?(obj: Record<string, unknown>, msg: string): void;
}

export interface HttpClientOptions {
  limiter: AccountLimiter;
  redact: Redactor;
  auth?: AuthStrategy;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetrySettings>;
  /** Static headers added to every request (platform `headers:`). */
  headers?: Readonly<Record<string, string>>;
  /** Paths in an error body where the marketplace puts its message, e.g. ["message", "detail"]. */
  errorMessagePaths?: readonly string[];
  logger?: Logger;
  /** Injected for tests of jitter. */
  random?: () => number;
}

class RetryLater extends Error {
  readonly delayMs: number;
  constructor(delayMs: number) {
    super('retry');
    this.delayMs = delayMs;
  }
}

interface AttemptOutcome {
  result: AttemptResult;
  status?: number;
  body?: unknown;
  error?: string;
  saved?: SavedFile;
}

class TooLarge extends Error {}

function dispositionName(header: string | undefined): string | undefined {
  const match = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * The body, parsed when it says it is JSON; `unreadable` says why a JSON body could not be parsed.
 * got hands the bytes over as they came (responseType 'buffer'): one UTF-8 decode of the whole
 * body here is far cheaper than got's text mode (a streaming decode per chunk, then a join).
 */
function parseBody(response: Pick<Response, 'headers'> & { body: Uint8Array }): { body: unknown; unreadable?: string } {
  const bytes = response.body;
  if (bytes.length === 0) return { body: undefined };
  // got 16 gives a Uint8Array: viewed as a Buffer (no copy) for Node's native UTF-8 decoder.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  const type = String(response.headers['content-type'] ?? '');
  if (type.includes('json')) {
    try {
      return { body: JSON.parse(text) as unknown };
    } catch (err) {
      return { body: text, unreadable: `unreadable JSON body of ${bytes.length} bytes (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  return { body: text };
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

export class HttpClient {
  readonly #got: Got;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #options: HttpClientOptions;
  readonly #retry: RetrySettings;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    this.#got = got.extend({
      agent: this.#agents,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'buffer',
      timeout: { lookup: timeouts.connect, connect: timeouts.connect, secureConnect: timeouts.connect, response: timeouts.response },
    });
  }

  /** Sends one request with retries; resolves with how it ended (rejects only when aborted). */
  async send(request: HttpRequest, signal?: AbortSignal): Promise<Exchange> {
    const idempotent = request.idempotent ?? isIdempotentMethod(request.method);
    let attempts = 0;
    let last: AttemptOutcome | undefined;
    let decision: ReturnType<typeof decideRetry> | undefined;
    const run = async (): Promise<void> => {
      attempts += 1;
      last = await this.#attemptWithAuth(request, signal);
      decision = decideRetry(last.result, { attempt: attempts, idempotent, settings: this.#retry, now: Date.now(), random: (this.#options.random ?? Math.random)() });
      if (decision.retry) throw new RetryLater(decision.delayMs);
    };
    try {
      await pRetry(run, {
        retries: Math.max(0, this.#retry.maxAttempts - 1),
        minTimeout: 0,
        factor: 1,
        signal,
        shouldRetry: ({ error }) => error instanceof RetryLater,
        onFailedAttempt: async ({ error }) => {
          if (!(error instanceof RetryLater)) return;
          this.#options.logger?.warn(
            { endpoint: request.endpoint, method: request.method, path: pathOf(request.url), attempt: attempts, delayMs: error.delayMs, status: last?.status, error: this.#options.redact(last?.error ?? this.#marketplaceMessage(last?.body) ?? '') },
            'marketplace request failed; retrying',
          );
          await sleep(error.delayMs, undefined, { signal });
        },
      });
    } catch (err) {
      if (!(err instanceof RetryLater)) throw err;
    }
    if (!last || !decision || decision.retry) throw new Error('unreachable: request ended without a decision');
    return this.#exchange(request, last, decision.final, attempts, decision.retryAfterMs);
  }

  /** A form POST without auth nor budget (token requests), with the same retry policy. */
  async postForm(url: string, form: Record<string, string>, signal?: AbortSignal, headers?: Readonly<Record<string, string>>): Promise<{ status: number; body: unknown; retryAfterMs?: number; message?: string }> {
    const exchange = await this.send({ endpoint: 'token', method: 'POST', url, form, idempotent: true, budget: false, auth: false, ...(headers && { headers }) }, signal);
    return { status: exchange.status ?? 0, body: exchange.body, message: exchange.message, ...(exchange.retryAfterMs !== undefined && { retryAfterMs: exchange.retryAfterMs }) };
  }

  async close(): Promise<void> {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  async #attemptWithAuth(request: HttpRequest, signal?: AbortSignal): Promise<AttemptOutcome> {
    const first = await this.#attempt(request, request.budget ?? true, signal);
    // A 401 with a refreshable token: fetch a fresh one and repeat once (not a retry of the policy).
    if (first.status === 401 && request.auth !== false && this.#options.auth?.invalidate()) return this.#attempt(request, false, signal);
    return first;
  }

  async #attempt(request: HttpRequest, budget: boolean, signal?: AbortSignal): Promise<AttemptOutcome> {
    const strategy = request.auth !== false ? this.#options.auth : undefined;
    // A signing strategy signs the request as it goes on the wire: the URL with its query and
    // the JSON text are fixed here and sent as signed (a form or multipart body is signed as '').
    const wire = strategy?.signs ? onTheWire(request) : undefined;
    // Auth first: a token request takes a slot of its own, and must not wait behind this one.
    const auth = strategy ? await strategy.headers(signal, wire) : {};
    const release = await this.#options.limiter.acquire(request.endpoint, { budget, ...(signal && { signal }) });
    try {
      const headers = requestHeaders(this.#options.headers, request, auth);
      // A multipart body of this attempt: file parts opened again, read as sent.
      const form = request.multipart && multipartBody(request.multipart);
      if (form) Object.assign(headers, form.headers);
      if (wire && request.body !== undefined && !request.multipart && !request.form && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      const options = {
        method: request.method as 'GET',
        ...(request.query && !wire && { searchParams: request.query as Record<string, string> }),
        headers,
        ...(form ? { body: form.body } : request.form ? { form: request.form } : request.body !== undefined ? (wire ? { body: wire.body } : { json: request.body }) : {}),
        ...(signal && { signal }),
      };
      const url = wire?.url ?? request.url;
      if (request.saveTo) return await this.#download(url, options, request.saveTo);
      const response = await this.#got(url, { ...options, responseType: 'buffer' });
      const retryAfter = response.headers['retry-after'];
      const { body, unreadable } = parseBody(response);
      // A success that cannot be read (truncated, malformed) is no success: see AttemptResult.
      if (unreadable !== undefined && isSuccess(response.statusCode)) {
        return { result: { kind: 'unreadable', status: response.statusCode }, status: response.statusCode, body, error: unreadable };
      }
      return {
        result: { kind: 'response', status: response.statusCode, ...(typeof retryAfter === 'string' && { retryAfter }) },
        status: response.statusCode,
        body,
      };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof TimeoutError) {
        return { result: timeoutResult(err.event, err.timings.upload !== undefined), error: `timeout (${err.event})` };
      }
      if (err instanceof RequestError) {
        const uploaded = err.timings?.upload !== undefined;
        return { result: networkResult(err.code, uploaded), error: err.code || err.message };
      }
      throw err;
    } finally {
      release();
    }
  }

  /**
   * One download attempt: a 2xx body streams through a meter into the sink; any other answer is
   * read as text for its message. A body over `maxBytes` stops the transfer and ends `rejected`
   * (413): retrying would not make it smaller.
   */
  async #download(url: string, options: Record<string, unknown>, saveTo: { write: DownloadSink; maxBytes: number }): Promise<AttemptOutcome> {
    const stream = this.#got.stream(url, options);
    const response = await new Promise<Response>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', reject);
    });
    if (!isSuccess(response.statusCode)) {
      let text = '';
      for await (const chunk of stream) text += String(chunk);
      const retryAfter = response.headers['retry-after'];
      let body: unknown = text;
      if (String(response.headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // Kept as text: the message is all that is needed of a refusal.
        }
      }
      return { result: { kind: 'response', status: response.statusCode, ...(typeof retryAfter === 'string' && { retryAfter }) }, status: response.statusCode, body };
    }
    const counted = byteMeter(saveTo.maxBytes, () => new TooLarge(`the document is larger than ${saveTo.maxBytes} bytes`));
    try {
      await pipeline(stream, counted, (body: AsyncIterable<Buffer>) => saveTo.write(body));
    } catch (err) {
      if (err instanceof TooLarge) return { result: { kind: 'response', status: 413 }, status: 413, body: err.message };
      throw err;
    }
    const fileName = dispositionName(response.headers['content-disposition']);
    const saved: SavedFile = { size: counted.size(), sha256: counted.sha256(), contentType: String(response.headers['content-type'] ?? ''), ...(fileName !== undefined && { fileName }) };
    return { result: { kind: 'response', status: response.statusCode }, status: response.statusCode, saved };
  }

  #exchange(request: HttpRequest, last: AttemptOutcome, final: Exchange['final'], attempts: number, retryAfterMs?: number): Exchange {
    const where = `${request.method} ${pathOf(request.url)}`;
    let message: string;
    if (last.result.kind === 'unreadable') {
      message = `${where}: HTTP ${last.status}: ${last.error}`;
    } else if (last.status !== undefined) {
      const said = final === 'success' ? undefined : this.#marketplaceMessage(last.body);
      message = `${where}: HTTP ${last.status}${said ? `: ${said}` : ''}`;
    } else {
      message = `${where}: ${last.error ?? 'no response'}${final === 'ambiguous' ? ' after the request was sent; it may have taken effect' : ''}`;
    }
    if (attempts > 1) message += ` (after ${attempts} attempts)`;
    return {
      final,
      ...(last.status !== undefined && { status: last.status }),
      ...(last.body !== undefined && { body: last.body }),
      message: this.#options.redact(message),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      attempts,
      ...(last.saved && { saved: last.saved }),
    };
  }

  #marketplaceMessage(body: unknown): string | undefined {
    if (typeof body === 'string') return body.slice(0, 300) || undefined;
    if (body === null || typeof body !== 'object') return undefined;
    for (const path of this.#options.errorMessagePaths ?? ['message']) {
      let value: unknown = body;
      for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      if (typeof value === 'string' && value !== '') return value.slice(0, 300);
    }
    return undefined;
  }
}

/** A request's method, absolute URL with its query, and JSON text, exactly as they will be sent. */
export function onTheWire(request: Pick<HttpRequest, 'method' | 'url' | 'query' | 'body' | 'form' | 'multipart'>): SignedRequest {
  const url = new URL(request.url);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.append(name, value);
  const body = request.body !== undefined && !request.form && !request.multipart ? JSON.stringify(request.body) : '';
  return { method: request.method.toUpperCase(), url: url.toString(), body };
}

/**
 * The headers of one request: platform-wide, then the request's own, then auth. A form post (the
 * OAuth token request) keeps the form's Content-Type whatever the platform's headers say: a
 * platform-wide `Content-Type: application/vnd...+json` would otherwise make the token endpoint
 * refuse the form.
 */
export function requestHeaders(platform: Readonly<Record<string, string>> | undefined, request: Pick<HttpRequest, 'headers' | 'form' | 'multipart' | 'saveTo'>, auth: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = { accept: request.saveTo ? '*/*' : 'application/json', ...platform, ...request.headers, ...auth };
  // A multipart body sets its own Content-Type (with the boundary).
  if (request.multipart) for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
  if (request.form) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return headers;
}
