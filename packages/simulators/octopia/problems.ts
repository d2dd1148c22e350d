/**
 * Octopia's error form: RFC 7807 application/problem+json {type, title, status, detail, instance}.
 * The `type` URIs are the simulator's own (urn:orderwire:octopia-simulator:<slug>): Octopia's are
 * not published. Connectors should branch on the status; the slug is stable for tests.
 */
import type { FastifyReply } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export type ProblemSlug =
  | 'invalid-parameter'
  | 'invalid-body'
  | 'missing-seller-id'
  | 'forbidden-seller'
  | 'unauthorized'
  | 'not-found'
  | 'invalid-state'
  | 'unsupported-carrier'
  | 'invalid-reason'
  | 'partial-cancellation-not-supported'
  | 'invalid-line'
  | 'invalid-file'
  | 'file-too-large'
  | 'too-many-requests'
  | 'server-error';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(status: number, slug: ProblemSlug, detail: string, instance?: string): Problem {
  const p: Problem = { type: `urn:orderwire:octopia-simulator:${slug}`, title: TITLES[status] ?? 'Error', status, detail };
  if (instance !== undefined) p.instance = instance;
  return p;
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}

/** Thrown by request validation; the route turns it into a problem response. */
export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(status: number, slug: ProblemSlug, detail: string) {
    super(detail);
    this.problem = problem(status, slug, detail);
  }
}

/** Error body for injected faults (5xx, 429), in the same problem form. */
export function faultErrorBody(status: number, message: string): { contentType: string; body: string } {
  const slug: ProblemSlug = status === 429 ? 'too-many-requests' : 'server-error';
  return { contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(problem(status, slug, message)) };
}
