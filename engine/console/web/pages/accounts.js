// Accounts at a glance: GET /v1/accounts (health, last sync and lag, last error, next poll,
// orders by status, actions waiting or failing), refreshed by live events and every 5 s.
import { html } from 'htm/preact';
import { get } from '../api.js';
import { Badge, href, Loading, PageTitle, relative, Time, useLoad } from '../ui.js';

function seconds(s) {
  if (s === null || s === undefined) return '—';
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

function AccountCard({ a }) {
  const waiting = (a.actions_by_state.queued ?? 0) + (a.actions_by_state.sending ?? 0);
  const failing = (a.actions_by_state.failed ?? 0) + (a.actions_by_state.needs_attention ?? 0);
  const h = a.health;
  return html`<section class=${`card account ${h.red ? 'red' : ''}`} aria-labelledby=${`acc-${a.id}`} data-account=${a.id} data-health=${h.state}>
    <header>
      <h2 id=${`acc-${a.id}`}>${a.id}</h2>
      <span class="muted">${a.channel_name} (${a.channel})</span>
      <${Badge} value=${h.state} />
    </header>
    ${h.reasons.length ? html`<ul class=${h.red ? 'reasons problem' : 'reasons'}>${h.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : null}
    <dl class="facts">
      <dt>Last successful sync</dt><dd><${Time} at=${h.last_successful_sync_at} rel /></dd>
      <dt>Lag</dt><dd>${seconds(h.lag_seconds)}</dd>
      <dt>Next poll</dt><dd>${a.polling ? html`<${Badge} value="syncing" label="polling now" />` : a.next_poll_at ? relative(a.next_poll_at) : '—'} <span class="muted">(every ${seconds(a.poll_every_seconds)})</span></dd>
      <dt>Last error</dt><dd>${h.last_error ? html`<span class="error-text">${h.last_error.code ? html`<code>${h.last_error.code}</code> ` : ''}${h.last_error.message}</span> <${Time} at=${h.last_error.at} rel />` : html`<span class="muted">none</span>`}</dd>
      ${a.budget_wait ? html`<dt>Budget</dt><dd>waiting for ${a.budget_wait.endpoint} until <${Time} at=${a.budget_wait.until} /></dd>` : null}
      <dt>Actions</dt>
      <dd>
        <a href=${href('/actions', { account: a.id, view: 'pending' })}>${waiting} waiting</a>${', '}<a class=${failing ? 'error-text' : ''} href=${href('/actions', { account: a.id })}>${failing} failing</a>
      </dd>
    </dl>
    <h3>Orders (${a.orders_total})</h3>
    <ul class="counts">
      ${Object.entries(a.orders_by_status).map(([status, n]) => html`<li><a href=${href('/orders', { account: a.id, status })}><${Badge} value=${status} /> ${n}</a></li>`)}
    </ul>
  </section>`;
}

export function Accounts() {
  const state = useLoad(() => get('/v1/accounts'), [], { when: () => true, every: 5000 });
  const items = state.data?.items ?? [];
  return html`
    <${PageTitle}>Accounts<//>
    <${Loading} state=${state} />
    ${state.data && !items.length ? html`<p>This token sees no configured account.</p>` : null}
    <div class="cards">${items.map((a) => html`<${AccountCard} key=${a.id} a=${a} />`)}</div>`;
}
