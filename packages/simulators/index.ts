/**
 * @orderwire/simulators: the public entry. orderwire (`orderwire simulate`, the demo, tests and
 * benchmarks) uses the simulators only through what is exported here. Each simulator module is
 * loaded only when one is started, so importing this entry stays cheap.
 */
import type { FastifyInstance } from 'fastify';
import { SimulatorError } from './errors.ts';
import type { MiraklSimulatorOptions, RunningMiraklSimulator } from './mirakl/index.ts';
import type { OctopiaSimulatorOptions, RunningOctopiaSimulator } from './octopia/index.ts';
import type { SimClock } from './shared/clock.ts';
import type { RunningSimulator, SimulatorKind, SimulatorOptions } from './shared/types.ts';

export type { RunningSimulator, SimulatorKind, SimulatorOptions } from './shared/types.ts';
export type { SimClock } from './shared/clock.ts';
export type { MiraklSimulatorOptions, RunningMiraklSimulator } from './mirakl/index.ts';
export type { OctopiaSimulatorOptions, RunningOctopiaSimulator } from './octopia/index.ts';
export { OctopiaClient, type CallResult, type OctopiaClientOptions } from './octopia/client.ts';
export { SimulatorError, simulatorErrorCatalogue, type SimulatorErrorCode, type SimulatorErrorDefinition } from './errors.ts';

export const SIMULATOR_KINDS: readonly SimulatorKind[] = ['mirakl', 'octopia'];

export type StartedSimulator = RunningSimulator & { readonly clock: SimClock; readonly app: FastifyInstance };

export function isSimulatorKind(value: string): value is SimulatorKind {
  return (SIMULATOR_KINDS as readonly string[]).includes(value);
}

/** The Mirakl seller API simulator (Worten and every Mirakl marketplace), with its own options. */
export async function startMiraklSimulator(opts: MiraklSimulatorOptions = {}): Promise<RunningMiraklSimulator> {
  const { startMiraklSimulator: start } = await import('./mirakl/index.ts');
  return start(opts);
}

/** The Octopia (Cdiscount) seller API simulator, with its own options. */
export async function startOctopiaSimulator(opts: OctopiaSimulatorOptions = {}): Promise<RunningOctopiaSimulator> {
  const { startOctopiaSimulator: start } = await import('./octopia/index.ts');
  return start(opts);
}

/** Any simulator by kind, with the options every simulator shares. */
export async function startSimulator(kind: SimulatorKind, opts: SimulatorOptions = {}): Promise<StartedSimulator> {
  switch (kind) {
    case 'mirakl':
      return startMiraklSimulator(opts);
    case 'octopia':
      return startOctopiaSimulator(opts);
    default:
      throw new SimulatorError('SIM_BAD_OPTIONS', `unknown simulator kind "${String(kind)}" (known: ${SIMULATOR_KINDS.join(', ')})`, { field: 'kind' });
  }
}
