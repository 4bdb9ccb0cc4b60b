/** Sign in with an API key: checked against the API, then kept in this tab's sessionStorage. */
import { type FormEvent, useState } from 'react';
import { api } from './api/client.js';
import { saveKey } from './api/session.js';
import { ErrorNote } from './components/common.js';

export function SignIn() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('GET', '/v1/state-machines?limit=1', undefined, key.trim());
      saveKey(key.trim());
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to dbplane</h1>
        <p className="hint">
          Paste an API key (<code>dbp_…</code>). It stays in this tab only and is sent in a header, never in a
          URL.
        </p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNote error={error} context="Sign-in failed" />
      </form>
    </main>
  );
}
