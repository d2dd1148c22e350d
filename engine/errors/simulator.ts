import { defineErrors } from './define.ts';

/**
 * Codes for the marketplace simulators' own start-up and configuration errors (not the
 * marketplace error bodies they serve, which copy each platform's format). Each simulator keeps
 * its codes in its own block below so blocks can be appended without touching the others.
 */

/** Shared infrastructure: fault specs, clock and admin API input. */
const sharedSimulatorErrors = defineErrors({
  SIM_BAD_FAULTS: {
    title: 'Invalid simulator fault specification',
    severity: 'error',
    http: 400,
    help:
      'The --faults string (or PUT /_admin/faults body) could not be parsed. Use comma-separated items such as ' +
      '"5xx=0.2,timeout=0.05,slow=300ms,truncate=0.1,malformed=0.1,reset=0.05,ratelimit=30/min,duplicate-pages,' +
      'shifting-pages,skew=90s"; rates are numbers between 0 and 1, durations take ms, s, m or h.',
  },
  SIM_BAD_OPTIONS: {
    title: 'Invalid simulator option',
    severity: 'error',
    http: 400,
    help:
      'A simulator option is out of range: orders must be an integer from 0 to 1,000,000, speed and ' +
      'newOrdersPerHour must be >= 0, historyDays > 0, port from 0 to 65535, host a loopback address.',
  },
  SIM_BAD_ADMIN_REQUEST: {
    title: 'Invalid simulator admin request',
    severity: 'error',
    http: 400,
    help: 'A /_admin request had a missing or invalid field; the message names the field. See engine/simulator/README.md.',
  },
  SIM_ORDER_NOT_FOUND: {
    title: 'Simulated order not found',
    severity: 'error',
    http: 404,
    help: 'The /_admin order route was called with an id the simulator never generated or created.',
  },
  SIM_BAD_TRANSITION: {
    title: 'Forced transition not possible',
    severity: 'error',
    http: 409,
    help: 'POST /_admin/orders/:id/advance asked for a state the order cannot reach from its current state.',
  },
});

export const simulatorErrors = defineErrors({
  ...sharedSimulatorErrors,
  // The Mirakl simulator needs no codes of its own (its API errors are Mirakl's bodies).
  // Octopia simulator codes: add an `octopiaSimulatorErrors` block above and spread it here.
});
