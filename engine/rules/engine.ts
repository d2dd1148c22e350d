/**
 * One json-rules-engine Engine per channel, compiled once and cached per Channel object.
 *
 * Cost model (measured, see bench/validation.ts): json-rules-engine spends ~8-10 µs per rule per
 * run whatever the rule's conditions (it deep-clones each rule's conditions and chains promises),
 * so guarding one rule per (action, status) or per check would cost every validation the sum of
 * all of them. Instead the Engine holds:
 *  - one structural rule, fed by the `action_plan` fact, which evaluates only the precompiled plan
 *    of the request's (action, status) (plan.ts: fields, lines, amounts);
 *  - one rule per custom rule of the channel file, guarded by `action` / `status` conditions with
 *    a higher priority, so a rule's own conditions (and their JSONPath lookups) only run when it
 *    applies; its conditions sit behind a condition reference, cloned only when reached.
 * Facts are derived lazily from a single runtime fact, so a run pays only for the facts it reads.
 *
 * json-rules-engine keeps its running state on the Engine (`engine.status`): a run that finishes
 * while another is between two steps makes the other skip its remaining rules, silently. Runs of
 * one Engine are therefore queued (RunQueue); validation is CPU-bound, so this costs nothing in
 * throughput.
 */
import { Engine, Fact, type EngineResult, type TopLevelCondition } from 'json-rules-engine';
import type { Channel, CustomRule } from '../channel/model.ts';
import type { NormalizedOrder, OrderStatus } from '../order/model.ts';
import { resolvePath } from './path.ts';
import { compilePlans, type ActionPlan } from './plan.ts';

/** Everything one validation hands to the Engine. */
export interface RunInput {
  order: NormalizedOrder;
  action: string;
  /** Fields as given (custom rules see the caller's data, not the normalized one). */
  data: Readonly<Record<string, unknown>>;
  status: OrderStatus;
  /** Selected line ids (all the order's lines when the action targets the whole order). */
  lines: readonly string[];
  selection: { selected: number; unselected: number; total: number };
  /** Evaluates the plan of (action, status); called by the `action_plan` fact, at most once. */
  evaluatePlan(): PlanVerdict;
}

export interface PlanVerdict {
  readonly errors: number;
}

/** Facts custom rules may use (documented in the channel schema's `rules` description). */
export const RULE_FACTS = ['order', 'action', 'data', 'status', 'lines', 'selection'] as const;

export const STRUCTURE_EVENT = 'orderwire/action-plan';
/** Event type of a custom rule that matched: the prefix and the rule's id. */
export const CUSTOM_RULE_EVENT_PREFIX = 'rule:';

export interface CompiledRules {
  readonly channel: Channel;
  readonly plans: ReadonlyMap<string, ActionPlan>;
  readonly engine: Engine;
  /** Runs the Engine (queued behind any run in progress on it). */
  run(input: RunInput): Promise<EngineResult>;
}

class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  push<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function guarded(rule: CustomRule, reference: string): TopLevelCondition {
  const guards = [
    ...(rule.actions ? [{ fact: 'action', operator: 'in', value: [...rule.actions], priority: 10 }] : []),
    ...(rule.when ? [{ fact: 'status', operator: 'in', value: [...rule.when], priority: 10 }] : []),
  ];
  return { all: [...guards, { condition: reference, priority: 1 }] };
}

function buildEngine(channel: Channel): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  const input = (almanac: { factValue<T>(id: string): Promise<T> }): Promise<RunInput> => almanac.factValue<RunInput>('input');
  // Facts are read from the one runtime fact; caching them would cost a hash per read for nothing.
  for (const fact of RULE_FACTS) engine.addFact(fact, (_params, almanac) => input(almanac).then((i) => i[fact]), { cache: false });
  engine.addFact('action_plan', (_params, almanac) => input(almanac).then((i) => i.evaluatePlan()), { cache: false });
  engine.addOperator('rejects', (verdict: PlanVerdict, expected: boolean) => (verdict.errors > 0) === expected);
  engine.addRule({
    name: STRUCTURE_EVENT,
    conditions: { all: [{ fact: 'action_plan', operator: 'rejects', value: true }] },
    event: { type: STRUCTURE_EVENT },
  });
  for (const rule of channel.rules) {
    const reference = `rule:${rule.id}`;
    engine.setCondition(reference, rule.conditions as unknown as TopLevelCondition);
    engine.addRule({ name: rule.id, conditions: guarded(rule, reference), event: { type: `${CUSTOM_RULE_EVENT_PREFIX}${rule.id}` } });
  }
  return engine;
}

let compilations = 0;

/** Compiles the channel's Engine and plans. Prefer `compiledRules`, which caches per channel. */
export function compileRules(channel: Channel): CompiledRules {
  compilations++;
  const engine = buildEngine(channel);
  const queue = new RunQueue();
  return Object.freeze({
    channel,
    plans: compilePlans(channel),
    engine,
    run: (input: RunInput) => queue.push(() => engine.run({ input: new Fact('input', input, { cache: false }) })),
  });
}

const cache = new WeakMap<Channel, CompiledRules>();

/** The channel's compiled Engine, built on first use (or at load time) and kept with the channel. */
export function compiledRules(channel: Channel): CompiledRules {
  let compiled = cache.get(channel);
  if (!compiled) {
    compiled = compileRules(channel);
    cache.set(channel, compiled);
  }
  return compiled;
}

/** How many Engines were compiled in this process (tests assert one per channel). */
export function compiledEngineCount(): number {
  return compilations;
}
