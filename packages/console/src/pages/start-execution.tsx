/** Start an execution: an optional name and a JSON input, then open it. */
import { type FormEvent, useState } from 'react';
import { post, seg } from '../api/client.js';
import { ErrorNote } from '../components/common.js';
import { navigate } from '../router.js';

export function StartExecution(props: { machine: string }) {
  const [name, setName] = useState('');
  const [input, setInput] = useState('{}');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(input === '' ? '{}' : input);
    } catch (err) {
      setError(new Error(`the input is not valid JSON: ${(err as Error).message}`));
      return;
    }
    setBusy(true);
    try {
      const base = `/v1/state-machines/${seg(props.machine)}/executions`;
      const body = name.trim() === '' ? { input: parsed } : { name: name.trim(), input: parsed };
      const started = await post<{ name: string }>(base, body);
      navigate(`/state-machines/${seg(props.machine)}/executions/${seg(started.name)}`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="panel start">
      <summary>Start an execution</summary>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="exec-name">Name (optional)</label>
        <input
          id="exec-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          pattern="[A-Za-z0-9_\-]+"
        />
        <label htmlFor="exec-input">Input (JSON)</label>
        <textarea
          id="exec-input"
          rows={5}
          spellCheck={false}
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Start'}
        </button>
        <ErrorNote error={error} context="Could not start" />
      </form>
    </details>
  );
}
