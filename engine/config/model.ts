/** The validated configuration file, with defaults applied and durations in milliseconds. */
export interface EnvRef {
  readonly env: string;
}

export interface AccountConfig {
  readonly id: string;
  readonly channel: string;
  readonly baseUrl: string;
  readonly authUrl?: string;
  readonly credentials: Readonly<Record<string, EnvRef>>;
  readonly enabled: boolean;
  readonly importFulfilledOrders: boolean;
  readonly pollEveryMs?: number;
  readonly concurrency: number;
  /** HTTP timeouts in ms overriding the platform's (options.timeouts). */
  readonly timeouts?: { readonly connect?: number; readonly response?: number };
  /** Request ceilings by endpoint overriding the platform's (options.budgets). */
  readonly budgets?: Readonly<Record<string, { readonly limit: number; readonly perMs: number }>>;
  /** Opt-in: refuse orders still waiting for acceptance this long before their acceptance deadline. */
  readonly autoRefuseBeforeMs?: number;
}

export interface Config {
  readonly file?: string;
  /** Store spec: SQLite path, sqlite:PATH, or the name of the env var holding a PostgreSQL URL. */
  readonly store: string | EnvRef;
  readonly channelsDir: string;
  readonly accounts: readonly AccountConfig[];
  readonly daemon: {
    readonly actionWorkers: number;
    readonly actionMaxAttempts: number;
    readonly leaseTtlMs: number;
    readonly overlapMs: number;
    readonly safetyMarginMs: number;
    /** `console`: serve the operator console at / beside the API (engine/console/). */
    readonly http: { readonly host: string; readonly port: number; readonly enabled: boolean; readonly console: boolean };
  };
  /** Webhook destinations allowed besides public addresses, and endpoints per API token. */
  readonly webhooks: { readonly allowedDestinations: readonly string[]; readonly maxEndpointsPerToken: number };
  /** Buyers' personal data: kept `retentionMs` after an order's final status, checked every `checkEveryMs`. */
  readonly privacy: { readonly retentionMs: number; readonly checkEveryMs: number };
  /**
   * Where order documents are kept (engine/store/document-store.ts): `files` in `dir` (an absolute
   * directory; engine/store/files.ts), or `database` in the store's own database
   * (engine/store/database-documents.ts; `dir` unused).
   */
  readonly documents: { readonly store: 'files' | 'database'; readonly dir: string };
  /** `order.deadline_approaching`: how long before each kind of deadline, checked every `checkEveryMs`. */
  readonly deadlines: { readonly alertBeforeMs: { readonly acceptance: number; readonly shipping: number }; readonly checkEveryMs: number };
}
