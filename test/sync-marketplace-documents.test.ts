/**
 * The download step of marketplace documents (engine/sync/marketplace-documents.ts) against a
 * real document store on disk and a connector that answers as told: a failure never throws and
 * keeps nothing, the next pass downloads it; a body of another size than listed (cut short) is
 * not kept; a document listed with a new size is downloaded again and kept only if its bytes
 * differ (SHA-256); only the channel's types are asked for.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Connector } from '../engine/connector/connector.ts';
import { OrderwireError } from '../engine/errors.ts';
import { silentLogger } from '../engine/log.ts';
import type { MarketplaceDocument, NormalizedOrder } from '../engine/order/model.ts';
import { FileStore } from '../engine/store/files.ts';
import type { PendingDownload } from '../engine/store/store.ts';
import type { AccountRuntime } from '../engine/sync/account.ts';
import { fetchMarketplaceDocuments, type DocumentFetchDeps } from '../engine/sync/marketplace-documents.ts';
import { createHash } from 'node:crypto';

let dir: string;
let files: FileStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-mdocs-'));
  files = new FileStore(dir);
  pending.clear();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const channel = await loadChannel('printemps');
const account = { id: 'pt', channel } as unknown as AccountRuntime;

function order(documents: MarketplaceDocument[]): NormalizedOrder {
  return { account: 'pt', channel: 'printemps', marketplace_order_id: 'M-1', documents } as unknown as NormalizedOrder;
}

/** A connector whose download writes the next answer (bytes, or an error) and counts the calls. */
function connector(answers: Array<Buffer | Error>): Pick<Connector, 'downloadDocument'> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async downloadDocument(_order, doc, saveTo) {
      calls.push(doc.id);
      const next = answers.shift();
      if (!next || next instanceof Error) throw next ?? new Error('no answer');
      await saveTo.write(Readable.from([next]));
      return { size: next.length, sha256: createHash('sha256').update(next).digest('hex'), contentType: 'application/pdf' };
    },
  };
}

/** The store as this step sees it: the stored order, and the pending downloads it records (kept here by id). */
const pending = new Map<string, PendingDownload>();
const store: DocumentFetchDeps['store'] = {
  getOrder: async () => ({ id: 'ord-1', order: {} as NormalizedOrder, version: 1, first_seen_at: '', last_changed_at: '' }),
  failDocumentDownload: async (f, policy) => {
    const attempts = (pending.get(f.id)?.attempts ?? 0) + 1;
    const entry: PendingDownload = { id: f.id, order_id: f.order_id, account: f.account, channel: f.channel, marketplace_order_id: f.marketplace_order_id, document_id: f.document_id, attempts, next_attempt_at: f.at.toISOString(), last_error: f.error, ...(attempts >= policy.maxAttempts && { gave_up_at: f.at.toISOString() }) };
    pending.set(f.id, entry);
    return entry;
  },
  clearDocumentDownload: async (id) => void pending.delete(id),
};
const slip = (size: number): MarketplaceDocument => ({ id: '9', type: 'SYSTEM_DELIVERY_BILL', file_name: 'slip.pdf', size });
const pdf = Buffer.from('%PDF-1.4 slip');

describe('fetchMarketplaceDocuments', () => {
  it('a failed download keeps nothing and does not throw; the next pass downloads it', async () => {
    const c = connector([new OrderwireError('MARKETPLACE_UNAVAILABLE', 'HTTP 503'), pdf]);
    const stored: string[] = [];
    const deps = { store, connector: c, files, account, log: silentLogger(), onStored: async (_o: unknown, d: MarketplaceDocument) => void stored.push(d.id) };
    expect(await fetchMarketplaceDocuments(deps, [order([slip(pdf.length)])])).toEqual({ downloaded: 0, unchanged: 0, failed: 1 });
    expect(await readdir(dir)).toEqual([]);
    // Kept as a pending download, with why, for the daemon to try again on its own.
    expect([...pending.values()]).toEqual([expect.objectContaining({ order_id: 'ord-1', account: 'pt', marketplace_order_id: 'M-1', document_id: '9', attempts: 1, last_error: 'MARKETPLACE_UNAVAILABLE: HTTP 503' })]);
    expect(await fetchMarketplaceDocuments(deps, [order([slip(pdf.length)])])).toEqual({ downloaded: 1, unchanged: 0, failed: 0 });
    expect(pending.size).toBe(0);
    expect(stored).toEqual(['9']);
    // Stored: a third pass asks for nothing.
    expect(await fetchMarketplaceDocuments(deps, [order([slip(pdf.length)])])).toEqual({ downloaded: 0, unchanged: 0, failed: 0 });
    expect(c.calls).toEqual(['9', '9']);
  });

  it('a body of another size than the marketplace lists is not kept', async () => {
    const c = connector([pdf.subarray(0, 5)]);
    expect(await fetchMarketplaceDocuments({ store, connector: c, files, account, log: silentLogger() }, [order([slip(pdf.length)])])).toEqual({ downloaded: 0, unchanged: 0, failed: 1 });
    expect(await readdir(dir)).toEqual([]);
  });

  it('listed with a new size: downloaded again, kept only when the bytes differ', async () => {
    const other = Buffer.from('%PDF-1.4 slip, second edition');
    const unsized: MarketplaceDocument = { id: '9', type: 'SYSTEM_DELIVERY_BILL', file_name: 'slip.pdf' };
    const c = connector([pdf, pdf, other]);
    const deps = { store, connector: c, files, account, log: silentLogger() };
    expect(await fetchMarketplaceDocuments(deps, [order([unsized])])).toEqual({ downloaded: 1, unchanged: 0, failed: 0 });
    // Now listed with its size: downloaded again to compare, the same bytes, nothing new kept...
    expect(await fetchMarketplaceDocuments(deps, [order([slip(pdf.length)])])).toEqual({ downloaded: 0, unchanged: 1, failed: 0 });
    // ...and not asked for again.
    expect(await fetchMarketplaceDocuments(deps, [order([slip(pdf.length)])])).toEqual({ downloaded: 0, unchanged: 0, failed: 0 });
    // Another size: other bytes, which take its place.
    expect(await fetchMarketplaceDocuments(deps, [order([slip(other.length)])])).toEqual({ downloaded: 1, unchanged: 0, failed: 0 });
    const listed = await files.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ size: other.length, marketplace: { document_id: '9', size: other.length } });
    expect((await readdir(dir)).sort()).toEqual([listed[0]!.id, `${listed[0]!.id}.json`]);
    expect(c.calls).toEqual(['9', '9', '9']);
  });

  it('asks only for the types the channel downloads', async () => {
    const c = connector([pdf]);
    const invoice: MarketplaceDocument = { id: '3', type: 'CUSTOMER_INVOICE', size: 10 };
    expect(await fetchMarketplaceDocuments({ store, connector: c, files, account, log: silentLogger() }, [order([invoice])])).toEqual({ downloaded: 0, unchanged: 0, failed: 0 });
    expect(c.calls).toEqual([]);
  });
});
