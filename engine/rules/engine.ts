/**
 * A channel's custom rules compiled into json-rules-engine Engines, once per Channel object.
 *
 * Cost model (measured, see bench/validation.ts): json-rules-engine spends ~8-10 µs per rule per
 * run whatever the rule's conditions (it deep-clones each rule's conditions and chains promises),
 * plus the run's own setup (an Almanac, events, promises). So:
 *  - the structural checks (fields, lines, amounts) are not a rule: validate.ts evaluates the
 *    precompiled plan of the request's (action, status) directly (plan.ts);
 *  - a custom rule's `actions` and `when` guards are decided when the Engine is built, not at
 *    every run: each (action, status) a validation meets gets an Engine holding only the rules
 *    that apply there, built on first use (at most one per action the rules name, plus one for
 *    any other action, times the statuses), and a validation no rule applies to runs no Engine.
 * Facts are derived lazily from a single runtime fact, so a run pays only for the facts it reads.
 *
 * json-rules-engine keeps its running state on the Engine (`engine.status`): a run that finishes
 * while another is between two steps makes the other skip its remaining rules, silently. Runs of
 * one Engine are therefore queued (RunQueue); validation is CPU-bound, so this costs nothing in
 * throughput.
 */
import { Engine, Fact, type TopLevelCondition } from 'json-rules-engine';
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
}

/** Facts custom rules may use (documented in the channel schema's `rules` description). */
export const RULE_FACTS = ['order', 'action', 'data', 'status', 'lines', 'selection'] as const;

/** Event type of a custom rule that matched: the prefix and the rule's id. */
export const CUSTOM_RULE_EVENT_PREFIX = 'rule:';

export interface CompiledRules {
  readonly channel: Channel;
  readonly plans: ReadonlyMap<string, ActionPlan>;
  /** The ids of the custom rules that apply to this action in this status, in file order. */
  rulesFor(action: string, status: OrderStatus): readonly string[];
  /**
   * Runs the custom rules that apply to the input's action and status (queued behind any run in
   * progress on their Engine); the ids of those that matched. No Engine runs when none applies.
   */
  run(input: RunInput): Promise<ReadonlySet<string>>;
}

class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  push<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const NO_MATCH: ReadonlySet<string> = Object.freeze(new Set<string>());
/** The key of every action no custom rule names: rules guarded by `actions` never apply to it. */
const OTHER_ACTION = '\u0000other';

function applies(rule: CustomRule, action: string, status: OrderStatus): boolean {
  return (!rule.actions || (rule.actions as readonly string[]).includes(action)) && (!rule.when || (rule.when as readonly string[]).includes(status));
}

interface ScopedEngine {
  readonly rules: readonly string[];
  run(input: RunInput): Promise<ReadonlySet<string>>;
}

function buildEngine(rules: readonly CustomRule[]): ScopedEngine {
  if (rules.length === 0) return { rules: [], run: () => Promise.resolve(NO_MATCH) };
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  const input = (almanac: { factValue<T>(id: string): Promise<T> }): Promise<RunInput> => almanac.factValue<RunInput>('input');
  // Facts are read from the one runtime fact; caching them would cost a hash per read for nothing.
  for (const fact of RULE_FACTS) engine.addFact(fact, (_params, almanac) => input(almanac).then((i) => i[fact]), { cache: false });
  for (const rule of rules) engine.addRule({ name: rule.id, conditions: rule.conditions as unknown as TopLevelCondition, event: { type: `${CUSTOM_RULE_EVENT_PREFIX}${rule.id}` } });
  const queue = new RunQueue();
  return {
    rules: rules.map((r) => r.id),
    run: async (runInput) => {
      const result = await queue.push(() => engine.run({ input: new Fact('input', runInput, { cache: false }) }));
      return new Set(result.events.map((e) => (e.type ?? '').slice(CUSTOM_RULE_EVENT_PREFIX.length)));
    },
  };
}

let compilations = 0;

/** Compiles the channel's plans and rule scopes. Prefer `compiledRules`, which caches per channel. */
export function compileRules(channel: Channel): CompiledRules {
  compilations++;
  const named = new Set(channel.rules.flatMap((r) => (r.actions ?? []) as readonly string[]));
  const engines = new Map<string, ScopedEngine>();
  const scoped = (action: string, status: OrderStatus): ScopedEngine => {
    const key = `${named.has(action) ? action : OTHER_ACTION}@${status}`;
    let engine = engines.get(key);
    if (!engine) {
      engine = buildEngine(channel.rules.filter((rule) => applies(rule, named.has(action) ? action : OTHER_ACTION, status)));
      engines.set(key, engine);
    }
    return engine;
  };
  return Object.freeze({
    channel,
    plans: compilePlans(channel),
    rulesFor: (action: string, status: OrderStatus) => scoped(action, status).rules,
    run: (input: RunInput) => scoped(input.action, input.status).run(input),
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
