/** All state machines of the account, with links to each one's graph and runs. */
import { path } from '../api/client.js';
import type { StateMachine } from '../api/types.js';
import { Empty, ErrorNote, PageHeader, Placeholder, When } from '../components/common.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

export function StateMachinesPage() {
  const { data, error, reload, loading } = useApi<{ stateMachines: StateMachine[] }>(
    path('/v1/state-machines', { limit: 1000 }),
  );
  return (
    <section>
      <PageHeader title="State machines">
        <button type="button" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </PageHeader>
      <ErrorNote error={error} />
      {data === undefined ? (
        error === undefined && <Placeholder rows={6} />
      ) : data.stateMachines.length === 0 ? (
        <Empty>No state machines yet. Create one with the API or `dbplane sm create`.</Empty>
      ) : (
        <table>
          <caption className="sr-only">State machines</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Revision</th>
              <th scope="col">Updated</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {data.stateMachines.map((m) => (
              <tr key={m.arn}>
                <td>
                  <Link to={`/state-machines/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                  {m.builtin ? <span className="tag">built-in</span> : null}
                </td>
                <td>{m.type}</td>
                <td>{m.revision}</td>
                <td>
                  <When at={m.updatedAt} />
                </td>
                <td className="muted">{m.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
