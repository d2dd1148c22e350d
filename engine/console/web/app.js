// The operator console: a client of the public /v1 API only (see engine/console/README.md).
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onSignedOut, onStreamState, runStream, token } from './api.js';
import { useHashRoute } from './ui.js';
import { SignIn } from './pages/sign-in.js';
import { Accounts } from './pages/accounts.js';
import { Orders } from './pages/orders.js';
import { Order } from './pages/order.js';
import { Actions } from './pages/actions.js';
import { Channels, Channel } from './pages/channels.js';
import { Playground } from './pages/playground.js';
import { Webhooks } from './pages/webhooks.js';

const NAV = [
  ['/', 'Accounts'],
  ['/orders', 'Orders'],
  ['/actions', 'Actions'],
  ['/channels', 'Channels'],
  ['/playground', 'Playground'],
  ['/webhooks', 'Webhooks'],
];

function page(route) {
  const { path, params } = route;
  let m;
  if (path === '/') return html`<${Accounts} />`;
  if (path === '/orders') return html`<${Orders} params=${params} />`;
  if ((m = /^\/orders\/([^/]+)$/.exec(path))) return html`<${Order} id=${decodeURIComponent(m[1])} />`;
  if (path === '/actions') return html`<${Actions} params=${params} />`;
  if (path === '/channels') return html`<${Channels} />`;
  if ((m = /^\/channels\/([^/]+)$/.exec(path))) return html`<${Channel} id=${decodeURIComponent(m[1])} />`;
  if (path === '/playground') return html`<${Playground} params=${params} />`;
  if (path === '/webhooks') return html`<${Webhooks} params=${params} />`;
  return html`<h1>Not found</h1><p>No page ${path}. <a href="#/">Accounts</a></p>`;
}

function LiveIndicator() {
  const [state, setState] = useState('off');
  useEffect(() => onStreamState(setState), []);
  const text = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', off: 'Offline' }[state];
  return html`<span class=${`live live-${state}`} role="status" title="Live updates from GET /v1/stream">${text}</span>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(token.get()));
  const [expired, setExpired] = useState(false);
  const route = useHashRoute();

  useEffect(() => onSignedOut(() => {
    token.clear();
    setExpired(true);
    setSignedIn(false);
  }), []);

  useEffect(() => {
    if (!signedIn) return undefined;
    const controller = new AbortController();
    runStream(controller.signal);
    return () => controller.abort();
  }, [signedIn]);

  if (!signedIn) return html`<${SignIn} expired=${expired} onSignedIn=${() => { setExpired(false); setSignedIn(true); }} />`;

  const current = (p) => (p === '/' ? route.path === '/' : route.path === p || route.path.startsWith(`${p}/`));
  const signOut = () => {
    token.clear();
    setSignedIn(false);
  };
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">orderwire</span>
      <nav aria-label="Main">
        <ul>${NAV.map(([p, label]) => html`<li><a href=${`#${p}`} aria-current=${current(p) ? 'page' : undefined}>${label}</a></li>`)}</ul>
      </nav>
      <${LiveIndicator} />
      <button type="button" class="link" onClick=${signOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1" key=${route.path}>${page(route)}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
