/**
 * Authentication strategies: how a request proves who the seller is. Selected by the platform
 * file's `auth.type` from the table in ./index.ts.
 */

/** A form POST without authentication, used to fetch tokens (provided by the HTTP client). */
export type PostForm = (
  url: string,
  form: Record<string, string>,
  signal?: AbortSignal,
  headers?: Readonly<Record<string, string>>,
) => Promise<{ status: number; body: unknown; retryAfterMs?: number; message?: string }>;

export interface AuthContext {
  /** The account's resolved credentials (never logged). */
  credentials: Readonly<Record<string, string>>;
  /** Root that token paths are appended to: the account's auth URL, else its API base URL. */
  baseUrl: string;
  postForm: PostForm;
  now?: () => number;
}

export interface AuthStrategy {
  /** Headers to send with the next request (fetches a token when needed). */
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  /**
   * The marketplace answered 401. Returns true when fresh credentials may help (a cached token
   * was dropped and will be fetched again): the client then repeats the request once.
   */
  invalidate(): boolean;
  /** Secret values to redact from every message (credentials in use, the current token). */
  secrets(): string[];
}

export type AuthFactory<Spec> = (spec: Spec, ctx: AuthContext) => AuthStrategy;
