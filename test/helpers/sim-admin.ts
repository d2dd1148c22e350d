/** Small client for the simulators' /_admin API, used by integration tests. */
export interface CallEntry {
  seq: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  status: number;
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function adminCreateOrder(baseUrl: string, body: Record<string, unknown>): Promise<{ order_id: string; raw: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = await json<Record<string, unknown>>(res);
  const id = (created.order_id ?? (created.order as { order_id?: string } | undefined)?.order_id ?? created.id) as string;
  return { order_id: id, raw: created };
}

export async function adminCalls(baseUrl: string, since = 0): Promise<CallEntry[]> {
  const res = await json<{ calls?: CallEntry[] } | CallEntry[]>(await fetch(`${baseUrl}/_admin/calls?since=${since}`));
  return Array.isArray(res) ? res : (res.calls ?? []);
}

export async function adminClearCalls(baseUrl: string): Promise<void> {
  await fetch(`${baseUrl}/_admin/calls`, { method: 'DELETE' });
}

export async function adminSetFaults(baseUrl: string, text: string): Promise<void> {
  await json(await fetch(`${baseUrl}/_admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) }));
}

export async function adminAdvanceClock(baseUrl: string, ms: number): Promise<void> {
  await json(await fetch(`${baseUrl}/_admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: ms }) }));
}
