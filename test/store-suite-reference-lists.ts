/**
 * The Store contract for reference lists fetched per account (carriers, reasons): part of the one
 * suite (test/store-suite.ts) both stores pass.
 */
import { describe, expect, it } from 'vitest';
import type { NewReferenceList, Store } from '../engine/store/store.ts';

const T0 = '2025-03-01T10:00:00.000Z';
const at = (ms: number): string => new Date(Date.parse(T0) + ms).toISOString();

const carriers = (fetchedAt: string, codes: string[]): NewReferenceList => ({
  account: 'worten-pt',
  channel: 'worten',
  list: 'carriers',
  source: 'carriers',
  values: codes.map((code) => ({ code, label: `Carrier ${code}`, ...(code === 'CTT' && { tracking_url: 'https://ctt.example/{trackingId}' }) })),
  fetched_at: fetchedAt,
});

export function referenceListSuite(store: () => Store): void {
  describe('reference lists', () => {
    it('stores a fetched list per account with its fetch time, replaces it on the next fetch, filters by account and channel', async () => {
      const saved = await store().saveReferenceList(carriers(T0, ['CTT', 'UPS']));
      expect(saved).toEqual({
        account: 'worten-pt', channel: 'worten', list: 'carriers', source: 'carriers',
        values: [{ code: 'CTT', label: 'Carrier CTT', tracking_url: 'https://ctt.example/{trackingId}' }, { code: 'UPS', label: 'Carrier UPS' }],
        fetched_at: T0, attempted_at: T0, failures: 0,
      });
      await store().saveReferenceList({ ...carriers(at(1000), ['DHL']), account: 'worten-es' });
      await store().saveReferenceList({ ...carriers(at(2000), ['15']), list: 'refund_reasons', source: 'reasons' });
      const next = await store().saveReferenceList(carriers('2025-03-02T10:00:00+00:00', ['UPS']));
      expect(next.values).toEqual([{ code: 'UPS', label: 'Carrier UPS' }]);
      expect(next.fetched_at).toBe('2025-03-02T10:00:00.000Z');
      expect((await store().listReferenceLists({ account: 'worten-pt' })).map((l) => [l.list, l.values?.length])).toEqual([['carriers', 1], ['refund_reasons', 1]]);
      expect((await store().listReferenceLists()).map((l) => l.account)).toEqual(['worten-es', 'worten-pt', 'worten-pt']);
      expect(await store().listReferenceLists({ channel: 'carrefour' })).toEqual([]);
    });

    it('a failed fetch keeps the last values and counts the failures; the next success clears them', async () => {
      const failure = { account: 'worten-pt', channel: 'worten', list: 'carriers', source: 'carriers', error: 'GET /api/shipping/carriers: HTTP 500' };
      const never = await store().recordReferenceListFailure({ ...failure, attempted_at: T0 });
      expect(never).toMatchObject({ values: null, attempted_at: T0, error: failure.error, failures: 1 });
      expect(never.fetched_at).toBeUndefined();
      await store().saveReferenceList(carriers(at(60_000), ['CTT']));
      await store().recordReferenceListFailure({ ...failure, attempted_at: at(120_000) });
      const failed = await store().recordReferenceListFailure({ ...failure, attempted_at: at(180_000), error: 'timeout' });
      expect(failed).toMatchObject({ values: [{ code: 'CTT' }], fetched_at: at(60_000), attempted_at: at(180_000), error: 'timeout', failures: 2 });
      const again = await store().saveReferenceList(carriers(at(240_000), ['UPS']));
      expect(again).toMatchObject({ values: [{ code: 'UPS' }], fetched_at: at(240_000), failures: 0 });
      expect(again.error).toBeUndefined();
    });

    it('a list fetched earlier never replaces one fetched later', async () => {
      await store().saveReferenceList(carriers(at(60_000), ['NEW']));
      const late = await store().saveReferenceList(carriers(T0, ['OLD']));
      expect(late.values).toEqual([{ code: 'NEW', label: 'Carrier NEW' }]);
      expect(late.fetched_at).toBe(at(60_000));
    });

    it('refuses bad arguments with a stable code and the field', async () => {
      await expect(store().saveReferenceList({ ...carriers(T0, ['A']), account: '' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'account' } });
      await expect(store().saveReferenceList({ ...carriers(T0, ['A']), fetched_at: '2025-03-01 10:00' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'fetched_at' } });
      await expect(store().saveReferenceList({ ...carriers(T0, []), values: [{ code: '', label: 'x' }] })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'values[0]' } });
      await expect(store().recordReferenceListFailure({ account: 'a', channel: 'c', list: 'l', source: 's', attempted_at: T0, error: '' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'error' } });
      expect(await store().listReferenceLists()).toEqual([]);
    });
  });
}
