/**
 * Custom rules compile check: each rule's `conditions` must build with json-rules-engine, and use
 * only operators the engine knows and facts action validation provides. json-rules-engine itself
 * reports unknown operators only when a rule runs, so they are checked here, at load.
 */
import { Engine, Rule } from 'json-rules-engine';
import type { CheckContext } from './check-context.ts';
import { didYouMean, listOf } from '../documents/suggest.ts';

/** Facts action validation provides to custom rules (engine/rules). */
export const RULE_FACTS = ['order', 'action', 'data', 'selection', 'status', 'lines'] as const;

const BASE_OPERATORS = ['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
const CONDITION_KEYS = ['fact', 'operator', 'value', 'path', 'params', 'name', 'priority'];
const BOOLEAN_KEYS = ['all', 'any', 'not'];

type Path = (string | number)[];
type Report = CheckContext['report'];

interface OperatorLookup {
  get(name: string): unknown;
}

export interface RulesCheckOptions {
  /** Extra operators registered by the engine that runs the rules. */
  extraOperators?: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkRules(ctx: CheckContext, options: RulesCheckOptions = {}): void {
  const engine = new Engine();
  const operators = (engine as unknown as { operators: OperatorLookup }).operators;
  const knownOperator = (name: string) => options.extraOperators?.includes(name) || operators.get(name) !== null;
  (ctx.raw.rules ?? []).forEach((rule, r) => {
    const base: Path = ['rules', r, 'conditions'];
    let problems = 0;
    const report: Report = (...args) => {
      problems++;
      ctx.report(...args);
    };
    walk(report, rule.id, rule.conditions, base, knownOperator);
    if (problems > 0) return; // the library's own message would only repeat it, less precisely
    try {
      engine.addRule(new Rule({ name: rule.id, conditions: rule.conditions as never, event: { type: rule.id } }));
    } catch (err) {
      ctx.report(base, 'key', 'CHANNEL_RULE_INVALID', `rule \`${rule.id}\`: json-rules-engine refuses its conditions: ${(err as Error).message}`);
    }
  });
}

function walk(report: Report, id: string, node: unknown, path: Path, knownOperator: (name: string) => boolean): void {
  if (!isObject(node)) {
    report(path, 'value', 'CHANNEL_RULE_INVALID', `rule \`${id}\`: a condition must be a mapping (fact, operator, value) or all/any/not, not ${Array.isArray(node) ? 'a list' : JSON.stringify(node)}`);
    return;
  }
  const booleans = BOOLEAN_KEYS.filter((k) => k in node);
  if (booleans.length > 1) {
    report(path, 'key', 'CHANNEL_RULE_INVALID', `rule \`${id}\`: a condition holds one of \`all\`, \`any\` or \`not\`, here ${listOf(booleans, 'and')}`, 'nest one inside the other');
    return;
  }
  if (booleans.length === 1) {
    const key = booleans[0]!;
    const inner = node[key];
    if (key === 'not') {
      walk(report, id, inner, [...path, key], knownOperator);
    } else if (!Array.isArray(inner)) {
      report([...path, key], 'value', 'CHANNEL_RULE_INVALID', `rule \`${id}\`: \`${key}\` must be a list of conditions`);
    } else {
      inner.forEach((child, i) => walk(report, id, child, [...path, key, i], knownOperator));
    }
    return;
  }
  if ('condition' in node) {
    report([...path, 'condition'], 'key', 'CHANNEL_RULE_INVALID', `rule \`${id}\`: named conditions (\`condition: ${String(node.condition)}\`) are not available in channel files`, 'write the condition out in full');
    return;
  }
  for (const key of Object.keys(node)) {
    if (!CONDITION_KEYS.includes(key)) {
      report([...path, key], 'key', 'CHANNEL_RULE_INVALID', `rule \`${id}\`: unknown key \`${key}\` in a condition`, didYouMean(key, [...CONDITION_KEYS, ...BOOLEAN_KEYS]) ?? `keys of a condition: ${listOf(CONDITION_KEYS)}`);
    }
  }
  for (const key of ['fact', 'operator', 'value']) {
    if (!(key in node)) report(path, 'key', 'CHANNEL_RULE_INVALID', `rule \`${id}\`: the condition has no \`${key}\``, `a condition reads: { fact: order, path: $.x, operator: equal, value: true }`);
  }
  checkFact(report, id, node.fact, [...path, 'fact']);
  if (isObject(node.value) && 'fact' in node.value) checkFact(report, id, node.value.fact, [...path, 'value', 'fact']);
  if ('operator' in node) {
    const op = node.operator;
    if (typeof op !== 'string' || !knownOperator(op)) {
      const plain = typeof op === 'string' ? op.split(':').at(-1)! : '';
      report([...path, 'operator'], 'value', 'CHANNEL_RULE_UNKNOWN_OPERATOR', `rule \`${id}\`: unknown operator \`${String(op)}\``, didYouMean(plain, BASE_OPERATORS) ?? `operators: ${listOf(BASE_OPERATORS)}`);
    }
  }
  if ('path' in node && (typeof node.path !== 'string' || !node.path.startsWith('$'))) {
    const p = String(node.path);
    report([...path, 'path'], 'value', 'CHANNEL_RULE_BAD_PATH', `rule \`${id}\`: path \`${p}\` is not a JSONPath (it must start with $)`, `write \`$.${p.replace(/^[.$]+/, '')}\``);
  }
}

function checkFact(report: Report, id: string, fact: unknown, path: Path): void {
  if (fact === undefined) return;
  if (typeof fact !== 'string' || !(RULE_FACTS as readonly string[]).includes(fact)) {
    report(path, 'value', 'CHANNEL_RULE_UNKNOWN_FACT', `rule \`${id}\`: unknown fact \`${String(fact)}\`; facts: ${listOf(RULE_FACTS)}`, typeof fact === 'string' ? didYouMean(fact, RULE_FACTS) : undefined);
  }
}
