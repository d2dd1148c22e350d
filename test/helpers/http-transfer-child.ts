/**
 * Run as a child process by test/connector-http-transfer.test.ts, so its peak memory is its own:
 * uploads a file (multipart) or downloads one through the connector's HttpClient, then prints
 * the Exchange, the RSS before the transfer and the process's peak RSS as one JSON line.
 *   http-transfer-child.ts upload <url> <file>
 *   http-transfer-child.ts download <url> <destination> <maxBytes>
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { HttpClient } from '../../engine/connector/http/client.ts';
import { AccountLimiter } from '../../engine/connector/http/limiter.ts';
import { createRedactor } from '../../engine/connector/http/redact.ts';

const baselineRssBytes = process.memoryUsage.rss();
const [mode, url, path, maxBytes] = process.argv.slice(2) as [string, string, string, string?];
/** A sink as the file store's: a temporary file renamed into place once complete, removed when the body fails. */
async function saveToFile(body: AsyncIterable<Buffer>): Promise<void> {
  try {
    await pipeline(body, createWriteStream(`${path}.part`));
  } catch (err) {
    await rm(`${path}.part`, { force: true });
    throw err;
  }
  await rename(`${path}.part`, path);
}
const client = new HttpClient({ limiter: new AccountLimiter({ concurrency: 1 }), redact: createRedactor(() => []), timeouts: { response: 120_000 } });
const exchange =
  mode === 'upload'
    ? await client.send({ endpoint: 'upload', method: 'POST', url, multipart: [{ name: 'meta', value: '{"kind":"invoice"}' }, { name: 'files', file: { fileName: 'big.pdf', contentType: 'application/pdf', size: statSync(path).size, open: () => createReadStream(path) } }] })
    : await client.send({ endpoint: 'download', method: 'GET', url, saveTo: { write: saveToFile, maxBytes: Number(maxBytes) } });
await client.close();
process.stdout.write(`${JSON.stringify({ exchange, baselineRssBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
