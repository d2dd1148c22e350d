/**
 * Acknowledged versions only move forward, on both stores: acknowledging v2 then v1 is refused
 * (409 ORDER_ACK_VERSION_OLDER, naming the version recorded) and leaves the order out of the
 * changes feed; the same version again is idempotent (same acknowledgement, same time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { PG_SKIP_REASON, SKIP_PG } from './helpers/postgres.ts';
import { at, order } from './store-suite.ts';

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && SKIP_PG)(`acknowledgement versions (${kind})${kind === 'postgres' && SKIP_PG ? `: ${PG_SKIP_REASON}` : ''}`, () => {
    let h: ApiHarness;
    let token: string;
    let id: string;
    beforeAll(async () => {
      h = await startApiHarness({ store: kind });
      token = await h.token(['worten-pt']);
      await h.store.commitOrders([order('A1')]);
      await h.store.commitOrders([order('A1', { updated_at: at('2025-03-01T10:00:00Z', 60), status: 'accepted', marketplace_status: 'WAITING_DEBIT' })]);
      id = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
    });
    afterAll(() => h?.close());

    const ack = (body: { reference: string; version: number }) => h.call('PUT', `/v1/orders/${id}/acknowledgement`, { token, body });
    const changed = async () => (await h.call('GET', '/v1/orders?changed_since_ack=true', { token })).body.items.map((o: { id: string }) => o.id);

    it('refuses an older version than the one recorded, and the order stays out of the changes feed', async () => {
      const v2 = await ack({ reference: 'ERP-1', version: 2 });
      expect(v2.status).toBe(200);
      expect(v2.body.acknowledgement).toMatchObject({ reference: 'ERP-1', acknowledged_version: 2 });
      const v1 = await ack({ reference: 'ERP-1', version: 1 });
      expect(v1).toMatchObject({ status: 409, body: { code: 'ORDER_ACK_VERSION_OLDER', acknowledged_version: 2, errors: [{ field: '/body/version', code: 'ORDER_ACK_VERSION_OLDER' }] } });
      expect(v1.headers.get('content-type')).toContain('application/problem+json');
      expect(await changed()).toEqual([]);
      expect((await h.store.getAcknowledgements([id])).get(id)).toMatchObject({ acknowledged_version: 2 });
    });

    it('takes the same version again as the same acknowledgement, and a new reference at it', async () => {
      const first = (await h.store.getAcknowledgements([id])).get(id)!;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const again = await ack({ reference: 'ERP-1', version: 2 });
      expect(again.status).toBe(200);
      expect(again.body.acknowledgement).toEqual(expect.objectContaining({ reference: 'ERP-1', acknowledged_version: 2, acknowledged_at: first.acknowledged_at }));
      const renamed = await ack({ reference: 'ERP-1-B', version: 2 });
      expect(renamed.body.acknowledgement).toMatchObject({ reference: 'ERP-1-B', acknowledged_version: 2 });
      await expect(h.store.acknowledgeOrder({ order_id: id, account: 'worten-pt', reference: 'x', version: 1 })).rejects.toMatchObject({ code: 'ORDER_ACK_VERSION_OLDER', details: { acknowledged_version: 2 } });
    });
  });
}
