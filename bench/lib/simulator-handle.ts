/**
 * The benchmark's side of the simulator process (bench/workers/simulator.ts): start it, talk to
 * its admin API (clock, forced transitions) and its OR11 listing, read its CPU usage, stop it.
 */
import { LineChild, benchScript } from './child.ts';

export interface SimulatorSettings {
  orders: number;
  seed: number;
  /** Days of history the generated orders span; within the channel's 5-day lookback. */
  historyDays: number;
  /** The simulated time at start (frozen until the benchmark advances it). */
  start: string;
  /** Orders placed after the start, per simulated hour (default none). */
  newOrdersPerHour?: number;
}

export interface SimulatorUsage {
  cpuMs: number;
  maxRssKb: number;
}

export class SimulatorProcess {
  readonly baseUrl: string;
  /** The sandbox API key; handed to workers through the environment only. */
  readonly apiKey: string;
  readonly #child: LineChild;

  private constructor(child: LineChild, info: { baseUrl: string; apiKey: string }) {
    this.#child = child;
    this.baseUrl = info.baseUrl;
    this.apiKey = info.apiKey;
  }

  static async start(settings: SimulatorSettings): Promise<SimulatorProcess> {
    const child = new LineChild(benchScript('workers/simulator.ts'), [JSON.stringify(settings)]);
    const info = JSON.parse(await child.nextLine()) as { baseUrl: string; apiKey: string };
    return new SimulatorProcess(child, info);
  }

  async usage(): Promise<SimulatorUsage> {
    return JSON.parse(await this.#child.request('usage')) as SimulatorUsage;
  }

  async now(): Promise<Date> {
    const body = (await this.admin('GET', '/_admin/clock')) as { now: string };
    return new Date(body.now);
  }

  async advanceClock(ms: number): Promise<Date> {
    const body = (await this.admin('POST', '/_admin/clock', { advance_ms: ms })) as { now: string };
    return new Date(body.now);
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  /** OR11 as a connector calls it, with the API key. */
  async listOrders(query: Record<string, string>): Promise<{ orders: Array<{ order_id: string; order_state: string }>; total_count: number }> {
    const res = await fetch(`${this.baseUrl}/api/orders?${new URLSearchParams(query)}`, { headers: { authorization: this.apiKey } });
    if (!res.ok) throw new Error(`simulator OR11: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as { orders: Array<{ order_id: string; order_state: string }>; total_count: number };
  }

  async close(): Promise<void> {
    await this.#child.close();
  }
}
