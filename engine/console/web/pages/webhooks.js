// Webhook endpoints (GET/POST/DELETE /v1/webhooks) and each one's delivery log
// (GET /v1/webhooks/{id}/deliveries). The signing secret is shown once, at creation.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get, query } from '../api.js';
import { Badge, href, Loading, PageTitle, Problem, Time, useLoad } from '../ui.js';

const EVENTS = ['order.created', 'order.status_changed', 'action.succeeded', 'action.failed'];

function Deliveries({ id }) {
  const state = useLoad(() => get(`/v1/webhooks/${encodeURIComponent(id)}/deliveries${query({ limit: 50 })}`), [id], { every: 5000 });
  const items = state.data?.items ?? [];
  return html`<section aria-labelledby="log-title"><h2 id="log-title">Delivery log</h2>
    <${Loading} state=${state} />
    ${state.data && !items.length ? html`<p class="muted">No delivery yet.</p>` : null}
    ${items.length ? html`<table><thead><tr><th>Event</th><th>Type</th><th>State</th><th>Attempts</th><th>Last answer</th><th>Last attempt</th><th>Next attempt</th></tr></thead>
      <tbody>${items.map((d) => html`<tr data-state=${d.state}><td><code>${d.event_id}</code></td><td>${d.event_type}</td><td><${Badge} value=${d.state} /></td><td>${d.attempts}</td>
        <td>${d.last_status ? `HTTP ${d.last_status}` : ''} ${d.last_error ? html`<span class="error-text">${d.last_error}</span>` : ''}</td>
        <td><${Time} at=${d.last_attempt_at} /></td><td>${d.state === 'pending' ? html`<${Time} at=${d.next_attempt_at} rel />` : ''}</td></tr>`)}</tbody></table>` : null}
  </section>`;
}

function Create({ onCreated }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState(EVENTS);
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const { data } = await api('/v1/webhooks', { method: 'POST', body: { url, events, ...(description && { description }) } });
      setCreated(data);
      setUrl('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card" onSubmit=${submit} novalidate>
    <h2>Add an endpoint</h2>
    <div class="field"><label for="wh-url">URL</label><input id="wh-url" type="url" value=${url} onInput=${(e) => setUrl(e.currentTarget.value)} placeholder="https://erp.example.com/hooks/orderwire" /></div>
    <div class="field"><label for="wh-desc">Description <span class="muted">(optional)</span></label><input id="wh-desc" value=${description} onInput=${(e) => setDescription(e.currentTarget.value)} /></div>
    <fieldset><legend>Events</legend>${EVENTS.map((ev) => html`<label class="inline"><input type="checkbox" checked=${events.includes(ev)}
      onChange=${(e) => setEvents((s) => (e.currentTarget.checked ? [...s, ev] : s.filter((x) => x !== ev)))} /> ${ev}</label>`)}</fieldset>
    <button type="submit">Add endpoint</button>
    <${Problem} error=${error} />
    ${created ? html`<div class="secret" role="status"><strong>Signing secret (shown once):</strong> <code>${created.secret}</code></div>` : null}
  </form>`;
}

export function Webhooks({ params }) {
  const [error, setError] = useState(null);
  const state = useLoad(() => get('/v1/webhooks'), []);
  const remove = (id) => async () => {
    if (!confirm('Delete this endpoint? Its pending deliveries are dropped.')) return;
    try {
      await api(`/v1/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE' });
      state.reload();
    } catch (err) {
      setError(err);
    }
  };
  const items = state.data?.items ?? [];
  return html`
    <${PageTitle}>Webhooks<//>
    <${Problem} error=${error} />
    <${Loading} state=${state} />
    ${state.data && !items.length ? html`<p>No endpoint: back offices poll the API, or add one below.</p>` : null}
    ${items.length ? html`<table><thead><tr><th>URL</th><th>Accounts</th><th>Events</th><th>Created</th><th><span class="sr-only">Operations</span></th></tr></thead>
      <tbody>${items.map((w) => html`<tr aria-current=${params.id === w.id ? 'true' : undefined}>
        <td><a href=${href('/webhooks', { id: w.id })}>${w.url}</a>${w.description ? html`<div class="muted">${w.description}</div>` : null}</td>
        <td>${w.accounts.join(', ')}</td><td>${w.events.join(', ')}</td><td><${Time} at=${w.created_at} /></td>
        <td><button type="button" class="secondary" onClick=${remove(w.id)}>Delete</button></td></tr>`)}</tbody></table>` : null}
    ${params.id ? html`<${Deliveries} id=${params.id} />` : null}
    <${Create} onCreated=${state.reload} />`;
}
