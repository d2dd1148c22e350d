// Small shared pieces: data loading hooks, status badges, times, problems, hash routing.
import { html } from 'htm/preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { onLive } from './api.js';

/** Loads `fn()` now, again when `deps` change, on `reload()`, and on live events `when(event, data)` accepts. */
export function useLoad(fn, deps, { when, every } = {}) {
  const [state, setState] = useState({ loading: true, data: undefined, error: undefined });
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const data = await fnRef.current();
      if (mine === seq.current) setState({ loading: false, data, error: undefined });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ loading: false, data: s.data, error }));
    }
  }, []);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    reload();
  }, deps);
  useEffect(() => {
    if (!when) return undefined;
    let timer;
    const off = onLive((event, data) => {
      if (!when(event, data)) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 250);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, deps);
  useEffect(() => {
    if (!every) return undefined;
    const timer = setInterval(reload, every);
    return () => clearInterval(timer);
  }, deps);
  return { ...state, reload };
}

export function useHashRoute() {
  const read = () => {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, search = ''] = hash.split('?');
    return { path, params: Object.fromEntries(new URLSearchParams(search)) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function href(path, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

const TONE = {
  healthy: 'ok', succeeded: 'ok', delivered: 'ok', shipped: 'ok', closed: 'ok', accepted: 'ok',
  syncing: 'info', queued: 'info', sending: 'info', pending: 'info', waiting_acceptance: 'warn', waiting_shipment: 'info', new: 'info',
  never_synced: 'muted', disabled: 'muted', canceled: 'muted', refunded: 'muted',
  uploaded: 'ok', uploading: 'info', rejected: 'bad',
  lagging: 'bad', failing: 'bad', blocked: 'bad', failed: 'bad', needs_attention: 'bad', dead: 'bad', refused: 'muted', unknown: 'bad', refunding: 'info',
};

export function Badge({ value, label }) {
  return html`<span class=${`badge badge-${TONE[value] ?? 'muted'}`} data-value=${value}>${label ?? String(value).replaceAll('_', ' ')}</span>`;
}

export function relative(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 86400 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return s < 0 ? `${text} ago` : `in ${text}`;
}

export function Time({ at, rel = false }) {
  if (!at) return html`<span class="muted">—</span>`;
  const full = new Date(at).toLocaleString();
  return html`<time datetime=${at} title=${full}>${rel ? relative(at) : full}</time>`;
}

export function money(amount, currency) {
  if (typeof amount !== 'number') return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'EUR' }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency ?? ''}`;
  }
}

/** An API error as the operator should see it: the detail, then every field error with its code. */
export function Problem({ error }) {
  if (!error) return null;
  const p = error.problem ?? { detail: error.message };
  return html`<div class="problem" role="alert">
    <strong>${p.title ?? 'Error'}${p.code ? html` <code>${p.code}</code>` : ''}</strong>
    <div>${p.detail}</div>
    ${p.errors?.length ? html`<ul>${p.errors.map((e) => html`<li><code>${e.field}</code> <code>${e.code}</code> ${e.message}${e.suggestion ? html` <em>(${e.suggestion})</em>` : ''}</li>`)}</ul>` : null}
  </div>`;
}

export function Loading({ state }) {
  if (state.error && !state.data) return html`<${Problem} error=${state.error} />`;
  if (state.loading && !state.data) return html`<p class="muted" aria-live="polite">Loading…</p>`;
  return null;
}

/**
 * A page's title, focused when the page opens so keyboard and screen-reader users start there.
 * Focused in a layout effect, in the same task as the render, so no keystroke can land in between;
 * and never taken from a field of this page the person (or a password manager) already focused.
 */
export function PageTitle({ children }) {
  const ref = useRef(null);
  useLayoutEffect(() => {
    document.title = `${typeof children === 'string' ? children : 'orderwire'} · orderwire console`;
    const heading = ref.current;
    const active = document.activeElement;
    if (!heading || (active && active !== document.body && heading.closest('main')?.contains(active))) return;
    heading.focus();
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

export function Json({ value }) {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}
