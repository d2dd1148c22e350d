/**
 * Authentication strategies: how a request proves who the seller is. Selected by the platform
 * file's `auth.type` from the table in ./index.ts.
 */

/** A request as it goes on the wire, for strategies that sign it (hmac_signature). */
export interface SignedRequest {
  method: string;
  /** The absolute URL with its query string, exactly as sent. */
  url: string;
  /** The body's text exactly as sent, '' when there is none. */
  body: string;
}

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
  /**
   * Whether the headers depend on the request itself (a signature over its method, URL and
   * body): the HTTP client then passes each request as it goes on the wire.
   */
  signs?: boolean;
  /** Headers to send with the next request (fetches a token when needed, signs `request`). */
  headers(signal?: AbortSignal, request?: SignedRequest): Promise<Record<string, string>>;
  /**
   * The marketplace answered 401. Returns true when fresh credentials may help (a cached token
   * was dropped and will be fetched again): the client then repeats the request once.
   */
  invalidate(): boolean;
  /** Secret values to redact from every message (credentials in use, the current token). */
  secrets(): string[];
}

export type AuthFactory<Spec> = (spec: Spec, ctx: AuthContext) => AuthStrategy;
