/**
 * Delivers webhook events: claims due deliveries under a lease (several daemons share the work,
 * as with actions), POSTs each signed event, and records the attempt. At least once: a delivery
 * is retried with exponential backoff until the endpoint answers 2xx, and marked dead after
 * `maxAttempts`. The body of an event is the same in every attempt (receivers deduplicate on the
 * event id); only the signature's timestamp changes. Before each attempt the destination is
 * checked again (destination.ts) and the POST goes to the address checked (post.ts): an endpoint
 * whose name now resolves to an internal address is refused, recorded as a failed attempt, and
 * nothing is sent.
 */
import type { Logger } from '../log.ts';
import type { Store, WebhookDelivery } from '../store/store.ts';
import { DestinationPolicy } from './destination.ts';
import { postPinned } from './post.ts';
import { endpointSecret, signatureHeader } from './signing.ts';

export interface DispatcherOptions {
  store: Store;
  log: Logger;
  owner: string;
  /** ORDERWIRE_SECRET_KEY; without it nothing is sent (deliveries wait, an error is logged). */
  secretKey: string | undefined;
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before attempt n+1 after n failed attempts. */
  backoffMs?: (failedAttempts: number) => number;
  timeoutMs?: number;
  batch?: number;
  now?: () => Date;
  onAttempt?: (delivery: WebhookDelivery, outcome: 'delivered' | 'retry' | 'dead') => void;
  /** Where deliveries may go (default: public addresses only). */
  policy?: DestinationPolicy;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

/** 5 s, 10 s, 20 s ... capped at one hour, with jitter (±25%). */
export const defaultWebhookBackoff = (failed: number): number => Math.min(3_600_000, 5_000 * 2 ** (failed - 1)) * (0.75 + Math.random() / 2);

/** The JSON body of an event: the same bytes for every attempt. */
export function eventBody(delivery: WebhookDelivery): string {
  const { id, type, created_at, data } = delivery.event;
  return JSON.stringify({ id, type, created_at, data });
}

export class WebhookDispatcher {
  readonly #o: DispatcherOptions;
  readonly #policy: DestinationPolicy;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;
  #warnedNoKey = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.#policy = options.policy ?? new DestinationPolicy();
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  /** Claims and sends due deliveries once; resolves with how many were attempted. */
  async runOnce(): Promise<number> {
    const key = this.#o.secretKey;
    if (!key) {
      if (!this.#warnedNoKey) this.#o.log.error({ code: 'WEBHOOK_SECRET_KEY_MISSING' }, 'ORDERWIRE_SECRET_KEY is not set: webhook deliveries wait until it is');
      this.#warnedNoKey = true;
      return 0;
    }
    const claimed = await this.#o.store.claimWebhookDeliveries(this.#o.owner, this.#o.leaseMs ?? 60_000, this.#o.batch ?? 10, this.#now());
    await Promise.all(claimed.map((d) => this.#deliver(d, key)));
    return claimed.length;
  }

  start(intervalMs = 1_000): void {
    this.#stopped = false;
    const tick = (): void => {
      if (this.#stopped) return;
      this.#running = this.runOnce().catch((err: unknown) => {
        this.#o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'webhook dispatcher tick failed');
        return 0;
      });
      void this.#running.then((n) => {
        if (!this.#stopped) {
          this.#timer = setTimeout(tick, n > 0 ? 0 : intervalMs);
          this.#timer.unref?.();
        }
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  async #deliver(delivery: WebhookDelivery, secretKey: string): Promise<void> {
    const { store, log, owner } = this.#o;
    const body = eventBody(delivery);
    const sentAt = this.#now();
    const timestamp = Math.floor(sentAt.getTime() / 1000);
    let status: number | undefined;
    let error: string | undefined;
    const signal = AbortSignal.timeout(this.#o.timeoutMs ?? 10_000);
    try {
      const url = new URL(delivery.url!);
      const verdict = await this.#policy.check(url);
      if (!verdict.ok) {
        error = `${verdict.code}: ${verdict.reason}`;
      } else {
        status = await postPinned(url, verdict.address, {
          'content-type': 'application/json',
          'user-agent': 'orderwire-webhooks/1',
          'orderwire-event-id': delivery.event.id,
          'orderwire-event-type': delivery.event.type,
          'orderwire-signature': signatureHeader(endpointSecret(secretKey, delivery.endpoint_id), timestamp, body),
        }, body, signal);
        if (status < 200 || status >= 300) error = `HTTP ${status}`;
      }
    } catch (err) {
      error = signal.aborted ? 'timed out' : err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : String(err);
    }
    const attempts = delivery.attempts + 1;
    const at = this.#now().toISOString();
    const dlog = log.child({ delivery: delivery.id, endpoint: delivery.endpoint_id, event: delivery.event.id });
    let outcome: 'delivered' | 'retry' | 'dead';
    let recorded: boolean;
    if (error === undefined) {
      outcome = 'delivered';
      recorded = await store.recordDeliveryAttempt(delivery.id, owner, { state: 'delivered', attempts, ...(status !== undefined && { last_status: status }), at });
    } else {
      const dead = attempts >= (this.#o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
      outcome = dead ? 'dead' : 'retry';
      const next = new Date(sentAt.getTime() + (this.#o.backoffMs ?? defaultWebhookBackoff)(attempts)).toISOString();
      recorded = await store.recordDeliveryAttempt(delivery.id, owner, {
        state: dead ? 'dead' : 'pending',
        attempts,
        ...(dead ? {} : { next_attempt_at: next }),
        ...(status !== undefined && { last_status: status }),
        last_error: error,
        at,
      });
      dlog.warn({ attempts, error, dead }, dead ? 'webhook delivery dead after its last attempt' : 'webhook delivery failed; will retry');
    }
    if (!recorded) dlog.warn('webhook delivery lease lost before recording the attempt');
    this.#o.onAttempt?.(delivery, outcome);
  }
}
