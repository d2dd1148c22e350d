/**
 * Building and sending the HTTP request(s) of one action from the platform's templates, and
 * mapping how they ended onto the ActionOutcome union. Templates see
 *   request         the validated ActionRequest
 *   order           the normalized order (order.raw: the marketplace payload)
 *   selected_lines  the targeted lines (all lines when request.lines is null), each with `raw` and
 *                   `requested` ({quantity, amount, share, shipping_amount, shipping_left}: the line's part, else the whole line)
 *   refused_lines   accept on a subset: the other lines, each with `raw`
 *   accepted_lines  refuse on a subset: the other lines, each with `raw`
 *   parcel          a `per_parcel` request's parcel: {index, data (its fields), lines [{id, quantity, raw}]}
 * Credentials are never in the template context.
 */
import type { Readable } from 'node:stream';
import { OrderwireError } from '../errors.ts';
import type { NormalizedOrder } from '../order/model.ts';
import { requestedOf } from '../rules/line-parts.ts';
import type { ActionRequest, FileValue } from '../rules/request.ts';
import type { ActionOutcome, SendActionOptions } from './connector.ts';
import type { Exchange, HttpClient, MultipartPart } from './http/client.ts';
import type { OrderMapper } from './map/index.ts';
import type { CompiledPart, CompiledRequest, Platform } from './platform/model.ts';
import { followProcess, type ProcessToFollow } from './process-status.ts';
import { joinUrl, renderQuery } from './request-url.ts';
import { isTruthy, type TemplateContext } from './template/index.ts';

/**
 * The document store as the connector reads it (engine/store/document-store.ts): a document's
 * size, and its bytes as a stream the HTTP client reads while it sends them.
 */
export interface FileSource {
  get(id: string): Promise<{ size: number } | undefined>;
  open(id: string): Readable;
}

/** A multipart part ready to send: text, or a stored document (by reference, streamed when sent). */
export type BuiltPart = { name: string; value: string } | { name: string; file: FileValue; fileName: string };

/** One HTTP request ready to send (what tests assert against). */
export interface BuiltRequest {
  endpoint: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Readonly<Record<string, string>>;
  body?: unknown;
  multipart?: BuiltPart[];
  idempotent: boolean;
  /** An asynchronous request (202): the process to poll before the step counts as done. */
  process?: ProcessToFollow;
  /** Errors reported inside a 2xx answer: a non-empty list rejects the step. */
  answerErrors?: CompiledRequest['answerErrors'];
}

export function actionContext(request: ActionRequest, order: NormalizedOrder, mapper: OrderMapper): TemplateContext {
  const raw = mapper.rawLines(order.raw);
  const withRaw = (ids: readonly string[] | null | undefined, all: boolean) => {
    const wanted = ids ? new Set(ids) : undefined;
    return order.lines.filter((l) => (wanted ? wanted.has(l.id) : all)).map((l) => ({ ...l, raw: raw.get(l.id), requested: requestedOf(request.line_parts, l) }));
  };
  return Object.freeze({
    request,
    order,
    selected_lines: withRaw(request.lines, true),
    refused_lines: withRaw(request.refused_lines ?? [], false),
    accepted_lines: withRaw(request.accepted_lines ?? [], false),
  });
}

function buildPart(part: CompiledPart, ctx: TemplateContext): BuiltPart {
  if (part.kind !== 'file') return { name: part.name, value: part.kind === 'json' ? JSON.stringify(part.render(ctx)) : String(part.render(ctx)) };
  const file = part.file(ctx) as FileValue | undefined;
  if (file === undefined || file === null || typeof file !== 'object' || typeof file.id !== 'string') {
    throw new OrderwireError('CONNECTOR_TEMPLATE_VALUE_MISSING', `multipart part "${part.name}" needs a stored document, and the action carries none there`, { part: part.name });
  }
  return { name: part.name, file, fileName: part.fileName ? String(part.fileName(ctx)) : file.file_name };
}

function build(step: CompiledRequest, ctx: TemplateContext): BuiltRequest {
  const query = renderQuery(step, ctx);
  return {
    endpoint: step.endpoint,
    method: step.method,
    path: String(step.path(ctx)),
    ...(Object.keys(query).length > 0 && { query }),
    ...(step.headers && { headers: step.headers }),
    ...(step.body && { body: step.body(ctx) }),
    ...(step.multipart && { multipart: step.multipart.map((part) => buildPart(part, ctx)) }),
    idempotent: step.idempotent,
    ...(step.answerErrors && { answerErrors: step.answerErrors }),
    ...(step.processStatus && { process: { spec: step.processStatus, path: (response: unknown) => String(step.processStatus!.path({ ...ctx, response })) } }),
  };
}

/** A step of an action left out by its `when:` / `unless:`: kept in the plan so indexes hold. */
export interface SkippedRequest {
  skipped: true;
  endpoint: string;
}

/** The requests an action sends, in order, with `when:` applied. Throws CONNECTOR_* errors. */
export function buildActionRequests(platform: Platform, request: ActionRequest, order: NormalizedOrder): BuiltRequest[] {
  return planActionRequests(platform, request, order).filter((r): r is BuiltRequest => !('skipped' in r));
}

/**
 * Every step of an action, one per targeted line (parcel) for per-line (per-parcel) requests,
 * those its `when:` / `unless:` leave out kept as skipped. The indexes depend only on the request
 * and the order's lines, not on their state: a resumed action (`fromStep`) built from an order
 * read back, where a `when:` now leaves out the lines already done (Kaufland: units already
 * sent), still finds each remaining step at the index it had, and sends it.
 */
export function planActionRequests(platform: Platform, request: ActionRequest, order: NormalizedOrder): Array<BuiltRequest | SkippedRequest> {
  const steps = platform.actions[request.action];
  if (!steps) {
    throw new OrderwireError('CONNECTOR_ACTION_NOT_DECLARED', `platform ${platform.id} declares no request for action "${request.action}"`, { platform: platform.id, action: request.action });
  }
  const ctx = actionContext(request, order, platform.mapper);
  const lines = (ctx.selected_lines ?? []) as readonly unknown[];
  // A per-line (per-parcel) request becomes one request per targeted line (parcel), in order, so
  // a resumed action (fromStep) finds the same steps at the same indexes.
  const raw = platform.mapper.rawLines(order.raw);
  const parcels = (request.parcels ?? []).map((p, index) => ({ index, data: p.data, lines: p.lines.map((l) => ({ ...l, raw: raw.get(l.id) })) }));
  const scopes = (step: CompiledRequest): TemplateContext[] => (step.perLine ? lines.map((line) => ({ ...ctx, line })) : step.perParcel ? parcels.map((parcel) => ({ ...ctx, parcel })) : [ctx]);
  const sent = (step: CompiledRequest, c: TemplateContext) => (!step.when || isTruthy(step.when(c))) && (!step.unless || !isTruthy(step.unless(c)));
  return steps.flatMap((step) => scopes(step).map((c) => (sent(step, c) ? build(step, c) : { skipped: true as const, endpoint: step.endpoint })));
}

/** The plan index just after its `sent`-th request that is sent (skipped steps do not count). */
export function stepAfterSent(plan: ReadonlyArray<BuiltRequest | SkippedRequest>, sent: number): number {
  let seen = 0;
  for (let i = 0; i < plan.length; i++) {
    if ('skipped' in plan[i]!) continue;
    if (++seen === sent) return i + 1;
  }
  return plan.length;
}

/**
 * The parts as the HTTP client streams them: each document from the document store, whichever
 * keeps it (files or database). A document no longer kept is refused here, before any request.
 */
async function multipartParts(parts: readonly BuiltPart[], files: FileSource | undefined): Promise<MultipartPart[]> {
  const out: MultipartPart[] = [];
  for (const part of parts) {
    if ('value' in part) {
      out.push(part);
      continue;
    }
    const { id } = part.file;
    if (!files) throw new OrderwireError('DOCUMENT_NOT_FOUND', `document ${id} cannot be sent: this connector has no document store`, { id });
    const kept = await files.get(id);
    if (!kept) throw new OrderwireError('DOCUMENT_NOT_FOUND', `document ${id} is not in the document store: it cannot be sent`, { id });
    out.push({ name: part.name, file: { fileName: part.fileName, contentType: part.file.content_type, size: kept.size, open: () => files.open(id) } });
  }
  return out;
}

function outcomeOf(exchange: Exchange, done: readonly string[], step: number): ActionOutcome | undefined {
  const progress = done.length ? ` (after ${done.join(', ')} succeeded)` : '';
  switch (exchange.final) {
    case 'success':
      return undefined;
    case 'rejected':
      return { kind: 'rejected', status: exchange.status ?? 0, response: exchange.body ?? null, message: exchange.message + progress, step };
    case 'ambiguous':
      return { kind: 'ambiguous', message: exchange.message + progress, step };
    case 'transient':
      return { kind: 'transient', message: exchange.message + progress, step, ...(exchange.retryAfterMs !== undefined && { retryAfterMs: exchange.retryAfterMs }) };
  }
}

/** A 2xx answer listing errors where the platform says (Mirakl ST01's shipment_errors): rejected. */
function answerErrorsOutcome(built: BuiltRequest, exchange: Exchange, done: readonly string[], step: number): ActionOutcome | undefined {
  if (!built.answerErrors) return undefined;
  const list = built.answerErrors.path(exchange.body);
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const texts = list.map((item) => {
    const text = built.answerErrors!.message?.(item);
    return typeof text === 'string' ? text : JSON.stringify(item);
  });
  const progress = done.length ? ` (after ${done.join(', ')} succeeded)` : '';
  return { kind: 'rejected', status: exchange.status ?? 0, response: exchange.body ?? null, message: `${built.method} ${built.endpoint}: HTTP ${exchange.status ?? 0} with errors: ${texts.join('; ')}${progress}`, step };
}

/**
 * Errors raised before or instead of an HTTP answer (templates, token endpoint) as outcomes. None
 * of them reached the action's endpoint: a token that could not be fetched is transient.
 */
function errorOutcome(err: unknown, step: number): ActionOutcome {
  if (!(err instanceof OrderwireError)) throw err;
  switch (err.code) {
    case 'MARKETPLACE_AUTH_FAILED':
      return { kind: 'rejected', status: Number(err.details.status) || 401, response: null, message: err.message, step };
    case 'MARKETPLACE_UNAVAILABLE':
    case 'MARKETPLACE_UNREACHABLE': {
      const retryAfterMs = err.details.retryAfterMs;
      return { kind: 'transient', message: err.message, step, ...(typeof retryAfterMs === 'number' && { retryAfterMs }) };
    }
    default:
      return { kind: 'rejected', status: 0, response: { code: err.code }, message: `${err.code}: ${err.message}`, step };
  }
}

/**
 * Sends the action's requests in order, from `options.fromStep`: each must answer 2xx before the
 * next is sent, and `onStepDone` hears of each, so an interrupted action resumes after the last
 * completed request instead of repeating it.
 */
export async function sendActionRequests(
  deps: { platform: Platform; client: HttpClient; baseUrl: string; files?: FileSource },
  request: ActionRequest,
  order: NormalizedOrder,
  options: SendActionOptions = {},
): Promise<ActionOutcome> {
  const { signal, fromStep = 0, onStepDone } = options;
  const responses: Array<{ endpoint: string; status: number; body: unknown }> = [];
  const done: string[] = [];
  let step = fromStep;
  try {
    const steps = planActionRequests(deps.platform, request, order);
    for (; step < steps.length; step++) {
      signal?.throwIfAborted();
      const built = steps[step]!;
      if ('skipped' in built) continue;
      const multipart = built.multipart && (await multipartParts(built.multipart, deps.files));
      const exchange = await deps.client.send(
        {
          endpoint: built.endpoint,
          method: built.method,
          url: joinUrl(deps.baseUrl, built.path),
          ...(built.query && { query: built.query }),
          ...(built.headers && { headers: built.headers }),
          ...(built.body !== undefined && { body: built.body }),
          ...(multipart && { multipart }),
          idempotent: built.idempotent,
        },
        signal,
      );
      const failed = outcomeOf(exchange, done, step) ?? answerErrorsOutcome(built, exchange, done, step);
      if (failed) return failed;
      responses.push({ endpoint: built.endpoint, status: exchange.status ?? 0, body: exchange.body ?? null });
      if (built.process) {
        const progress = done.length ? ` (after ${done.join(', ')} succeeded)` : '';
        const result = await followProcess(deps, built.process, { endpoint: built.endpoint, answer: exchange.body }, { step, progress }, signal);
        if ('outcome' in result) return result.outcome;
        responses.push(result.done);
      }
      done.push(built.endpoint);
      if (step < steps.length - 1) await onStepDone?.(step + 1, built.endpoint);
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    return errorOutcome(err, step);
  }
  return { kind: 'succeeded', response: responses };
}
