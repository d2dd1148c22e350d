/**
 * Effect check strategies by `type` (the one table platform files select from), compiled once at
 * load: templates in them are closures, like those of the action requests.
 */
import type { CompileOptions, Render } from '../template/index.ts';
import { CompileError, type Pointer } from '../platform/compile-error.ts';
import { flagEffect, repeatableEffect } from './flag.ts';
import { lineRefundsEffect } from './line-refunds.ts';
import { parcelsEffect } from './parcels.ts';
import { recordEffect } from './record.ts';
import { lineDecisionsEffect, statusEffect } from './statuses.ts';
import { trackingEffect } from './tracking.ts';
import type { EffectCheck, EffectSpec } from './types.ts';

export const EFFECT_TYPES = Object.freeze(['status', 'line_decisions', 'tracking', 'line_refunds', 'line_cancelations', 'record', 'parcels', 'flag', 'repeatable'] as const);

type Compile = (node: unknown, opts: CompileOptions, pointer?: Pointer) => Render;

/** Names the templates of an effect check may refer to. */
const ORDER_ROOTS: ReadonlySet<string> = new Set(['request', 'order']);
const LINE_ROOTS: ReadonlySet<string> = new Set(['request', 'order', 'line']);

export function compileEffect(spec: EffectSpec, compile: Compile, pointer: Pointer, endpoints: readonly string[]): EffectCheck {
  switch (spec.type) {
    case 'status':
      return statusEffect(spec);
    case 'line_decisions':
      return lineDecisionsEffect(spec);
    case 'tracking':
      if (spec.tracking_step !== undefined && !endpoints.includes(spec.tracking_step)) {
        throw new CompileError([...pointer, 'tracking_step'], `"${spec.tracking_step}" is not one of the action's requests (${endpoints.join(', ')})`);
      }
      return trackingEffect(spec, compile(spec.number ?? '${request.data.tracking_number}', { roots: ORDER_ROOTS }, [...pointer, 'number']));
    case 'line_refunds':
    case 'line_cancelations':
      return lineRefundsEffect(
        spec,
        compile(spec.quantity, { roots: LINE_ROOTS }, [...pointer, 'quantity']),
        spec.amount === undefined ? undefined : compile(spec.amount, { roots: LINE_ROOTS }, [...pointer, 'amount']),
      );
    case 'record':
      return recordEffect(spec, Object.entries(spec.equals).map(([field, value]) => [field, compile(value, { roots: ORDER_ROOTS }, [...pointer, 'equals', field])] as const));
    case 'parcels':
      if (spec.otherwise?.type === 'parcels') throw new CompileError([...pointer, 'otherwise', 'type'], '`otherwise` judges a ship without parcels: it cannot be another parcels check');
      return parcelsEffect(spec, spec.otherwise === undefined ? undefined : compileEffect(spec.otherwise, compile, [...pointer, 'otherwise'], endpoints));
    case 'flag':
      return flagEffect(spec);
    case 'repeatable':
      return repeatableEffect(spec);
    default:
      throw new CompileError([...pointer, 'type'], `unknown effect check type (known: ${EFFECT_TYPES.join(', ')})`);
  }
}

export type { EffectCheck, EffectSpec, EffectVerdict, Evidence } from './types.ts';
