/**
 * One entry point for every marketplace simulator, used by `orderwire simulate`, the demo, tests
 * and benchmarks. Each simulator module is loaded only when asked for.
 */
import type { FastifyInstance } from 'fastify';
import { OrderwireError } from '../errors.ts';
import type { SimClock } from './shared/clock.ts';
import type { RunningSimulator, SimulatorKind, SimulatorOptions } from './shared/types.ts';

export type { RunningSimulator, SimulatorKind, SimulatorOptions } from './shared/types.ts';

export const SIMULATOR_KINDS: readonly SimulatorKind[] = ['mirakl', 'octopia'];

export type StartedSimulator = RunningSimulator & { readonly clock: SimClock; readonly app: FastifyInstance };

export function isSimulatorKind(value: string): value is SimulatorKind {
  return (SIMULATOR_KINDS as readonly string[]).includes(value);
}

export async function startSimulator(kind: SimulatorKind, opts: SimulatorOptions = {}): Promise<StartedSimulator> {
  switch (kind) {
    case 'mirakl': {
      const { startMiraklSimulator } = await import('./mirakl/index.ts');
      return startMiraklSimulator(opts);
    }
    case 'octopia': {
      const { startOctopiaSimulator } = await import('./octopia/index.ts');
      return startOctopiaSimulator(opts);
    }
    default:
      throw new OrderwireError('SIM_BAD_OPTIONS', `unknown simulator kind "${String(kind)}" (known: ${SIMULATOR_KINDS.join(', ')})`, { field: 'kind' });
  }
}
