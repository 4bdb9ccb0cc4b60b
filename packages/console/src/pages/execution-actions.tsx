/** Stop (a running execution, with an optional error and cause) and redrive (a failed one). */
import { type FormEvent, useState } from 'react';
import { post, seg } from '../api/client.js';
import type { Execution } from '../api/types.js';
import { ErrorNote } from '../components/common.js';

export function ExecutionActions(props: { machine: string; execution: Execution; onDone: () => void }) {
  const e = props.execution;
  const url = `/v1/state-machines/${seg(props.machine)}/executions/${seg(e.name)}`;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState({ error: '', cause: '' });
  const act = async (what: 'stop' | 'redrive', body: object) => {
    setBusy(true);
    setError(undefined);
    try {
      await post(`${url}/${what}`, body);
      setConfirming(false);
      props.onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const stop = (ev: FormEvent) => {
    ev.preventDefault();
    const body: Record<string, string> = {};
    if (reason.error !== '') body.error = reason.error;
    if (reason.cause !== '') body.cause = reason.cause;
    void act('stop', body);
  };
  const canRedrive = e.status === 'FAILED' || e.status === 'TIMED_OUT' || e.status === 'ABORTED';
  return (
    <div className="execution-actions">
      {e.status === 'RUNNING' && !confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Stop
        </button>
      ) : null}
      {e.status === 'RUNNING' && confirming ? (
        <form className="stop-form" onSubmit={stop} aria-label="Stop the execution">
          <label>
            Error{' '}
            <input value={reason.error} onChange={(x) => setReason({ ...reason, error: x.target.value })} />
          </label>
          <label>
            Cause{' '}
            <input value={reason.cause} onChange={(x) => setReason({ ...reason, cause: x.target.value })} />
          </label>
          <button type="submit" className="danger" disabled={busy}>
            Confirm stop
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </form>
      ) : null}
      {canRedrive ? (
        <button type="button" onClick={() => void act('redrive', {})} disabled={busy}>
          Redrive
        </button>
      ) : null}
      <ErrorNote error={error} context="The action failed" />
    </div>
  );
}
