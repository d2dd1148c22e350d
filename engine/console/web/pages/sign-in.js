// Sign in with an API token (`orderwire token create`, or the sandbox token `npm start` prints).
// The token stays in this tab's sessionStorage and travels only in the Authorization header.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, token } from '../api.js';
import { PageTitle, Problem } from '../ui.js';

export function SignIn({ onSignedIn, expired }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // Read the field itself: a submit that comes before the last keystroke's re-render (a slow
    // machine, a fast typist or a password manager) must not send a stale or empty token.
    const candidate = (e.currentTarget.elements.token?.value ?? value).trim();
    try {
      await api('/v1/accounts', { authToken: candidate });
      token.set(candidate);
      onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="sign-in">
    <${PageTitle}>orderwire console<//>
    ${expired ? html`<p role="alert" class="problem">Your token is no longer valid (revoked or mistyped): sign in again.</p>` : null}
    <form onSubmit=${submit}>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required placeholder="ow_..." value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />
      <p class="hint">A token from <code>orderwire token create --account ID</code>, or the sandbox token that <code>npm start</code> prints. It is kept in this browser tab only.</p>
      <button type="submit" disabled=${busy}>Sign in</button>
    </form>
    <${Problem} error=${error} />
  </main>`;
}
