/**
 * Action validation: which seller actions a channel allows in which status, with which fields,
 * and the normalized request a valid action becomes. See engine.ts for how each channel's custom
 * rules are compiled into json-rules-engine Engines.
 */
export { validateAction, type ActionInput, type LinePartInput, type ParcelInput, type ValidationResult } from './validate.ts';
export { compiledRules, compileRules, compiledEngineCount, RULE_FACTS, type CompiledRules } from './engine.ts';
export type { ActionFinding } from './findings.ts';
export type { ActionRequest, ActionValue, CarrierValue, CodedValue, CountryValue, LinePartRequest, ParcelRequest } from './request.ts';
export { planKey, type ActionPlan } from './plan.ts';
