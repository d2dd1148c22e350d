// The channel library (GET /v1/channels) and each channel's generated documentation with its
// state diagram (GET /v1/channels/{id}/doc).
import { html } from 'htm/preact';
import { get } from '../api.js';
import { Diagram, Markdown } from '../markdown.js';
import { href, Loading, PageTitle, useLoad } from '../ui.js';

export function Channels() {
  const state = useLoad(() => get('/v1/channels'), []);
  return html`
    <${PageTitle}>Channels<//>
    <p>The channel files this daemon loaded. Each one is the whole integration of a marketplace: statuses, retrieval windows, and the actions allowed in each status.</p>
    <${Loading} state=${state} />
    <div class="cards">${(state.data?.items ?? []).map((c) => html`<section class="card" key=${c.id} data-channel=${c.id}>
      <h2><a href=${href(`/channels/${encodeURIComponent(c.id)}`)}>${c.name}</a></h2>
      <p class="muted">${c.id} · platform ${c.platform} · ${Object.keys(c.statuses).length} statuses · ${Object.keys(c.actions).length} actions</p>
      <p>Polled every ${c.retrieval.incremental.every}, caught up every ${c.retrieval.catch_up.every} over ${c.retrieval.catch_up.lookback}.</p>
      <p><a href=${href(`/channels/${encodeURIComponent(c.id)}`)}>Documentation and diagram</a> · <a href=${href('/playground', { from: c.id })}>Open in the playground</a></p>
    </section>`)}</div>`;
}

export function Channel({ id }) {
  const state = useLoad(() => get(`/v1/channels/${encodeURIComponent(id)}/doc`), [id]);
  return html`
    <p class="crumbs"><a href="#/channels">Channels</a> › ${id}</p>
    <${PageTitle}>Channel ${id}<//>
    <${Loading} state=${state} />
    ${state.data ? html`
      <p><a href=${href('/playground', { from: id })}>Edit a copy in the playground</a></p>
      <section aria-labelledby="diagram-title"><h2 id="diagram-title">State diagram</h2><${Diagram} source=${state.data.mermaid} /></section>
      <section aria-label="Documentation"><${Markdown} text=${state.data.markdown} /></section>` : null}`;
}
