// Generated channel documentation (Markdown from GET /v1/channels/{id}/doc or the playground) as
// sanitized HTML, with its Mermaid state diagram drawn in the page. All served by the daemon.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { marked } from 'marked';
import DOMPurify from 'dompurify';

let mermaidReady;
async function mermaid() {
  mermaidReady ??= import('mermaid').then(({ default: m }) => {
    m.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', fontFamily: 'system-ui, sans-serif' });
    return m;
  });
  return mermaidReady;
}

let diagrams = 0;

/** A Mermaid diagram rendered to SVG; the source stays readable in a <details> below it. */
export function Diagram({ source }) {
  const ref = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const m = await mermaid();
        const { svg } = await m.render(`diagram-${++diagrams}`, source);
        // securityLevel 'strict': Mermaid itself sanitizes labels (no HTML, no click handlers).
        if (live && ref.current) ref.current.innerHTML = svg;
      } catch (err) {
        if (live) setError(err);
      }
    })();
    return () => {
      live = false;
    };
  }, [source]);
  return html`<figure class="diagram">
    <div ref=${ref} class="diagram-svg" role="img" aria-label="State diagram: statuses and the actions between them"></div>
    ${error ? html`<p class="error-text">The diagram could not be drawn: ${String(error.message ?? error)}</p>` : null}
    <details><summary>Mermaid source</summary><pre>${source}</pre></details>
  </figure>`;
}

/** The page without its ```mermaid block, which <Diagram> draws. */
export function Markdown({ text }) {
  const withoutDiagram = text.replace(/```mermaid\n[\s\S]*?```\n?/, '');
  const clean = DOMPurify.sanitize(marked.parse(withoutDiagram, { async: false }));
  return html`<div class="doc" dangerouslySetInnerHTML=${{ __html: clean }}></div>`;
}
