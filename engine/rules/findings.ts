/**
 * What `validateAction` reports: one finding per problem, all of them at once. The code is a
 * stable catalogue code (engine/errors/action.ts); `field` is a path into the action
 * (`data.carrier`, `lines[1]`) so a back office can highlight the input to fix.
 */
import type { ErrorCode } from '../errors.ts';

export interface ActionFinding {
  code: ErrorCode;
  /** Path of the offending input: `action`, `status`, `data`, `data.<field>`, `lines`, `lines[i]`. */
  field?: string;
  message: string;
  /** What to do instead, when there is something concrete to say. */
  suggestion?: string;
  /** Custom rules: the id of the channel rule that reported it. */
  rule?: string;
}

/** Collects findings by severity while one validation runs. */
export class FindingList {
  readonly errors: ActionFinding[] = [];
  readonly warnings: ActionFinding[] = [];

  error(code: ErrorCode, message: string, extra: FindingExtra = {}): void {
    this.errors.push(actionFinding(code, message, extra));
  }

  warning(code: ErrorCode, message: string, extra: FindingExtra = {}): void {
    this.warnings.push(actionFinding(code, message, extra));
  }
}

export type FindingExtra = Omit<ActionFinding, 'code' | 'message'>;

/** A finding with its keys in reading order (code, field, message, suggestion, rule). */
export function actionFinding(code: ErrorCode, message: string, extra: FindingExtra = {}): ActionFinding {
  return {
    code,
    ...(extra.field !== undefined && { field: extra.field }),
    message,
    ...(extra.suggestion !== undefined && { suggestion: extra.suggestion }),
    ...(extra.rule !== undefined && { rule: extra.rule }),
  };
}
