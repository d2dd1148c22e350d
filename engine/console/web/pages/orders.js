// Orders: GET /v1/orders with filters (account, channel, status, marketplace status, acknowledged,
// delivered by the marketplace, next step due), search by marketplace order id, stable cursor paging, and bulk
// accept or refuse of the selected orders (one POST /v1/orders/{id}/actions each).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get, query } from '../api.js';
import { ActionForm } from '../action-form.js';
import { Badge, href, Loading, money, PageTitle, Time, useLoad } from '../ui.js';

/** The normalized statuses, as the API declares them (its OpenAPI document: the orders' `status` filter). */
async function orderStatuses() {
  const doc = await get('/openapi.json');
  return doc.paths['/v1/orders'].get.parameters.find((p) => p.name === 'status' && p.in === 'query').schema.enum;
}
const PAGE = 25;

function go(params) {
  location.hash = href('/orders', params);
}

function Filters({ params, accounts, channels, statuses }) {
  const [search, setSearch] = useState(params.marketplace_order_id ?? '');
  const set = (key) => (e) => go({ ...params, [key]: e.currentTarget.value, after: undefined, back: undefined });
  const select = (key, label, options) => html`<div class="filter">
    <label for=${`f-${key}`}>${label}</label>
    <select id=${`f-${key}`} value=${params[key] ?? ''} onChange=${set(key)}>
      <option value="">Any</option>
      ${options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
    </select></div>`;
  return html`<form class="filters" role="search" aria-label="Filter orders" onSubmit=${(e) => { e.preventDefault(); go({ ...params, marketplace_order_id: search.trim(), after: undefined, back: undefined }); }}>
    ${select('account', 'Account', accounts.map((a) => [a.id, a.id]))}
    ${select('channel', 'Channel', channels.map((c) => [c.id, c.name]))}
    ${select('status', 'Status', statuses.map((s) => [s, s.replaceAll('_', ' ')]))}
    <div class="filter"><label for="f-marketplace_status">Marketplace status</label>
      <input id="f-marketplace_status" value=${params.marketplace_status ?? ''} onChange=${set('marketplace_status')} placeholder="exactly, e.g. SHIPPING" /></div>
    ${select('acknowledged', 'Acknowledged', [['true', 'Yes'], ['false', 'No (new for the back office)']])}
    ${select('changed_since_ack', 'Changed since acknowledged', [['true', 'Yes']])}
    ${select('delivered_by_marketplace', 'Fulfilled by marketplace', [['true', 'Yes'], ['false', 'No']])}
    ${select('due', 'Next step due', [['0', 'Overdue'], ['24', 'Within 24 hours'], ['48', 'Within 48 hours']])}
    <div class="filter search"><label for="f-search">Marketplace order id</label>
      <input id="f-search" type="search" value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} placeholder="exact id" />
      <button type="submit">Search</button></div>
  </form>`;
}

/** Bulk accept or refuse: one form per channel among the selection, then one request per order. */
function Bulk({ action, orders, descriptions, onDone, onClose }) {
  const [results, setResults] = useState({});
  const byChannel = {};
  for (const o of orders) (byChannel[o.channel] ??= []).push(o);
  return html`<section class="bulk card" aria-labelledby="bulk-title">
    <h2 id="bulk-title">${action === 'accept' ? 'Accept' : 'Refuse'} ${orders.length} order(s)</h2>
    ${Object.entries(byChannel).map(([channel, list]) => {
      const d = descriptions.get(channel);
      const status = list[0].status;
      const spec = d?.actions?.[action]?.by_status?.[status];
      const mixed = list.some((o) => o.status !== status);
      if (!spec || mixed) return html`<p class="problem">${channel}: ${action} is not allowed for ${mixed ? 'orders in different statuses' : `status ${status}`}; select orders in one status where the channel allows it.</p>`;
      const submit = async (data, lines) => {
        const out = {};
        for (const o of list) {
          try {
            const { data: a } = await api(`/v1/orders/${encodeURIComponent(o.id)}/actions`, {
              method: 'POST',
              headers: { 'idempotency-key': `console-bulk-${crypto.randomUUID()}` },
              body: { action, ...(Object.keys(data).length && { data }), ...(lines && { lines }) },
            });
            out[o.id] = { ok: true, state: a.state };
          } catch (err) {
            out[o.id] = { ok: false, error: err };
          }
          setResults((r) => ({ ...r, ...out }));
        }
        onDone();
        const failed = Object.values(out).filter((r) => !r.ok);
        if (failed.length === list.length) throw failed[0].error;
      };
      return html`<div>
        <${ActionForm} idPrefix=${`bulk-${channel}`} name=${action} label=${`${d.actions[action].label} on ${list.length} ${d.name} order(s)`} spec=${spec} onSubmit=${submit}
          submitLabel=${`${action === 'accept' ? 'Accept' : 'Refuse'} ${list.length} order(s)`} />
        <ul class="bulk-results" aria-live="polite">${list.filter((o) => results[o.id]).map((o) => html`<li>
          ${o.marketplace_order_id}: ${results[o.id].ok ? html`<${Badge} value=${results[o.id].state} />` : html`<span class="error-text"><code>${results[o.id].error.code}</code> ${results[o.id].error.message}</span>`}</li>`)}</ul>
      </div>`;
    })}
    <button type="button" class="link" onClick=${onClose}>Close</button>
  </section>`;
}

export function Orders({ params }) {
  const [selected, setSelected] = useState(new Set());
  const [bulk, setBulk] = useState(null);
  const meta = useLoad(async () => {
    const [accounts, channels, statuses] = await Promise.all([get('/v1/accounts'), get('/v1/channels'), orderStatuses()]);
    return { accounts: accounts.items, channels: channels.items, statuses, descriptions: new Map(channels.items.map((c) => [c.id, c])) };
  }, []);
  const filter = {
    account: params.account, channel: params.channel, status: params.status, marketplace_status: params.marketplace_status,
    acknowledged: params.acknowledged, changed_since_ack: params.changed_since_ack, delivered_by_marketplace: params.delivered_by_marketplace,
    marketplace_order_id: params.marketplace_order_id,
    // due_before: the deadline of the next step (acceptance, then shipping) before now + N hours.
    due_before: params.due ? new Date(Date.now() + Number(params.due) * 3_600_000).toISOString() : undefined,
  };
  const list = useLoad(() => get(`/v1/orders${query({ ...filter, limit: PAGE, after: params.after })}`), [JSON.stringify(params)], { when: (event) => event === 'order' });
  const items = list.data?.items ?? [];
  const chosen = items.filter((o) => selected.has(o.id));
  const toggle = (id, on) => setSelected((s) => {
    const n = new Set(s);
    if (on) n.add(id);
    else n.delete(id);
    return n;
  });
  // Previous pages: the cursors walked so far, kept in the URL so Back works.
  const back = params.back ? params.back.split(',') : [];
  const next = () => go({ ...params, after: list.data.next, back: [...back, params.after ?? ''].join(',') });
  const previous = () => go({ ...params, after: back.at(-1) || undefined, back: back.slice(0, -1).join(',') || undefined });
  return html`
    <${PageTitle}>Orders<//>
    ${meta.data ? html`<${Filters} params=${params} accounts=${meta.data.accounts} channels=${meta.data.channels} statuses=${meta.data.statuses} />` : html`<${Loading} state=${meta} />`}
    <div class="toolbar" role="toolbar" aria-label="Selected orders">
      <span>${chosen.length} selected</span>
      <button type="button" data-bulk="accept" disabled=${!chosen.length} onClick=${() => setBulk('accept')}>Accept selected</button>
      <button type="button" data-bulk="refuse" disabled=${!chosen.length} onClick=${() => setBulk('refuse')}>Refuse selected</button>
    </div>
    ${bulk && meta.data ? html`<${Bulk} key=${bulk} action=${bulk} orders=${chosen} descriptions=${meta.data.descriptions} onDone=${list.reload}
      onClose=${() => { setBulk(null); setSelected(new Set()); }} />` : null}
    <${Loading} state=${list} />
    ${list.data ? html`<table class="orders">
      <caption class="sr-only">Orders, in the order of their last change</caption>
      <thead><tr>
        <th><input type="checkbox" aria-label="Select all on this page" checked=${items.length > 0 && chosen.length === items.length}
          onChange=${(e) => setSelected(e.currentTarget.checked ? new Set(items.map((o) => o.id)) : new Set())} /></th>
        <th>Marketplace order</th><th>Account</th><th>Status</th><th>Marketplace status</th><th>Total</th><th>Created</th><th>Acknowledged</th>
      </tr></thead>
      <tbody>${items.map((o) => html`<tr key=${o.id} data-order=${o.marketplace_order_id} data-status=${o.status}>
        <td><input type="checkbox" aria-label=${`Select ${o.marketplace_order_id}`} checked=${selected.has(o.id)} onChange=${(e) => toggle(o.id, e.currentTarget.checked)} /></td>
        <td><a href=${href(`/orders/${encodeURIComponent(o.id)}`)}>${o.marketplace_order_id}</a></td>
        <td>${o.account}</td>
        <td><${Badge} value=${o.status} /></td>
        <td><code>${o.marketplace_status}</code></td>
        <td class="num">${money(o.totals?.total, o.currency)}</td>
        <td><${Time} at=${o.created_at} /></td>
        <td>${o.acknowledgement?.acknowledged_version ? o.acknowledgement.reference : html`<span class="muted">no</span>`}</td>
      </tr>`)}</tbody>
    </table>
    ${!items.length ? html`<p>No order matches these filters.</p>` : null}
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled=${!params.after} onClick=${previous}>Previous page</button>
      <button type="button" disabled=${!list.data.next} onClick=${next}>Next page</button>
    </nav>` : null}`;
}
