/**
 * `orderwire check <channel> --status S --action NAME`: would this action be allowed, and what
 * would be sent? Runs the same validation as the engine, on a synthetic order in a status or on an
 * order file, without any configuration or marketplace.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadChannel } from '../../channel/load.ts';
import type { Channel } from '../../channel/model.ts';
import { parseJsonObjectOption } from '../json-option.ts';
import { OrderwireError } from '../../errors.ts';
import type { NormalizedOrder } from '../../order/model.ts';
import { orderProblems } from '../../order/schema.ts';
import { isNormalizedStatus, mapOrderStatus, mappedStatuses } from '../../order/status.ts';
import { marketplaceStatusFor, syntheticOrder } from '../../order/synthetic.ts';
import { validateAction, type ActionFinding, type ValidationResult } from '../../rules/index.ts';
import { actionNamesInWords } from '../../vocabulary/action-kinds.ts';
import { EXIT } from '../exit-codes.ts';

interface CheckOptions {
  marketplaceStatus?: string;
  status?: string;
  order?: string;
  action: string;
  data?: string;
  lines?: string;
  json?: boolean;
}

function usage(message: string): OrderwireError {
  return new OrderwireError('USAGE', message);
}

function parseData(text: string | undefined): Record<string, unknown> | undefined {
  return text === undefined ? undefined : parseJsonObjectOption('--data', text);
}

function parseLines(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((s) => s.trim());
  if (ids.some((id) => id === '')) throw usage(`--lines takes line ids separated by commas, e.g. 1,2 (got "${text}")`);
  return ids;
}

async function readOrder(file: string): Promise<NormalizedOrder> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new OrderwireError(err.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'USAGE', `cannot read --order ${file}: ${err.message}`);
  });
  let order: unknown;
  try {
    order = JSON.parse(text);
  } catch (err) {
    throw usage(`--order ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const problems = orderProblems(order);
  if (problems.length > 0) {
    throw usage(`--order ${file} is not a normalized order (schemas/order.schema.json):\n${problems.map((p) => `  ${p.message}${p.suggestion ? ` (${p.suggestion})` : ''}`).join('\n')}`);
  }
  return order as NormalizedOrder;
}

async function orderFor(channel: Channel, opts: CheckOptions): Promise<NormalizedOrder> {
  const given = [opts.marketplaceStatus, opts.status, opts.order].filter((v) => v !== undefined).length;
  if (given !== 1) throw usage('give the order with exactly one of --marketplace-status, --status or --order');
  if (opts.order !== undefined) return readOrder(opts.order);
  if (opts.status !== undefined) {
    const marketplaceStatus = isNormalizedStatus(opts.status) ? marketplaceStatusFor(channel, opts.status) : undefined;
    if (marketplaceStatus === undefined) throw usage(`unknown status "${opts.status}" for ${channel.id}; its statuses: ${mappedStatuses(channel).join(', ')}`);
    return syntheticOrder(channel, marketplaceStatus);
  }
  const mapped = mapOrderStatus(channel, opts.marketplaceStatus);
  if (mapped.finding) throw usage(`unknown marketplace status: ${mapped.finding.message.replace(/; the order is kept.*$/, '')}${mapped.finding.suggestion ? ` (${mapped.finding.suggestion})` : ''}`);
  return syntheticOrder(channel, opts.marketplaceStatus!);
}

function findingLines(kind: 'error' | 'warning', findings: readonly ActionFinding[]): string[] {
  return findings.flatMap((f) => [
    `  ${kind}[${f.code}]${f.field ? ` ${f.field}` : ''}${f.rule ? ` (rule ${f.rule})` : ''}: ${f.message}`,
    ...(f.suggestion ? [`      hint: ${f.suggestion}`] : []),
  ]);
}

function verdictText(channel: Channel, order: NormalizedOrder, action: string, result: ValidationResult): string {
  const where = `${channel.id} order ${order.marketplace_order_id} at ${result.status} (marketplace status ${JSON.stringify(order.marketplace_status)})`;
  const out = [`${result.allowed ? 'ALLOWED' : 'DENIED'}: ${action} on ${where}`];
  out.push(...findingLines('error', result.errors), ...findingLines('warning', result.warnings));
  const allowedIn = channel.actions[action as keyof typeof channel.actions]?.allowedIn;
  if (!result.allowed && allowedIn && allowedIn.length > 0) out.push(`  ${action} is allowed at: ${allowedIn.join(', ')}`);
  if (result.request) out.push('request:', JSON.stringify(result.request, null, 2));
  return `${out.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('Check whether a seller action is allowed on a channel for an order in a given status, and show the request that would be sent. Exit 0 allowed, 1 denied, 2 usage error (unknown channel or status, bad --data).')
    .argument('<channel>', 'channel id (channels/<id>.yaml) or path to a channel file')
    .option('--marketplace-status <status>', 'build a one-line order in this marketplace status, exactly as the marketplace sends it (case matters)')
    .option('--status <status>', 'build a one-line order in this normalized status (new, waiting_acceptance, accepted, ...)')
    .option('--order <file.json>', 'check against a full normalized order read from a JSON file (schemas/order.schema.json)')
    .requiredOption('--action <name>', `the action: ${actionNamesInWords()}`)
    .option('--data <json>', 'action fields as a JSON object, e.g. \'{"tracking_number":"1Z999","carrier":"UPS"}\'')
    .option('--lines <ids>', 'target these order lines (comma-separated ids); omit for the whole order')
    .option('--json', 'print {"allowed","status","errors","warnings","request"} as JSON')
    .action(async (channelArg: string, opts: CheckOptions) => {
      const data = parseData(opts.data);
      const lines = parseLines(opts.lines);
      const channel = await loadChannel(channelArg);
      const order = await orderFor(channel, opts);
      const result = await validateAction(channel, order, { name: opts.action, ...(data && { data }), ...(lines && { lines }) });
      if (opts.json) {
        const { allowed, status, errors, warnings, request } = result;
        process.stdout.write(`${JSON.stringify({ allowed, status, errors, warnings, request }, null, 2)}\n`);
      } else {
        process.stdout.write(verdictText(channel, order, opts.action, result));
      }
      process.exitCode = result.allowed ? EXIT.OK : EXIT.FINDINGS;
    });
}
