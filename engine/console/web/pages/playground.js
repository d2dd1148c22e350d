// Channel playground: edit a channel file and see its located findings as you type
// (POST /v1/channel-files/validate), its generated documentation and diagram, and try an action
// against a status (POST /v1/check, the CLI's `check`). Nothing is saved on the daemon; the draft
// stays in this tab.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Diagram, Markdown } from '../markdown.js';
import { Badge, href, Json, PageTitle, Problem, useLoad } from '../ui.js';

const DRAFT_KEY = 'orderwire.playground';
const DEBOUNCE_MS = 350;

function Editor({ text, onChange, findings, textareaRef }) {
  const gutterRef = useRef(null);
  const lines = text.split('\n').length;
  const byLine = new Map();
  for (const f of findings) {
    const prev = byLine.get(f.line);
    if (!prev || (prev.severity === 'warning' && f.severity === 'error')) byLine.set(f.line, f);
  }
  const sync = () => {
    if (gutterRef.current && textareaRef.current) gutterRef.current.scrollTop = textareaRef.current.scrollTop;
  };
  useEffect(sync, [text]);
  return html`<div class="editor">
    <div class="gutter" ref=${gutterRef} aria-hidden="true">
      ${Array.from({ length: lines }, (_, i) => {
        const f = byLine.get(i + 1);
        return html`<div class=${f ? `mark-${f.severity}` : ''} data-line=${i + 1} title=${f ? `${f.code}: ${f.message}` : undefined}>${f ? '●' : ''}${i + 1}</div>`;
      })}
    </div>
    <textarea ref=${textareaRef} aria-label="Channel file (YAML)" spellcheck="false" wrap="off" value=${text}
      onInput=${(e) => onChange(e.currentTarget.value)} onScroll=${sync}></textarea>
  </div>`;
}

function goToLine(textarea, line, column = 1) {
  const lines = textarea.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  const start = offset + Math.max(0, column - 1);
  textarea.focus();
  textarea.setSelectionRange(start, offset + (lines[line - 1]?.length ?? 0));
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

function TryAction({ text, description }) {
  const statuses = Object.keys(description?.statuses ?? {});
  const [status, setStatus] = useState(statuses.find((s) => s === 'waiting_acceptance') ?? statuses[0] ?? '');
  // The channel's own actions (the kinds are declared once, in engine/vocabulary/action-kinds.ts).
  const actions = Object.keys(description?.actions ?? {});
  const [action, setAction] = useState(actions.includes('accept') ? 'accept' : (actions[0] ?? ''));
  const [data, setData] = useState('{}');
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const run = async (e) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    let parsed;
    try {
      parsed = JSON.parse(data || '{}');
    } catch (err) {
      setError({ message: `data is not JSON: ${err.message}` });
      return;
    }
    try {
      setResult((await api('/v1/check', { method: 'POST', body: { source: text, status, action, data: parsed } })).data);
    } catch (err) {
      setError(err);
    }
  };
  if (!description) return html`<p class="muted">Fix the errors first: actions are checked against a valid channel.</p>`;
  return html`<form class="try" onSubmit=${run}>
    <div class="filter"><label for="try-status">Order status</label>
      <select id="try-status" value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>${statuses.map((s) => html`<option value=${s}>${s} (${description.statuses[s].join(', ')})</option>`)}</select></div>
    <div class="filter"><label for="try-action">Action</label>
      <select id="try-action" value=${action} onChange=${(e) => setAction(e.currentTarget.value)}>${actions.map((a) => html`<option value=${a}>${a}</option>`)}</select></div>
    <div class="filter wide"><label for="try-data">Fields (JSON)</label>
      <textarea id="try-data" rows="3" spellcheck="false" value=${data} onInput=${(e) => setData(e.currentTarget.value)}></textarea></div>
    <button type="submit">Check</button>
    <${Problem} error=${error} />
    ${result ? html`<div class=${`verdict ${result.allowed ? 'ok' : 'bad'}`} role="status" data-allowed=${String(result.allowed)}>
      <strong>${result.allowed ? 'ALLOWED' : 'DENIED'}</strong>: ${action} at ${result.status} (marketplace status <code>${result.marketplace_status}</code>)
      ${result.errors.length ? html`<ul>${result.errors.map((f) => html`<li><code>${f.code}</code> ${f.field ? html`<code>${f.field}</code> ` : ''}${f.message}${f.suggestion ? html` <em>${f.suggestion}</em>` : ''}</li>`)}</ul>` : null}
      ${result.warnings.length ? html`<ul class="muted">${result.warnings.map((f) => html`<li>warning <code>${f.code}</code> ${f.message}</li>`)}</ul>` : null}
      ${!result.allowed && result.allowed_in.length ? html`<p>${action} is allowed at: ${result.allowed_in.join(', ')}</p>` : null}
      ${result.request ? html`<details><summary>Request that would be queued</summary><${Json} value=${result.request} /></details>` : null}
    </div>` : null}
  </form>`;
}

export function Playground({ params }) {
  const [text, setText] = useState(() => sessionStorage.getItem(DRAFT_KEY) ?? '');
  const [result, setResult] = useState(null);
  const [lastValid, setLastValid] = useState(null);
  const [error, setError] = useState(null);
  const [tab, setTab] = useState('findings');
  const textareaRef = useRef(null);
  const channels = useLoad(() => get('/v1/channels'), []);

  const load = async (id) => {
    try {
      const doc = await get(`/v1/channels/${encodeURIComponent(id)}/doc`);
      if (doc.source !== null) setText(doc.source);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    if (params.from) load(params.from);
    else if (!text) load('worten');
  }, [params.from]);

  useEffect(() => {
    sessionStorage.setItem(DRAFT_KEY, text);
    if (!text.trim()) return undefined;
    let live = true;
    const timer = setTimeout(async () => {
      try {
        // Named after its id, as channels/<id>.yaml would be (else the id-vs-file-name check warns).
        const id = /^id:\s*([a-z][a-z0-9_-]*)\s*$/m.exec(text)?.[1];
        const { data } = await api('/v1/channel-files/validate', { method: 'POST', body: { source: text, ...(id && { file: `${id}.yaml` }) } });
        if (!live) return;
        setError(null);
        setResult(data);
        if (data.valid) setLastValid(data);
      } catch (err) {
        if (live) setError(err);
      }
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  const findings = result?.findings ?? [];
  const tabs = [['findings', `Findings (${findings.length})`], ['doc', 'Documentation'], ['try', 'Try an action']];
  return html`
    <${PageTitle}>Channel playground<//>
    <p>Paste or edit a channel file: it is validated as you type, exactly as <code>orderwire validate</code> does. Nothing is saved on the daemon.
      Start from <select aria-label="Start from a channel" onChange=${(e) => e.currentTarget.value && load(e.currentTarget.value)}>
        <option value="">a loaded channel…</option>
        ${(channels.data?.items ?? []).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
      </select></p>
    <div class="playground">
      <${Editor} text=${text} onChange=${setText} findings=${findings} textareaRef=${textareaRef} />
      <div class="side">
        <p class="verdict-line" role="status" aria-live="polite">
          ${result ? (result.valid ? html`<${Badge} value="healthy" label="valid" /> ${result.warnings} warning(s)` : html`<${Badge} value="failed" label="invalid" /> ${result.errors} error(s), ${result.warnings} warning(s)`) : 'Validating…'}
        </p>
        <${Problem} error=${error} />
        <div role="tablist" class="tabs" aria-label="Playground">
          ${tabs.map(([key, label]) => html`<button type="button" role="tab" id=${`tab-${key}`} aria-selected=${tab === key} aria-controls=${`panel-${key}`} onClick=${() => setTab(key)}>${label}</button>`)}
        </div>
        <div role="tabpanel" id=${`panel-${tab}`} aria-labelledby=${`tab-${tab}`}>
          ${tab === 'findings' ? (findings.length ? html`<ol class="findings">${findings.map((f) => html`<li class=${f.severity} data-line=${f.line} data-code=${f.code}>
              <button type="button" class="link" onClick=${() => goToLine(textareaRef.current, f.line, f.column)}>line ${f.line}, column ${f.column}</button>
              <${Badge} value=${f.severity === 'error' ? 'failed' : 'waiting_acceptance'} label=${f.severity} /> <code>${f.code}</code> ${f.message}
              ${f.suggestion ? html`<div class="hint">${f.suggestion}</div>` : null}
            </li>`)}</ol>` : html`<p>No findings.</p>`) : null}
          ${tab === 'doc' ? (lastValid ? html`${!result?.valid ? html`<p class="muted">Showing the last valid version.</p>` : null}<${Diagram} source=${lastValid.mermaid} /><${Markdown} text=${lastValid.markdown} />` : html`<p class="muted">No valid version yet.</p>`) : null}
          ${tab === 'try' ? html`<${TryAction} text=${text} description=${result?.valid ? result.description : null} />` : null}
        </div>
        <p class="muted"><a href=${href('/channels')}>Channel library</a></p>
      </div>
    </div>`;
}
