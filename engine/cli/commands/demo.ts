/**
 * `orderwire demo` (what `npm start` runs): a complete sandbox on one machine. It starts the
 * Mirakl and Octopia simulators on loopback with generated orders, writes a configuration for a
 * Worten and a Cdiscount account (credentials as environment-variable references, as in
 * production), and runs the daemon on an SQLite file, printing where to look and what to try.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load.ts';
import { startDaemon } from '../../app.ts';
import { openRuntime } from '../../daemon/runtime.ts';
import { OrderwireError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { startSimulator } from '@orderwire/simulators';
import { createToken } from '../../api/tokens.ts';

interface DemoOptions {
  dir: string;
  orders: string;
  seed: string;
  newOrdersPerHour: string;
  logLevel: string;
}

export function demoConfigYaml(mirakl: string, octopia: string): string {
  return `# yaml-language-server: $schema=../../schemas/config.schema.json
# Written by \`orderwire demo\`: two accounts on local simulators. Credentials are
# environment-variable references; the demo sets those variables in its own process.
store: orderwire.sqlite
accounts:
  - id: worten-demo
    channel: worten
    base_url: ${mirakl}
    credentials:
      api_key: { env: ORDERWIRE_DEMO_WORTEN_API_KEY }
    options:
      poll_every: PT1M
  - id: cdiscount-demo
    channel: cdiscount
    base_url: ${octopia}/seller/v2
    auth_url: ${octopia}
    credentials:
      client_id: { env: ORDERWIRE_DEMO_CDISCOUNT_CLIENT_ID }
      client_secret: { env: ORDERWIRE_DEMO_CDISCOUNT_CLIENT_SECRET }
      seller_id: { env: ORDERWIRE_DEMO_CDISCOUNT_SELLER_ID }
    options:
      poll_every: PT1M
daemon:
  http: { host: 127.0.0.1, port: 0 }
`;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Start the sandbox: Mirakl and Octopia simulators with generated orders, and the daemon syncing a Worten and a Cdiscount account into SQLite. Stop with Ctrl-C.')
    .option('--dir <dir>', 'working folder for the demo config and database', '.orderwire/demo')
    .option('--orders <n>', 'orders each simulator generates up front', '300')
    .option('--seed <n>', 'generator seed (same seed, same orders)', '42')
    .option('--new-orders-per-hour <n>', 'new orders each simulator creates per hour while running', '120')
    .option('--log-level <level>', 'daemon log level (logs go to <dir>/daemon.log)', 'info')
    .action(async (opts: DemoOptions) => {
      const orders = Number(opts.orders);
      const seed = Number(opts.seed);
      const perHour = Number(opts.newOrdersPerHour);
      if (![orders, seed, perHour].every((n) => Number.isInteger(n) && n >= 0)) throw new OrderwireError('USAGE', '--orders, --seed and --new-orders-per-hour take whole numbers');
      const dir = path.resolve(opts.dir);
      await mkdir(dir, { recursive: true });
      const common = { orders, seed, newOrdersPerHour: perHour };
      const mirakl = await startSimulator('mirakl', common);
      const octopia = await startSimulator('octopia', common);
      process.env.ORDERWIRE_DEMO_WORTEN_API_KEY = mirakl.credentials.apiKey;
      process.env.ORDERWIRE_DEMO_CDISCOUNT_CLIENT_ID = octopia.credentials.clientId;
      process.env.ORDERWIRE_DEMO_CDISCOUNT_CLIENT_SECRET = octopia.credentials.clientSecret;
      process.env.ORDERWIRE_DEMO_CDISCOUNT_SELLER_ID = octopia.credentials.sellerId;
      const configFile = path.join(dir, 'orderwire.yaml');
      await writeFile(configFile, demoConfigYaml(mirakl.baseUrl, octopia.baseUrl));
      const log = createLogger({ level: opts.logLevel, destination: createWriteStream(path.join(dir, 'daemon.log'), { flags: 'a' }) as never });
      // Webhook secrets derive from this key; the demo makes one up when none is set (sandbox only).
      process.env.ORDERWIRE_SECRET_KEY ||= (await import('node:crypto')).randomBytes(32).toString('base64url');
      const runtime = await openRuntime(await loadConfigFile(configFile), log);
      let synced = 0;
      // Sync lines wait for the banner, so the console's URL is the first thing printed.
      let bannerShown = false;
      const early: string[] = [];
      const say = (line: string): void => {
        if (bannerShown) process.stdout.write(line);
        else early.push(line);
      };
      const daemon = startDaemon(runtime, {
        hooks: {
          onRun: (account, outcome) => {
            if (outcome instanceof Error) say(`  ! ${account}: sync failed: ${outcome.message}\n`);
            else {
              synced += outcome.run.orders;
              say(`  ✓ ${account}: ${outcome.run.kind} sync, ${outcome.run.orders} orders (${outcome.inserted} new, ${outcome.updated} updated) in ${outcome.run.pages} pages\n`);
            }
          },
        },
      });
      const rel = path.relative(process.cwd(), configFile) || configFile;
      const apiUrl = await daemon.api?.ready.catch(() => undefined);
      const { token: apiToken } = await createToken(runtime.store, { name: 'demo', accounts: ['worten-demo', 'cdiscount-demo'] });
      process.stdout.write(`Operator console  ${apiUrl ? `${apiUrl}/` : '(failed to start: see the daemon logs)'}   (open it and sign in with the API token below)

orderwire demo is running.

  Mirakl simulator (Worten)    ${mirakl.baseUrl}   (admin: ${mirakl.baseUrl}/_admin/calls)
  Octopia simulator (Cdiscount) ${octopia.baseUrl}   (admin: ${octopia.baseUrl}/_admin/calls)
  Configuration                 ${rel}
  Store (SQLite)                ${path.join(dir, 'orderwire.sqlite')}
  Daemon logs (JSON lines)      ${path.join(dir, 'daemon.log')}
  Back-office API               ${apiUrl ?? '(failed to start: see the daemon logs)'}   (docs: ${apiUrl}/docs)
  API token (demo sandbox)      ${apiToken}

Try, in another terminal (queued actions are sent by this daemon; only \`orderwire sync\` needs the
marketplace credentials, which live in this process):
  npx orderwire orders --config ${rel} --status waiting_acceptance
  npx orderwire check cdiscount --status waiting_shipment --action refund --data '{"reason":"ProductStockUnavailable"}'
  npx orderwire doc worten
  npx orderwire action --config ${rel} worten-demo <ORDER> accept
  npx orderwire actions --config ${rel}
  curl -H 'Authorization: Bearer ${apiToken}' '${apiUrl}/v1/orders?acknowledged=false&limit=5'

Syncing (first run backfills each channel's lookback: 5 days Worten, 2 days Cdiscount)...
`);
      bannerShown = true;
      for (const line of early.splice(0)) process.stdout.write(line);
      await new Promise<void>((resolve) => {
        const shutdown = (): void => {
          process.stdout.write(`\nstopping (${synced} orders synced this session)...\n`);
          void daemon
            .stop()
            .then(() => runtime.close())
            .then(() => Promise.all([mirakl.close(), octopia.close()]))
            .then(() => resolve());
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}
