/**
 * The simulator control API under /_admin (no auth: simulators listen on loopback only).
 * Shared routes: health, clock, faults, call log. Each simulator adds its order routes
 * (POST /_admin/orders, GET /_admin/orders/:id, POST /_admin/orders/:id/advance, POST /_admin/tick)
 * and can use `sendAdminError` for their errors so every admin error has one shape.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SimulatorError } from '../errors.ts';
import type { CallLog } from './call-log.ts';
import type { SimClock } from './clock.ts';
import type { FaultSpec } from './faults.ts';
import { formatFaults, parseFaults, validateFaultSpec } from './faults.ts';

export interface AdminOptions {
  clock: SimClock;
  callLog: CallLog;
  getFaults(): FaultSpec;
  setFaults(spec: FaultSpec): void;
  /** Merged into GET /_admin/health (e.g. kind, order counts); a function is called per request. */
  extra?: Record<string, unknown> | (() => Record<string, unknown>);
}

/** Body of every admin error: `{ "error": { "code": "SIM_...", "message": "..." } }`, status from the catalogue. */
export function sendAdminError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof SimulatorError) {
    return reply.code(error.definition.http).send({ error: { code: error.code, message: error.message, ...error.details } });
  }
  const message = error instanceof Error ? error.message : String(error);
  return reply.code(500).send({ error: { code: 'INTERNAL', message } });
}

export function badAdminRequest(message: string, field: string): SimulatorError {
  return new SimulatorError('SIM_BAD_ADMIN_REQUEST', message, { field });
}

function clockState(clock: SimClock): { now: string; now_ms: number; speed: number } {
  const now = clock.now();
  return { now: new Date(now).toISOString(), now_ms: now, speed: clock.speed };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function registerAdminRoutes(app: FastifyInstance, opts: AdminOptions): void {
  const { clock, callLog } = opts;

  app.get('/_admin/health', async () => {
    const extra = typeof opts.extra === 'function' ? opts.extra() : (opts.extra ?? {});
    return { ok: true, now: clock.nowDate().toISOString(), ...extra };
  });

  app.get('/_admin/clock', async () => clockState(clock));

  app.post('/_admin/clock', async (request, reply) => {
    const body = request.body ?? {};
    if (!isObject(body)) return sendAdminError(reply, badAdminRequest('body must be a JSON object {advance_ms?, speed?}', 'body'));
    const { advance_ms: advance, speed } = body;
    if (advance !== undefined && (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0)) {
      return sendAdminError(reply, badAdminRequest('advance_ms must be a number of ms >= 0', 'advance_ms'));
    }
    if (speed !== undefined && (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0)) {
      return sendAdminError(reply, badAdminRequest('speed must be a number >= 0', 'speed'));
    }
    const unknown = Object.keys(body).find((k) => k !== 'advance_ms' && k !== 'speed');
    if (unknown) return sendAdminError(reply, badAdminRequest(`${unknown} is not a known field (advance_ms, speed)`, unknown));
    if (speed !== undefined) clock.setSpeed(speed);
    if (advance !== undefined) clock.advance(advance);
    return clockState(clock);
  });

  const faultsState = () => {
    const spec = opts.getFaults();
    return { spec, text: formatFaults(spec) };
  };

  app.get('/_admin/faults', async () => faultsState());

  app.put('/_admin/faults', async (request, reply) => {
    try {
      const body = request.body ?? {};
      const spec = isObject(body) && Object.keys(body).length === 1 && typeof body.text === 'string' ? parseFaults(body.text) : validateFaultSpec(body);
      opts.setFaults(spec);
      return faultsState();
    } catch (error) {
      return sendAdminError(reply, error);
    }
  });

  app.get('/_admin/calls', async (request, reply) => {
    const { since } = request.query as { since?: string };
    const sinceSeq = since === undefined ? 0 : Number(since);
    if (!Number.isInteger(sinceSeq) || sinceSeq < 0) return sendAdminError(reply, badAdminRequest('since must be an integer >= 0', 'since'));
    return { calls: callLog.list(sinceSeq), last_seq: callLog.lastSeq };
  });

  app.delete('/_admin/calls', async (_request, reply) => {
    callLog.clear();
    return reply.code(204).send();
  });
}
