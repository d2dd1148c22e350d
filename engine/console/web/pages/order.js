// One order: GET /v1/orders/{id}?include=raw (lines, addresses, totals, documents and invoice
// status, history, payload, acknowledgement), its actions (GET /v1/actions?marketplace_order_id=),
// and a form for each action its channel allows in its current status (GET /v1/channels/{channel}).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, download, get, onLive, query } from '../api.js';
import { ActionForm } from '../action-form.js';
import { Badge, href, Json, Loading, money, PageTitle, Problem, Time, useLoad } from '../ui.js';

// htm drops whitespace that spans a line break: a separator starting a template line is spelled out.
const SEP = ' · ';
const FINAL = ['succeeded', 'failed', 'needs_attention', 'canceled'];

function Address({ title, a }) {
  if (!a) return null;
  return html`<div><h3>${title}</h3><address>
    ${[a.name, a.company, a.street_1 ?? a.street, a.street_2, [a.zip_code, a.city].filter(Boolean).join(' '), a.state, a.country, a.phone].filter(Boolean).map((l) => html`${l}<br />`)}
  </address></div>`;
}

/** A queued action's progress until the marketplace answers (live events, and a poll as a fallback). */
export function ActionProgress({ initial, onDone }) {
  const [action, setAction] = useState(initial);
  useEffect(() => {
    if (FINAL.includes(action.state)) return undefined;
    let stop = false;
    const off = onLive((event, data) => {
      if (event === 'action' && data.id === action.id) setAction(data);
    });
    const poll = setInterval(async () => {
      try {
        const fresh = await get(`/v1/actions/${encodeURIComponent(action.id)}`);
        if (!stop) setAction(fresh);
      } catch { /* the next poll or live event will tell */ }
    }, 2000);
    return () => {
      stop = true;
      off();
      clearInterval(poll);
    };
  }, [action.id, FINAL.includes(action.state)]);
  useEffect(() => {
    if (FINAL.includes(action.state)) onDone?.(action);
  }, [action.state]);
  const steps = ['queued', 'sending', FINAL.includes(action.state) ? action.state : 'succeeded'];
  return html`<div class="progress" role="status" aria-live="polite" data-action-id=${action.id} data-state=${action.state}>
    <strong>${action.action}</strong>:
    <ol>${steps.map((s) => html`<li class=${s === action.state ? 'current' : ''}><${Badge} value=${s} /></li>`)}</ol>
    ${action.attempts ? html`<span class="muted">${action.attempts} attempt(s)</span>` : null}
    ${action.error ? html`<p class="error-text"><code>${action.error.code}</code> ${action.error.message}</p>` : null}
    ${action.state === 'succeeded' ? html`<p>The marketplace accepted it.</p>` : null}
  </div>`;
}

function ActionsOfOrder({ order, description, onQueued }) {
  const status = order.status;
  const names = description.allowed_actions?.[status] ?? [];
  if (!names.length) return html`<p class="muted">${description.name} allows no action at <code>${status}</code>.</p>`;
  const submit = (name) => async (data, lines) => {
    const { data: action } = await api(`/v1/orders/${encodeURIComponent(order.id)}/actions`, {
      method: 'POST',
      headers: { 'idempotency-key': `console-${crypto.randomUUID()}` },
      body: { action: name, ...(Object.keys(data).length && { data }), ...(lines && { lines }) },
    });
    onQueued(action);
  };
  return html`
    <div class="forms">
      ${names.map((name) => {
        const action = description.actions[name];
        return html`<${ActionForm} key=${`${name}-${status}`} idPrefix="order" name=${name} label=${action.label ?? name}
          spec=${action.by_status[status]} lines=${order.lines} onSubmit=${submit(name)} />`;
      })}
    </div>`;
}

function size(bytes) {
  if (bytes === null || bytes === undefined) return '';
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const INVOICE = { none: 'no invoice', uploading: 'invoice uploading', uploaded: 'invoice uploaded', rejected: 'invoice rejected' };

/** The order's documents (the marketplace's, once downloaded; the invoices uploaded) and its invoice status. */
function Documents({ order }) {
  const [error, setError] = useState(null);
  const docs = order.documents ?? [];
  const invoice = order.invoice;
  const save = (doc) => async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await download(doc.url, doc.file_name);
    } catch (err) {
      setError(err);
    }
  };
  return html`<section aria-labelledby="docs"><h2 id="docs">Documents</h2>
    ${invoice ? html`<p data-invoice=${invoice.status}><${Badge} value=${invoice.status === 'none' ? 'muted' : invoice.status} label=${INVOICE[invoice.status] ?? invoice.status} />
      ${invoice.marketplace_has_invoice !== undefined ? html` <span class="muted">the marketplace ${invoice.marketplace_has_invoice ? 'has' : 'has no'} invoice</span>` : null}</p>` : null}
    ${docs.length ? html`<table><thead><tr><th>Document</th><th>From</th><th>File</th><th>Size</th><th>Type</th><th></th></tr></thead>
      <tbody>${docs.map((d) => html`<tr data-document=${d.id ?? d.marketplace_document_id}>
        <td><code>${d.type}</code></td>
        <td>${d.source === 'upload' ? html`uploaded (<${Badge} value=${d.action_state} />)` : 'the marketplace'}</td>
        <td>${d.file_name ?? ''}</td><td>${size(d.size)}</td><td>${d.content_type ?? ''}</td>
        <td>${d.url ? html`<a href=${d.url} onClick=${save(d)}>Download</a>` : html`<span class="muted">not downloaded yet</span>`}</td></tr>`)}</tbody></table>`
      : html`<p class="muted">No documents.</p>`}
    <${Problem} error=${error} />
  </section>`;
}

function Acknowledgement({ order, onChanged }) {
  const [reference, setReference] = useState('');
  const [error, setError] = useState(null);
  const ack = order.acknowledgement;
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api(`/v1/orders/${encodeURIComponent(order.id)}/acknowledgement`, { method: 'PUT', body: { reference, version: order.version } });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section aria-labelledby="ack">
    <h2 id="ack">Acknowledgement</h2>
    ${ack?.acknowledged_version ? html`<p>Acknowledged as <strong>${ack.reference}</strong> at version ${ack.acknowledged_version} (<${Time} at=${ack.acknowledged_at} />)${ack.acknowledged_version < order.version ? html` — <${Badge} value="waiting_acceptance" label="changed since" /> (now version ${order.version})` : ''}.</p>` : html`<p>Not acknowledged by the back office yet.</p>`}
    ${ack?.import_error ? html`<p class="error-text">Import error: ${ack.import_error} (<${Time} at=${ack.import_error_at} />)</p>` : null}
    <form class="inline-form" onSubmit=${submit}>
      <label for="ack-ref">Reference</label>
      <input id="ack-ref" value=${reference} onInput=${(e) => setReference(e.currentTarget.value)} required />
      <button type="submit">Acknowledge version ${order.version}</button>
    </form>
    <${Problem} error=${error} />
  </section>`;
}

export function Order({ id }) {
  // Actions submitted from this page: their progress stays shown while the order changes under it.
  const [queued, setQueued] = useState([]);
  const state = useLoad(async () => {
    const order = await get(`/v1/orders/${encodeURIComponent(id)}?include=raw`);
    const [description, actions] = await Promise.all([
      get(`/v1/channels/${encodeURIComponent(order.channel)}`),
      get(`/v1/actions${query({ account: order.account, marketplace_order_id: order.marketplace_order_id, limit: 50 })}`),
    ]);
    return { order, description, actions: actions.items };
  }, [id], { when: (event, data) => data.order_id === id });
  if (!state.data) return html`<${PageTitle}>Order<//><${Loading} state=${state} />`;
  const { order, description, actions } = state.data;
  const t = order.totals ?? {};
  return html`
    <p class="crumbs"><a href=${href('/orders', { account: order.account })}>Orders</a> › ${order.account}</p>
    <${PageTitle}>Order ${order.marketplace_order_id}<//>
    <p class="summary">
      <${Badge} value=${order.status} /> <span class="muted">marketplace status</span> <code>${order.marketplace_status}</code>
      ${SEP}${order.channel} · ${order.account} · version ${order.version}
      ${SEP}created <${Time} at=${order.created_at} /> · updated <${Time} at=${order.updated_at} />
      ${order.delivered_by_marketplace ? html` · <${Badge} value="info" label="fulfilled by the marketplace" />` : null}
    </p>
    <section aria-labelledby="act"><h2 id="act">Actions allowed now</h2>
      ${queued.map((a) => html`<${ActionProgress} key=${a.id} initial=${a} onDone=${state.reload} />`)}
      <${ActionsOfOrder} key=${`${order.status}-${order.version}`} order=${order} description=${description}
        onQueued=${(action) => setQueued((q) => [action, ...q.filter((a) => a.id !== action.id)])} />
    </section>
    <section aria-labelledby="lines"><h2 id="lines">Lines</h2>
      <table><thead><tr><th>Line</th><th>SKU</th><th>Title</th><th>Qty</th><th>Unit price</th><th>Shipping</th><th>Status</th></tr></thead>
      <tbody>${order.lines.map((l) => html`<tr><td>${l.id}</td><td>${l.sku}</td><td>${l.title ?? ''}</td><td>${l.quantity}</td><td>${money(l.unit_price, order.currency)}</td><td>${money(l.shipping_price, order.currency)}</td><td><${Badge} value=${l.status} /> <code>${l.marketplace_status}</code></td></tr>`)}</tbody></table>
      <p class="totals">Items ${money(t.items, order.currency)} · shipping ${money(t.shipping, order.currency)} · taxes ${money(t.taxes, order.currency)} · <strong>total ${money(t.total, order.currency)}</strong></p>
    </section>
    <section class="two" aria-label="Buyer and addresses">
      <div><h3>Buyer</h3><p>${[order.buyer?.first_name, order.buyer?.last_name].filter(Boolean).join(' ') || '—'}<br />${order.buyer?.email ?? ''}</p></div>
      <${Address} title="Shipping address" a=${order.shipping_address} />
      <${Address} title="Billing address" a=${order.billing_address} />
      ${order.tracking ? html`<div><h3>Tracking</h3><p>${order.tracking.carrier_name ?? order.tracking.carrier_code} ${order.tracking.number}${order.tracking.url ? html` <a href=${order.tracking.url} rel="noreferrer noopener" target="_blank">track</a>` : ''}</p></div>` : null}
    </section>
    <${Documents} order=${order} />
    <${Acknowledgement} order=${order} onChanged=${state.reload} />
    <section aria-labelledby="hist"><h2 id="hist">Status history</h2>
      <table><thead><tr><th>When</th><th>Event</th><th>From</th><th>To</th></tr></thead>
      <tbody>${(order.history ?? []).map((h) => html`<tr><td><${Time} at=${h.at} /></td><td>${h.type}${h.line_id ? ` (line ${h.line_id})` : ''}</td>
        <td>${h.from_status ? html`<${Badge} value=${h.from_status} /> <code>${h.from_marketplace_status}</code>` : ''}</td>
        <td>${h.to_status ? html`<${Badge} value=${h.to_status} /> <code>${h.to_marketplace_status}</code>` : ''}</td></tr>`)}</tbody></table>
    </section>
    <section aria-labelledby="acts"><h2 id="acts">Actions on this order</h2>
      ${actions.length ? html`<table><thead><tr><th>Action</th><th>State</th><th>Attempts</th><th>Created</th><th>Answer</th></tr></thead>
      <tbody>${actions.map((a) => html`<tr><td>${a.action}</td><td><${Badge} value=${a.state} /></td><td>${a.attempts}</td><td><${Time} at=${a.created_at} /></td>
        <td>${a.error ? html`<code>${a.error.code}</code> ${a.error.message}` : a.result !== undefined ? html`<details><summary>marketplace answer</summary><${Json} value=${a.result} /></details>` : ''}</td></tr>`)}</tbody></table>` : html`<p class="muted">None yet.</p>`}
    </section>
    <section aria-labelledby="raw"><h2 id="raw">Marketplace payload</h2>
      <details><summary>Raw order as received from ${order.channel}</summary><${Json} value=${order.raw} /></details>
    </section>`;
}
