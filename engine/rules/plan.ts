/**
 * Compiled action plans: for each (action, status) a channel allows, everything a validation needs,
 * precomputed once per channel so that a validation does no lookups beyond its own plan: it
 * evaluates the plan of the request's (action, status) only (validate.ts).
 */
import type { ActionInStatus, ActionName, ActionSpec, Channel, FieldSpec, NormalizedStatus } from '../channel/model.ts';

export interface ActionPlan {
  readonly key: string;
  readonly channel: Channel;
  readonly action: ActionSpec;
  readonly status: NormalizedStatus;
  readonly rules: ActionInStatus;
  /** Fields without `ignoredWhenRegistered` first: they decide whether the others apply. */
  readonly fields: readonly FieldSpec[];
  /** For unknown-field messages: fields this action takes in its other statuses. */
  readonly elsewhere: ReadonlyMap<string, readonly NormalizedStatus[]>;
}

export function planKey(action: string, status: string): string {
  return `${action}@${status}`;
}

function fieldsElsewhere(action: ActionSpec, status: NormalizedStatus): Map<string, NormalizedStatus[]> {
  const out = new Map<string, NormalizedStatus[]>();
  for (const other of action.allowedIn) {
    if (other === status) continue;
    for (const name of Object.keys(action.byStatus[other]?.fields ?? {})) {
      if (action.byStatus[status]?.fields[name]) continue;
      out.set(name, [...(out.get(name) ?? []), other]);
    }
  }
  return out;
}

/** Every plan of the channel, keyed `action@status`. */
export function compilePlans(channel: Channel): ReadonlyMap<string, ActionPlan> {
  const plans = new Map<string, ActionPlan>();
  for (const [name, action] of Object.entries(channel.actions) as [ActionName, ActionSpec][]) {
    for (const status of action.allowedIn) {
      const rules = action.byStatus[status];
      if (!rules) continue;
      const fields = Object.values(rules.fields);
      plans.set(planKey(name, status), Object.freeze({
        key: planKey(name, status),
        channel,
        action,
        status,
        rules,
        fields: Object.freeze([...fields.filter((f) => !f.ignoredWhenRegistered), ...fields.filter((f) => f.ignoredWhenRegistered)]),
        elsewhere: fieldsElsewhere(action, status),
      }));
    }
  }
  return plans;
}
