/**
 * The contract every marketplace simulator implements, so `orderwire simulate`, the demo, tests
 * and benchmarks start any of them the same way.
 */

export type SimulatorKind = 'mirakl' | 'octopia';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: simulators only ever listen on loopback. */
  host?: string;
  /** Orders generated up front (spread over `historyDays` before the start time). Default 100. */
  orders?: number;
  /** Seed of the deterministic generator. Same seed, same orders. Default 1. */
  seed?: number;
  /** Simulated-time speed: 1 = real time, 60 = one simulated minute per real second. Default 1. */
  speed?: number;
  /** Simulated time at start (default: now). */
  start?: Date;
  /** How many days of history the initial orders span. Default 7. */
  historyDays?: number;
  /** New orders per simulated hour once running (marketplace life). Default 0 = none. */
  newOrdersPerHour?: number;
  /** Fault injection, as the --faults string (e.g. "5xx=0.1,slow=200ms") or parsed. */
  faults?: string;
  /** Credentials the simulator accepts. Generated when absent (printed on start). */
  credentials?: Record<string, string>;
}

export interface RunningSimulator {
  readonly kind: SimulatorKind;
  /** Base URL a connector uses in place of the production one (e.g. http://127.0.0.1:PORT). */
  readonly baseUrl: string;
  /** Mirakl: { apiKey }. Octopia: { clientId, clientSecret, sellerId }. */
  readonly credentials: Readonly<Record<string, string>>;
  close(): Promise<void>;
}
