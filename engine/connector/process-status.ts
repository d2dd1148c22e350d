/**
 * Asynchronous actions: the marketplace answers 202 with a process to follow (bol.com's
 * process-status resource). The request's step is done only when the process says so; a failed
 * process is a rejection with the marketplace's message, and a process still pending after the
 * last poll, or a poll that fails, is ambiguous (the worker reads the order back): never a
 * success assumed from the 202.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionOutcome } from './connector.ts';
import type { HttpClient } from './http/client.ts';
import type { CompiledProcessStatus } from './platform/model.ts';
import { joinUrl } from './request-url.ts';

export interface ProcessToFollow {
  readonly spec: CompiledProcessStatus;
  /** The process resource's path, rendered with the request's answer as `response`. */
  readonly path: (response: unknown) => string;
}

export type ProcessResult = { done: { endpoint: string; status: number; body: unknown } } | { outcome: ActionOutcome };

export async function followProcess(
  deps: { client: HttpClient; baseUrl: string },
  process: ProcessToFollow,
  request: { endpoint: string; answer: unknown },
  where: { step: number; progress: string },
  signal?: AbortSignal,
): Promise<ProcessResult> {
  const { spec } = process;
  const ambiguous = (why: string): ProcessResult => ({ outcome: { kind: 'ambiguous', message: `${request.endpoint} was accepted for processing, but ${why}${where.progress}`, step: where.step } });
  let path: string;
  try {
    path = process.path(request.answer);
  } catch (err) {
    return ambiguous(`its answer names no process to follow (${(err as Error).message})`);
  }
  let last = '';
  for (let poll = 1; poll <= spec.maxPolls; poll++) {
    await sleep(spec.everyMs, undefined, signal ? { signal } : undefined);
    const exchange = await deps.client.send({ endpoint: spec.endpoint, method: 'GET', url: joinUrl(deps.baseUrl, path), idempotent: true }, signal);
    if (exchange.final !== 'success') return ambiguous(`polling its process failed (${exchange.message})`);
    const status = spec.status(exchange.body);
    last = typeof status === 'string' ? status : JSON.stringify(status ?? null);
    if (spec.succeeded.has(last)) return { done: { endpoint: spec.endpoint, status: exchange.status ?? 0, body: exchange.body ?? null } };
    if (spec.failed.has(last)) {
      const said = spec.message?.(exchange.body);
      const message = `${request.endpoint}: the marketplace's process ended ${last}${typeof said === 'string' && said !== '' ? `: ${said}` : ''}${where.progress}`;
      return { outcome: { kind: 'rejected', status: exchange.status ?? 0, response: exchange.body ?? null, message, step: where.step } };
    }
  }
  return ambiguous(`its process is still ${last || 'pending'} after ${spec.maxPolls} polls`);
}
