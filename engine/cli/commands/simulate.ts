/**
 * `orderwire simulate mirakl|octopia`: run one marketplace simulator on loopback until SIGINT or
 * SIGTERM. It prints its base URL and the credentials it accepts: they are the sandbox's own,
 * generated or given, never a real marketplace's.
 */
import type { Command } from 'commander';
import { OrderwireError } from '../../errors.ts';
import { SIMULATOR_KINDS, isSimulatorKind, startSimulator, type SimulatorKind, type SimulatorOptions, type StartedSimulator } from '@orderwire/simulators';

export interface SimulateCliOptions {
  port: string;
  host: string;
  orders: string;
  seed: string;
  speed: string;
  historyDays: string;
  newOrdersPerHour: string;
  start?: string;
  faults?: string;
  apiKey?: string;
  clientId?: string;
  clientSecret?: string;
  sellerId?: string;
  tokenQuota?: string;
  json?: boolean;
}

function usage(message: string): OrderwireError {
  return new OrderwireError('USAGE', `simulate: ${message}`);
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw usage(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function decimal(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min) throw usage(`--${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

/** Turns the command line into simulator options; every mistake is a USAGE error (exit 2). */
export function simulatorOptions(kind: string, o: SimulateCliOptions): { kind: SimulatorKind; options: SimulatorOptions & { tokenQuotaPerHour?: number } } {
  if (!isSimulatorKind(kind)) throw usage(`unknown marketplace "${kind}"; use one of ${SIMULATOR_KINDS.join(', ')}`);
  const octopiaOnly = ([['client-id', o.clientId], ['client-secret', o.clientSecret], ['seller-id', o.sellerId], ['token-quota', o.tokenQuota]] as const)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => `--${k}`);
  if (kind === 'mirakl' && octopiaOnly.length > 0) throw usage(`${octopiaOnly.join(', ')} only apply to octopia; mirakl takes --api-key`);
  if (kind === 'octopia' && o.apiKey !== undefined) throw usage('--api-key only applies to mirakl; octopia takes --client-id, --client-secret and --seller-id');
  const out: SimulatorOptions & { tokenQuotaPerHour?: number } = {
    host: o.host,
    port: integer('port', o.port, 0, 65535),
    orders: integer('orders', o.orders, 0, 1_000_000),
    seed: integer('seed', o.seed, 0, Number.MAX_SAFE_INTEGER),
    speed: decimal('speed', o.speed, 0),
    historyDays: decimal('history-days', o.historyDays, 0),
    newOrdersPerHour: decimal('new-orders-per-hour', o.newOrdersPerHour, 0),
  };
  if (out.historyDays === 0) throw usage('--history-days must be > 0');
  if (o.start !== undefined) {
    const start = new Date(o.start);
    if (!/^\d{4}-\d{2}-\d{2}(T.*(Z|[+-]\d{2}:?\d{2}))?$/.test(o.start) || !Number.isFinite(start.getTime())) {
      throw usage(`--start must be an ISO 8601 date-time with a time zone (e.g. 2024-05-01T08:00:00Z), got "${o.start}"`);
    }
    out.start = start;
  }
  if (o.faults !== undefined) out.faults = o.faults;
  const credentials: Record<string, string> = {};
  const given = { apiKey: o.apiKey, clientId: o.clientId, clientSecret: o.clientSecret, sellerId: o.sellerId };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (value.trim() === '') throw usage(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must not be empty`);
    credentials[key] = value;
  }
  if (Object.keys(credentials).length > 0) out.credentials = credentials;
  if (o.tokenQuota !== undefined) out.tokenQuotaPerHour = integer('token-quota', o.tokenQuota, 0, 1_000_000);
  return { kind, options: out };
}

/** What the command prints on start; the credentials are the sandbox's own (printing them is the point). */
export function startBanner(sim: StartedSimulator, json: boolean): string {
  const c = sim.credentials;
  const info: Record<string, unknown> = { kind: sim.kind, base_url: sim.baseUrl, admin_url: `${sim.baseUrl}/_admin` };
  if (sim.kind === 'octopia') {
    Object.assign(info, {
      token_url: `${sim.baseUrl}/auth/realms/maas/protocol/openid-connect/token`,
      api_url: `${sim.baseUrl}/seller/v2`,
      client_id: c.clientId,
      client_secret: c.clientSecret,
      seller_id: c.sellerId,
    });
  } else {
    Object.assign(info, { api_url: `${sim.baseUrl}/api`, api_key: c.apiKey });
  }
  if (json) return `${JSON.stringify(info)}\n`;
  const lines = [`${sim.kind === 'octopia' ? 'Octopia (Cdiscount)' : 'Mirakl'} simulator listening on ${sim.baseUrl}`];
  for (const [key, value] of Object.entries(info)) if (key !== 'kind' && key !== 'base_url') lines.push(`  ${key.padEnd(14)} ${String(value)}`);
  lines.push('Stop with Ctrl-C (SIGINT) or SIGTERM.');
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('Run a marketplace simulator (mirakl or octopia) on loopback with generated orders, until SIGINT/SIGTERM. Prints its base URL and the sandbox credentials it accepts. See packages/simulators/README.md.')
    .argument('<marketplace>', `which API to simulate: ${SIMULATOR_KINDS.join(' | ')}`)
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <host>', 'loopback address to bind (127.0.0.1, ::1 or localhost)', '127.0.0.1')
    .option('--orders <n>', 'orders generated up front, spread over --history-days (0 to 1000000)', '100')
    .option('--seed <n>', 'seed of the order generator: same seed, same orders', '1')
    .option('--speed <x>', 'simulated time per real time: 1 = real time, 60 = a minute per second, 0 = frozen', '1')
    .option('--history-days <n>', 'days of history the generated orders span before the start', '7')
    .option('--new-orders-per-hour <n>', 'new orders per simulated hour while running', '0')
    .option('--start <iso>', 'simulated time at start (default: now), e.g. 2024-05-01T08:00:00Z')
    .option('--faults <spec>', 'fault injection, e.g. "5xx=0.2,timeout=0.05,slow=300ms,truncate=0.1,malformed=0.1,reset=0.05,ratelimit=30/min,duplicate-pages,shifting-pages,skew=90s"')
    .option('--api-key <key>', 'mirakl: the shop API key to accept (default: generated)')
    .option('--client-id <id>', 'octopia: OAuth2 client id to accept (default: generated)')
    .option('--client-secret <secret>', 'octopia: OAuth2 client secret to accept (default: generated)')
    .option('--seller-id <id>', 'octopia: the SellerId header to accept (default: generated)')
    .option('--token-quota <n>', 'octopia: tokens per hour per client before 429 (default 500; 0 = no limit)')
    .option('--json', 'print the start information as one JSON line')
    .action(async (kind: string, o: SimulateCliOptions) => {
      const parsed = simulatorOptions(kind, o);
      const sim = await startSimulator(parsed.kind, parsed.options);
      process.stdout.write(startBanner(sim, o.json === true));
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          process.stderr.write(`simulate: ${signal} received, closing\n`);
          void sim.close().then(resolve);
        };
        const onInt = (): void => stop('SIGINT');
        const onTerm = (): void => stop('SIGTERM');
        process.once('SIGINT', onInt);
        process.once('SIGTERM', onTerm);
      });
    });
}
