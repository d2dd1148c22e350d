/**
 * A minimal client of the simulated Octopia API (token, then calls with Bearer + SellerId), for
 * the simulator's own tests and benchmark. orderwire's connectors use engine/connector, not this.
 */
import { TOKEN_PATH } from './auth.ts';

export interface OctopiaClientOptions {
  baseUrl: string;
  credentials: Readonly<Record<string, string>>;
  /** On a 401, get a new token and retry once, as a connector does (default true). */
  refresh?: boolean;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON (undefined when the body is not JSON). */
  body: T;
}


async function read<T>(res: Response): Promise<CallResult<T>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

export class OctopiaClient {
  readonly baseUrl: string;
  readonly credentials: Readonly<Record<string, string>>;
  readonly refresh: boolean;
  #token: string | undefined;

  constructor(opts: OctopiaClientOptions) {
    this.baseUrl = opts.baseUrl;
    this.credentials = opts.credentials;
    this.refresh = opts.refresh ?? true;
  }

  async #send<T>(url: string, init: RequestInit, headers: Record<string, string | undefined>): Promise<CallResult<T>> {
    const res = await read<T>(await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await this.headers(headers)) } }));
    if (res.status !== 401 || !this.refresh || 'authorization' in headers) return res;
    this.forgetToken();
    return read<T>(await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await this.headers(headers)) } }));
  }

  /** POST the token form (form fields; `basic: true` sends the client in an Authorization header). */
  async requestToken(form: Record<string, string> = {}, opts: { basic?: boolean } = {}): Promise<CallResult<Record<string, unknown>>> {
    const { clientId = '', clientSecret = '' } = this.credentials;
    const fields = opts.basic
      ? { grant_type: 'client_credentials', ...form }
      : { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...form };
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    return read(await fetch(`${this.baseUrl}${TOKEN_PATH}`, { method: 'POST', headers, body: new URLSearchParams(fields) }));
  }

  async token(): Promise<string> {
    if (this.#token === undefined) {
      const res = await this.requestToken();
      if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
      this.#token = res.body.access_token as string;
    }
    return this.#token;
  }

  forgetToken(): void {
    this.#token = undefined;
  }

  async headers(extra: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
    const out: Record<string, string> = { authorization: `Bearer ${await this.token()}`, sellerid: this.credentials.sellerId ?? '' };
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  }

  /** GET /seller/v2{path}; `headers` overrides (undefined removes one). */
  async get<T = unknown>(path: string, query: Record<string, string | number> = {}, headers: Record<string, string | undefined> = {}): Promise<CallResult<T>> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return this.#send<T>(`${this.baseUrl}/seller/v2${path}${qs ? `?${qs}` : ''}`, {}, headers);
  }

  async post<T = unknown>(path: string, body: unknown, headers: Record<string, string | undefined> = {}): Promise<CallResult<T>> {
    return this.#send<T>(`${this.baseUrl}/seller/v2${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, headers);
  }

  /** Every page of GET /orders until the short page; returns the items in order. */
  async listAll<T = unknown>(query: Record<string, string | number> = {}, pageSize = 100): Promise<T[]> {
    const out: T[] = [];
    for (let pageIndex = 1; ; pageIndex++) {
      const res = await this.get<{ items: T[] }>('/orders', { ...query, pageSize, pageIndex });
      if (res.status !== 200) throw new Error(`GET /orders page ${pageIndex}: ${res.status} ${res.text}`);
      out.push(...res.body.items);
      if (res.body.items.length < pageSize) return out;
    }
  }
}
