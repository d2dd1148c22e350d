// Actions that need an operator (failed, needs_attention) with the marketplace's answer, or the
// ones in progress; retry (POST /v1/actions/{id}/retry) and cancel (POST /v1/actions/{id}/cancel).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get, query } from '../api.js';
import { Badge, href, Json, Loading, PageTitle, Problem, Time, useLoad } from '../ui.js';

const VIEWS = {
  attention: { label: 'Need attention', states: ['failed', 'needs_attention'] },
  pending: { label: 'In progress', states: ['queued', 'sending'] },
  done: { label: 'Done', states: ['succeeded', 'canceled'] },
};

export function Actions({ params }) {
  const view = VIEWS[params.view] ? params.view : 'attention';
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);
  const state = useLoad(() => get(`/v1/actions${query({ state: VIEWS[view].states, account: params.account, limit: 200 })}`), [view, params.account], { when: (event) => event === 'action' });
  const act = (a, verb) => async () => {
    setBusy(a.id);
    setError(null);
    try {
      await api(`/v1/actions/${encodeURIComponent(a.id)}/${verb}`, { method: 'POST' });
      await state.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const items = state.data?.items ?? [];
  return html`
    <${PageTitle}>Actions<//>
    <nav class="tabs" aria-label="Action views">
      ${Object.entries(VIEWS).map(([key, v]) => html`<a href=${href('/actions', { ...params, view: key })} aria-current=${key === view ? 'page' : undefined}>${v.label}</a>`)}
      ${params.account ? html`<span class="muted">account ${params.account} · <a href=${href('/actions', { view })}>all accounts</a></span>` : null}
    </nav>
    <${Problem} error=${error} />
    <${Loading} state=${state} />
    ${state.data && !items.length ? html`<p>Nothing here.</p>` : null}
    ${items.length ? html`<table class="actions">
      <thead><tr><th>Action</th><th>Order</th><th>Account</th><th>State</th><th>Attempts</th><th>Updated</th><th>Marketplace's answer</th><th><span class="sr-only">Operations</span></th></tr></thead>
      <tbody>${items.map((a) => html`<tr key=${a.id} data-action-id=${a.id} data-state=${a.state}>
        <td>${a.action}</td>
        <td>${a.order_id ? html`<a href=${href(`/orders/${encodeURIComponent(a.order_id)}`)}>${a.marketplace_order_id}</a>` : a.marketplace_order_id}</td>
        <td>${a.account}</td>
        <td><${Badge} value=${a.state} /></td>
        <td>${a.attempts}</td>
        <td><${Time} at=${a.updated_at} /></td>
        <td>${a.error ? html`<div class="error-text"><code>${a.error.code}</code> ${a.error.message}</div>` : null}
          ${a.result !== undefined && a.result !== null ? html`<details><summary>answer</summary><${Json} value=${a.result} /></details>` : null}</td>
        <td class="ops">
          ${['failed', 'needs_attention'].includes(a.state) ? html`<button type="button" disabled=${busy === a.id} onClick=${act(a, 'retry')}>Retry</button>` : null}
          ${['queued', 'failed', 'needs_attention'].includes(a.state) ? html`<button type="button" class="secondary" disabled=${busy === a.id} onClick=${act(a, 'cancel')}>Cancel</button>` : null}
        </td>
      </tr>`)}</tbody>
    </table>` : null}`;
}
