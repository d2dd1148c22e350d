/**
 * Shape of one entry in the error catalogue. Codes are stable: once published, a code keeps its
 * meaning forever (tools and back offices match on it); wording of messages may improve.
 */
export type Severity = 'error' | 'warning';

export interface ErrorDefinition {
  /** One-line summary shown in docs and as the problem+json `title`. */
  readonly title: string;
  readonly severity: Severity;
  /** HTTP status used when this error crosses the back-office API. */
  readonly http: number;
  /** What it means and how to fix it (rendered into engine/errors.md). */
  readonly help: string;
}

/** Identity helper that keeps literal keys, so `keyof typeof X` is the exact set of codes. */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(defs: T): T {
  return defs;
}
