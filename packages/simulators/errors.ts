/**
 * The simulators' own error codes: start-up options, fault specifications and the /_admin API
 * (not the marketplace error bodies they serve, which copy each platform's format). They belong
 * to this package, not to orderwire's catalogue; `orderwire simulate` prints them as
 * `error[SIM_...]` and orderwire's error page lists them from `simulatorErrorCatalogue`.
 */

export interface SimulatorErrorDefinition {
  /** One-line summary. */
  readonly title: string;
  /** HTTP status of the /_admin answer carrying this code. */
  readonly http: number;
  /** What it means and how to fix it. */
  readonly help: string;
}

export const simulatorErrorCatalogue = Object.freeze({
  SIM_BAD_FAULTS: {
    title: 'Invalid simulator fault specification',
    http: 400,
    help:
      'The --faults string (or PUT /_admin/faults body) could not be parsed. Use comma-separated items such as ' +
      '"5xx=0.2,timeout=0.05,slow=300ms,truncate=0.1,malformed=0.1,reset=0.05,ratelimit=30/min,duplicate-pages,' +
      'shifting-pages,skew=90s"; rates are numbers between 0 and 1, durations take ms, s, m or h.',
  },
  SIM_BAD_OPTIONS: {
    title: 'Invalid simulator option',
    http: 400,
    help:
      'A simulator option is out of range: orders must be an integer from 0 to 1,000,000, speed and ' +
      'newOrdersPerHour must be >= 0, historyDays > 0, port from 0 to 65535, host a loopback address.',
  },
  SIM_BAD_ADMIN_REQUEST: {
    title: 'Invalid simulator admin request',
    http: 400,
    help: 'A /_admin request had a missing or invalid field; the message names the field. See packages/simulators/README.md.',
  },
  SIM_ORDER_NOT_FOUND: {
    title: 'Simulated order not found',
    http: 404,
    help: 'The /_admin order route was called with an id the simulator never generated or created.',
  },
  SIM_BAD_TRANSITION: {
    title: 'Forced transition not possible',
    http: 409,
    help: 'POST /_admin/orders/:id/advance asked for a state the order cannot reach from its current state.',
  },
} as const satisfies Record<string, SimulatorErrorDefinition>);

export type SimulatorErrorCode = keyof typeof simulatorErrorCatalogue;

/** An error that carries one of the codes above; `details` names the offending field or id. */
export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: SimulatorErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorError';
    this.code = code;
    this.details = details;
  }

  get definition(): SimulatorErrorDefinition {
    return simulatorErrorCatalogue[this.code];
  }

  toJSON(): { code: SimulatorErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
