import type { Command } from 'commander';
import { parseJsonObjectOption } from '../json-option.ts';
import { OrderwireError } from '../../errors.ts';
import { publicAction } from '../../api/resources.ts';
import type { LinePartInput, ParcelInput } from '../../rules/index.ts';
import { submitAction, type SubmitOutcome } from '../../sync/submit-action.ts';
import { actionNamesInWords } from '../../vocabulary/action-kinds.ts';
import { EXIT } from '../exit-codes.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';

interface ActionOptions {
  config?: string;
  data?: string;
  lines?: string;
  parcel?: string[];
  idempotencyKey?: string;
  json?: boolean;
}

/** The outcome as printed by --json: actions without what is internal to the engine. */
function jsonOutcome(outcome: SubmitOutcome): unknown {
  switch (outcome.kind) {
    case 'queued':
    case 'existing':
      return { ...outcome, action: publicAction(outcome.action) };
    case 'conflict':
      return { ...outcome, pending: publicAction(outcome.pending) };
    default:
      return outcome;
  }
}

/** `L1,L2:quantity=1,L3:amount=4.50:quantity=1` -> ['L1', {id: 'L2', quantity: 1}, ...]. */
export function parseLinesOption(text: string): (string | LinePartInput)[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [id, ...parts] = item.split(':');
    if (parts.length === 0) return id!;
    const line: LinePartInput = { id: id! };
    for (const part of parts) {
      const [key, value] = part.split('=');
      const n = Number(value);
      if ((key !== 'quantity' && key !== 'amount') || value === undefined || value.trim() === '' || !Number.isFinite(n)) {
        throw new OrderwireError('USAGE', `--lines: "${part}" in "${item}" is not quantity=<units> or amount=<amount>`);
      }
      line[key] = n;
    }
    return line;
  });
}

/** Short names a --parcel spec may use for the ship fields. */
const PARCEL_ALIASES: Readonly<Record<string, string>> = { tracking: 'tracking_number', url: 'tracking_url' };

/**
 * `lines=L1:2,L2 carrier=UPS tracking=1Z999` -> {lines: [{id: 'L1', quantity: 2}, 'L2'], carrier:
 * 'UPS', tracking_number: '1Z999'}: space-separated key=value pairs; `lines` is a comma list of
 * line ids, each with `:units` for some of its units (a bare id: every unit it has left to ship);
 * `tracking` and `url` stand for tracking_number and tracking_url; other keys are fields as named.
 */
export function parseParcelOption(text: string): ParcelInput {
  const parcel: Record<string, unknown> = {};
  for (const pair of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new OrderwireError('USAGE', `--parcel: "${pair}" in "${text}" is not key=value (e.g. lines=L1:2,L2 carrier=UPS tracking=1Z999)`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key !== 'lines') {
      parcel[PARCEL_ALIASES[key] ?? key] = value;
      continue;
    }
    parcel.lines = value.split(',').filter(Boolean).map((item) => {
      const [id, units, extra] = item.split(':');
      if (units === undefined) return id!;
      const quantity = Number(units);
      if (extra !== undefined || id === '' || !Number.isInteger(quantity) || quantity < 1) throw new OrderwireError('USAGE', `--parcel: "${item}" in lines is not <line id> or <line id>:<units> (a whole number of at least 1)`);
      return { id: id!, quantity };
    });
  }
  if (!Array.isArray(parcel.lines)) throw new OrderwireError('USAGE', `--parcel "${text}" has no lines=...: name the lines in the parcel (e.g. lines=L1:2,L2)`);
  return parcel as ParcelInput;
}

export function register(program: Command): void {
  addConfigOption(
    program
      .command('action')
      .description('Submit a seller action on a stored order: it is validated against the channel rules and queued; the daemon sends it. Exit 1 when the action is not allowed.')
      .argument('<account>', 'account id')
      .argument('<order>', 'marketplace order id')
      .argument('<name>', actionNamesInWords())
      .option('--data <json>', 'action fields as a JSON object, e.g. \'{"tracking_number":"X1","carrier":"UPS"}\'')
      .option('--lines <ids>', 'comma list of order line ids (where the channel allows line-level actions); part of a line as id:quantity=N and/or id:amount=X (e.g. L1:quantity=1,L2:amount=4.50) where the channel takes parts')
      .option('--parcel <spec>', 'ship where the channel takes parcels, once per parcel: "lines=L1:2,L2 carrier=UPS tracking=1Z999 url=https://..." (a line as id:units for some of its units, a bare id for every unit left; --data gives defaults for every parcel)', (value: string, all: string[] = []) => [...all, value])
      .option('--idempotency-key <key>', 'your own key: submitting again with it returns the same action')
      .option('--json', 'print JSON'),
  ).action(async (account: string, order: string, name: string, opts: ActionOptions) => {
    const data = opts.data === undefined ? undefined : parseJsonObjectOption('--data', opts.data, '{"tracking_number":"X1","carrier":"UPS"}');
    const lines = opts.lines === undefined ? undefined : parseLinesOption(opts.lines);
    const parcels = opts.parcel === undefined ? undefined : opts.parcel.map(parseParcelOption);
    await withRuntime(opts, async (rt) => {
      const entry = rt.accountConfigs.get(account);
      if (!entry) throw new OrderwireError('USAGE', `no account "${account}" in the configuration`);
      const outcome = await submitAction(rt.store, entry, {
        marketplaceOrderId: order,
        name,
        ...(data && { data }),
        ...(lines && { lines }),
        ...(parcels && { parcels }),
        ...(opts.idempotencyKey && { idempotencyKey: opts.idempotencyKey }),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(jsonOutcome(outcome), null, 2)}\n`);
      switch (outcome.kind) {
        case 'order_not_found':
          if (!opts.json) process.stderr.write(`order ${order} of ${account} is not in the store (sync first)\n`);
          process.exitCode = EXIT.FINDINGS;
          return;
        case 'denied':
          if (!opts.json) {
            process.stderr.write(`${name} is not allowed on ${order} (status ${outcome.validation.status}):\n`);
            for (const e of outcome.validation.errors) process.stderr.write(`  error[${e.code}]${e.field ? ` ${e.field}` : ''}: ${e.message}\n`);
          }
          process.exitCode = EXIT.FINDINGS;
          return;
        case 'conflict': {
          const { pending } = outcome;
          if (!opts.json) {
            process.stderr.write(`${name} conflicts with action ${pending.id} (${pending.action}, ${pending.state}) pending on ${order}: once it has taken effect the order will be ${outcome.projected}, where ${name} is not allowed\n`);
            process.stderr.write(`  error[ACTION_CONFLICTS_WITH_PENDING]: wait for it (orderwire actions --order ${order}), or cancel it first\n`);
          }
          process.exitCode = EXIT.FINDINGS;
          return;
        }
        default:
          if (!opts.json) process.stdout.write(`${outcome.kind === 'existing' ? 'already submitted' : 'queued'}: action ${outcome.action.id} (${outcome.action.state})\n`);
      }
    }, { accountIds: [account], connect: false });
  });
}
