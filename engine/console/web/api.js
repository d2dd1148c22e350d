// The console's only way to the daemon: the public /v1 API, with the token in the Authorization
// header (kept in this tab's sessionStorage, never in a URL), and the live stream read with fetch.
const TOKEN_KEY = 'orderwire.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An error answer of the API: its problem document (status, code, detail, errors). */
export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code;
  }
}

const signedOut = new Set();
/** Called when the API answers 401: the token is wrong or was revoked. */
export function onSignedOut(listener) {
  signedOut.add(listener);
  return () => signedOut.delete(listener);
}

export async function api(path, { method = 'GET', body, headers = {}, authToken } = {}) {
  const bearer = authToken ?? token.get();
  const res = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(bearer && { authorization: `Bearer ${bearer}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const problem = data && typeof data === 'object' ? data : { status: res.status, title: res.statusText, detail: text };
    if (res.status === 401 && !authToken) for (const l of signedOut) l(problem);
    throw new ApiError({ status: res.status, ...problem });
  }
  return { status: res.status, data, headers: res.headers };
}

export const get = async (path) => (await api(path)).data;

/**
 * Saves a document the API serves (GET /v1/documents/{id}) under its file name. A plain link
 * cannot carry the token (it is never put in a URL): the bytes are fetched with it, then handed
 * to the browser's download.
 */
export async function download(path, fileName) {
  const bearer = token.get();
  const res = await fetch(path, { headers: { ...(bearer && { authorization: `Bearer ${bearer}` }) } });
  if (!res.ok) {
    const problem = await res.json().catch(() => ({ status: res.status, title: res.statusText }));
    throw new ApiError({ status: res.status, ...problem });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName || 'document' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `?a=1&b=2` from an object, leaving out empty values (arrays repeat the key). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const listeners = new Set();
const statusListeners = new Set();
let streamState = 'off';

/** Live events from GET /v1/stream: `order` and `action` (see engine/api/stream.ts). */
export function onLive(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onStreamState(listener) {
  statusListeners.add(listener);
  listener(streamState);
  return () => statusListeners.delete(listener);
}

function setStreamState(state) {
  streamState = state;
  for (const l of statusListeners) l(state);
}

/**
 * Reads the stream until `signal` aborts, reconnecting after a drop with Last-Event-ID so no
 * order event is missed. EventSource cannot send the Authorization header, hence fetch.
 */
export async function runStream(signal) {
  let lastId;
  while (!signal.aborted) {
    try {
      setStreamState('connecting');
      const res = await fetch('/v1/stream', {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token.get()}`, ...(lastId && { 'last-event-id': lastId }) },
        signal,
      });
      if (res.status === 401) {
        for (const l of signedOut) l({ status: 401 });
        return;
      }
      if (!res.ok) throw new Error(`stream: HTTP ${res.status}`);
      setStreamState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const frame = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'id') lastId = val;
            else if (name === 'event') frame.event = val;
            else if (name === 'data') frame.data += val;
          }
          if (!frame.data) continue;
          const data = JSON.parse(frame.data);
          for (const l of listeners) l(frame.event, data);
        }
      }
    } catch (err) {
      if (signal.aborted) break;
      console.warn('live stream dropped; reconnecting', err);
    }
    if (signal.aborted) break;
    setStreamState('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  setStreamState('off');
}
