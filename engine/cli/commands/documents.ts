/**
 * `orderwire documents`: order documents from the command line.
 *   upload <account> <order> <file>   store a file and submit the action that sends it (upload_invoice)
 *   list [--account A] [--order O]    the documents orderwire keeps
 *   download <id> [--output path]     a document's bytes (to stdout without --output)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { fileFieldLimit, MAX_UPLOAD_BYTES } from '../../api/documents.ts';
import { publicAction } from '../../api/resources.ts';
import { OrderwireError } from '../../errors.ts';
import { submitAction } from '../../sync/submit-action.ts';
import { EXIT } from '../exit-codes.ts';
import { parseJsonObjectOption } from '../json-option.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';

const CONTENT_TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.csv': 'text/csv', '.txt': 'text/plain' };

interface UploadOptions {
  config?: string;
  action: string;
  field: string;
  contentType?: string;
  data?: string;
  idempotencyKey?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const documents = program.command('documents').description('Order documents: upload an invoice with the action that sends it, list the documents kept, download one.');

  addConfigOption(
    documents
      .command('upload')
      .description('Store a file and submit the action that sends it to the marketplace (validated like `orderwire action`; the daemon sends it). Exit 1 when the action is not allowed.')
      .argument('<account>', 'account id')
      .argument('<order>', 'marketplace order id')
      .argument('<file>', 'the file to send (an invoice PDF)')
      .option('--action <name>', 'the action that carries the file', 'upload_invoice')
      .option('--field <name>', 'the action\'s file field', 'invoice')
      .option('--content-type <type>', 'the file\'s media type (default: from its extension)')
      .option('--data <json>', 'the action\'s other fields as a JSON object')
      .option('--idempotency-key <key>', 'your own key: submitting again with it returns the same action')
      .option('--json', 'print JSON'),
  ).action(async (account: string, order: string, file: string, opts: UploadOptions) => {
    const data = opts.data === undefined ? {} : parseJsonObjectOption('--data', opts.data, '{"invoice_number":"F-42"}');
    const contentType = opts.contentType ?? CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    await withRuntime(opts, async (rt) => {
      const entry = rt.accountConfigs.get(account);
      if (!entry) throw new OrderwireError('USAGE', `no account "${account}" in the configuration`);
      const limit = fileFieldLimit(entry.channel, opts.action, opts.field);
      if (limit === undefined) throw new OrderwireError('USAGE', `${opts.field} is not a file field of ${opts.action} on channel ${entry.channel.id} (orderwire describe ${entry.channel.id})`);
      const stored = await rt.files.put(createReadStream(file), { file_name: basename(file), content_type: contentType, maxBytes: Math.min(limit, MAX_UPLOAD_BYTES) });
      const outcome = await submitAction(rt.store, entry, {
        marketplaceOrderId: order,
        name: opts.action,
        data: { ...data, [opts.field]: { id: stored.id, file_name: stored.file_name, content_type: stored.content_type, size: stored.size, sha256: stored.sha256 } },
        ...(opts.idempotencyKey && { idempotencyKey: opts.idempotencyKey }),
      }).catch(async (err: unknown) => {
        await rt.files.remove(stored.id);
        throw err;
      });
      if (outcome.kind !== 'queued') await rt.files.remove(stored.id);
      if (opts.json) process.stdout.write(`${JSON.stringify('action' in outcome ? { ...outcome, action: publicAction(outcome.action) } : outcome, null, 2)}\n`);
      switch (outcome.kind) {
        case 'queued':
        case 'existing':
          if (!opts.json) process.stdout.write(`${outcome.kind === 'existing' ? 'already submitted' : 'queued'}: action ${outcome.action.id} (${outcome.action.state}), document ${outcome.kind === 'queued' ? stored.id : '(the earlier one)'}\n`);
          return;
        case 'denied':
          if (!opts.json) {
            process.stderr.write(`${opts.action} is not allowed on ${order} (status ${outcome.validation.status}):\n`);
            for (const e of outcome.validation.errors) process.stderr.write(`  error[${e.code}]${e.field ? ` ${e.field}` : ''}: ${e.message}\n`);
          }
          process.exitCode = EXIT.FINDINGS;
          return;
        default:
          if (!opts.json) process.stderr.write(`${opts.action} was not queued on ${order}: ${outcome.kind === 'order_not_found' ? 'the order is not in the store (sync first)' : `it conflicts with pending action ${outcome.pending.id}`}\n`);
          process.exitCode = EXIT.FINDINGS;
      }
    }, { accountIds: [account], connect: false });
  });

  addConfigOption(
    documents
      .command('list')
      .description('The documents orderwire keeps (uploads with their actions), oldest first.')
      .option('--account <id>', 'only this account\'s')
      .option('--order <id>', 'only this order\'s (orderwire order id)')
      .option('--json', 'print JSON'),
  ).action(async (opts: { config?: string; account?: string; order?: string; json?: boolean }) => {
    await withRuntime(opts, async (rt) => {
      const all = (await rt.files.list()).filter((d) => (!opts.account || d.account === opts.account) && (!opts.order || d.order_id === opts.order));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      for (const d of all) process.stdout.write(`${d.id}  ${d.content_type}  ${d.size} bytes  ${d.file_name}${d.account ? `  ${d.account}` : ''}  ${d.stored_at}\n`);
      if (all.length === 0) process.stderr.write('no documents\n');
    }, { connect: false });
  });

  addConfigOption(
    documents
      .command('download')
      .description('A document\'s bytes, to a file or to standard output.')
      .argument('<id>', 'document id (orderwire documents list)')
      .option('--output <path>', 'write to this file instead of standard output'),
  ).action(async (id: string, opts: { config?: string; output?: string }) => {
    await withRuntime(opts, async (rt) => {
      const meta = await rt.files.get(id);
      if (!meta) throw new OrderwireError('DOCUMENT_NOT_FOUND', `no document ${id} (orderwire documents list)`, { id });
      // Standard output stays open for whatever the process writes after.
      if (opts.output) await pipeline(rt.files.open(id), createWriteStream(opts.output));
      else await pipeline(rt.files.open(id), process.stdout, { end: false });
      if (opts.output) process.stderr.write(`${meta.file_name}: ${meta.size} bytes (${meta.content_type}) written to ${opts.output}\n`);
    }, { connect: false });
  });
}
