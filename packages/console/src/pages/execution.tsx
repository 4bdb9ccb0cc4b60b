/** One execution: status, the graph colored by state, the chosen state's data, actions and history. */
import { useMemo, useState } from 'react';
import { seg } from '../api/client.js';
import type { StateMachine } from '../api/types.js';
import { ErrorNote, PageHeader, Placeholder, Status, When } from '../components/common.js';
import { Json } from '../components/json.js';
import { GraphView } from '../graph/graph-view.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { ExecutionActions } from './execution-actions.js';
import { statusesOf, visitsOf } from './history-model.js';
import { HistoryTable } from './history-table.js';
import { StateDetail } from './state-detail.js';
import { useExecution } from './use-execution.js';

export function ExecutionPage(props: { machine: string; execution: string }) {
  const { execution, events, error, reload } = useExecution(props.machine, props.execution);
  const machine = useApi<StateMachine>(`/v1/state-machines/${seg(props.machine)}`);
  const [selected, setSelected] = useState<string | undefined>();
  const visits = useMemo(() => visitsOf(events ?? []), [events]);
  const statuses = useMemo(
    () => (execution === undefined ? new Map() : statusesOf(visits, execution)),
    [visits, execution],
  );
  const machineLink = `/state-machines/${seg(props.machine)}`;
  return (
    <section>
      <PageHeader
        title={
          <>
            <Link to="/state-machines">State machines</Link> / <Link to={machineLink}>{props.machine}</Link> /{' '}
            {props.execution}
          </>
        }
      >
        {execution === undefined ? null : (
          <ExecutionActions machine={props.machine} execution={execution} onDone={reload} />
        )}
      </PageHeader>
      <ErrorNote error={error} />
      {execution === undefined ? (
        error === undefined && <Placeholder rows={10} />
      ) : (
        <>
          <dl className="summary">
            <div>
              <dt>Status</dt>
              <dd aria-live="polite" data-testid="execution-status">
                <Status value={execution.status} />
              </dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>
                <When at={execution.startDate} />
              </dd>
            </div>
            <div>
              <dt>Stopped</dt>
              <dd>
                <When at={execution.stopDate} />
              </dd>
            </div>
            <div>
              <dt>Redrives</dt>
              <dd>{execution.redriveCount}</dd>
            </div>
            {execution.error === undefined ? null : (
              <div className="wide">
                <dt>Error</dt>
                <dd>
                  <code>{execution.error}</code> {execution.cause}
                </dd>
              </div>
            )}
          </dl>
          <div className="split">
            <div className="panel">
              <h2>Graph</h2>
              <p className="hint">Choose a state to see its input and output.</p>
              <ErrorNote error={machine.error} context="Could not load the definition" />
              {machine.data === undefined ? (
                machine.error === undefined && <Placeholder rows={8} />
              ) : (
                <GraphView
                  definition={machine.data.definition}
                  statuses={statuses}
                  selected={selected}
                  onSelect={setSelected}
                />
              )}
              <Legend />
            </div>
            <div className="panel">
              {selected === undefined ? (
                <>
                  <h2>Execution input and output</h2>
                  <h3>Input</h3>
                  <Json value={execution.input} label="Execution input" maxHeight={260} />
                  <h3>Output</h3>
                  <Json value={execution.output} label="Execution output" maxHeight={260} />
                </>
              ) : (
                <StateDetail
                  key={selected}
                  name={selected}
                  visits={visits.filter((v) => v.name === selected)}
                  execution={execution}
                  onClose={() => setSelected(undefined)}
                />
              )}
            </div>
          </div>
          <HistoryTable events={events ?? []} onSelectState={setSelected} />
        </>
      )}
    </section>
  );
}

function Legend() {
  const items = ['running', 'succeeded', 'failed', 'caught', 'aborted'] as const;
  return (
    <ul className="legend" aria-label="Legend">
      {items.map((s) => (
        <li key={s}>
          <span className={`swatch st-${s}`} aria-hidden="true" /> {s}
        </li>
      ))}
      <li>
        <span className="swatch" aria-hidden="true" /> not reached
      </li>
    </ul>
  );
}
