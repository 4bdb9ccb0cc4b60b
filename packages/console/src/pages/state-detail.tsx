/** A state's visits in an execution: input, output, errors and causes, attempts. */
import { useState } from 'react';
import type { Execution } from '../api/types.js';
import { Empty, Status, When } from '../components/common.js';
import { Json } from '../components/json.js';
import { statusOf, type Visit } from './history-model.js';

export function StateDetail(props: {
  name: string;
  visits: Visit[];
  execution: Execution;
  onClose: () => void;
}) {
  const [index, setIndex] = useState(props.visits.length - 1);
  const visit = props.visits[Math.min(Math.max(index, 0), props.visits.length - 1)];
  return (
    <section className="state-detail" aria-labelledby="state-detail-title">
      <div className="panel-header">
        <h2 id="state-detail-title">State {props.name}</h2>
        <button type="button" onClick={props.onClose}>
          Back to the execution
        </button>
      </div>
      {visit === undefined ? (
        <Empty>This state has not been entered in this execution.</Empty>
      ) : (
        <>
          {props.visits.length > 1 ? (
            <label>
              Visit{' '}
              <select value={props.visits.indexOf(visit)} onChange={(e) => setIndex(Number(e.target.value))}>
                {props.visits.map((v, i) => (
                  <option key={v.enteredId} value={i}>
                    {i + 1} of {props.visits.length} (event {v.enteredId})
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <dl className="summary">
            <div>
              <dt>Status</dt>
              <dd>
                <Status value={statusOf(visit, props.execution)} />
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{visit.stateType}</dd>
            </div>
            <div>
              <dt>Entered</dt>
              <dd>
                <When at={visit.enteredAt} />
              </dd>
            </div>
            <div>
              <dt>Exited</dt>
              <dd>
                <When at={visit.exitedAt} />
              </dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{visit.attempts === 0 ? '—' : visit.attempts}</dd>
            </div>
          </dl>
          <h3>Input</h3>
          <Json value={visit.input} label={`Input of ${props.name}`} maxHeight={220} />
          <h3>Output</h3>
          <Json value={visit.output} label={`Output of ${props.name}`} maxHeight={220} />
          {visit.failures.map((f) => (
            <div key={f.eventId} className="failure">
              <h3>
                {f.type} (event {f.eventId})
              </h3>
              <dl>
                <dt>Error</dt>
                <dd>
                  <code>{f.error ?? '—'}</code>
                </dd>
                <dt>Cause</dt>
                <dd className="cause">{f.cause ?? '—'}</dd>
              </dl>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
