/** One state machine: its graph beside its definition, a start form and its executions. */
import { path, seg } from '../api/client.js';
import type { StateMachine } from '../api/types.js';
import { ErrorNote, PageHeader, Placeholder } from '../components/common.js';
import { Json } from '../components/json.js';
import { GraphView } from '../graph/graph-view.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { ExecutionsList } from './executions-list.js';
import { StartExecution } from './start-execution.js';

export function StateMachinePage(props: { name: string }) {
  const { data, error } = useApi<StateMachine>(path(`/v1/state-machines/${seg(props.name)}`));
  return (
    <section>
      <PageHeader
        title={
          <>
            <Link to="/state-machines">State machines</Link> / {props.name}
          </>
        }
      />
      <ErrorNote error={error} />
      {data === undefined ? (
        error === undefined && <Placeholder rows={12} />
      ) : (
        <>
          <p className="muted arn">{data.arn}</p>
          <div className="split">
            <div className="panel">
              <h2>Graph</h2>
              <GraphView definition={data.definition} />
            </div>
            <div className="panel">
              <h2>Definition</h2>
              <Json value={data.definition} label="Definition" maxHeight={640} />
            </div>
          </div>
          <StartExecution machine={props.name} />
          <ExecutionsList machine={props.name} />
        </>
      )}
    </section>
  );
}
