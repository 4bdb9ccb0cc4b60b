/** Databases (with a create form) and the instances they live on. */
import { ApiError } from '../api/client.js';
import type { Database, Instance } from '../api/types.js';
import { Empty, ErrorNote, PageHeader, Placeholder, Status } from '../components/common.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { CreateDatabase } from './create-database.js';
import { Countdown, endpointText, executionLink } from './database-bits.js';

const missing = (e: Error | undefined) => e instanceof ApiError && e.status === 404;

export function DatabasesPage() {
  const dbs = useApi<{ databases: Database[] }>('/v1/databases?limit=1000', {
    pollMs: 1500,
    poll: (d) => d.databases.some((x) => x.status === 'creating' || x.status === 'deleting'),
  });
  const instances = useApi<{ instances: Instance[] }>('/v1/instances?limit=1000');
  return (
    <section>
      <PageHeader title="Databases">
        <button type="button" onClick={dbs.reload} disabled={dbs.loading}>
          Refresh
        </button>
      </PageHeader>
      {missing(dbs.error) ? (
        <Unavailable what="Databases" error={dbs.error} />
      ) : (
        <>
          <CreateDatabase onCreated={dbs.reload} />
          <ErrorNote error={dbs.error} />
          {dbs.data === undefined ? (
            dbs.error === undefined && <Placeholder rows={4} />
          ) : (
            <DatabaseTable databases={dbs.data.databases} />
          )}
        </>
      )}
      <h2>Instances</h2>
      {missing(instances.error) ? (
        <Unavailable what="Instances" error={instances.error} />
      ) : (
        <>
          <ErrorNote error={instances.error} />
          {instances.data === undefined ? (
            instances.error === undefined && <Placeholder rows={3} />
          ) : (
            <InstanceTable instances={instances.data.instances} />
          )}
        </>
      )}
    </section>
  );
}

function Unavailable(props: { what: string; error: Error | undefined }) {
  return (
    <div className="empty">
      <p>{props.what} are not available on this server yet.</p>
      <ErrorNote error={props.error} context="The API answered" />
    </div>
  );
}

function DatabaseTable(props: { databases: Database[] }) {
  if (props.databases.length === 0) return <Empty>No databases yet: create one above.</Empty>;
  return (
    <table>
      <caption className="sr-only">Databases</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Engine</th>
          <th scope="col">Status</th>
          <th scope="col">Environment</th>
          <th scope="col">Expires in</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Workflow</th>
        </tr>
      </thead>
      <tbody>
        {props.databases.map((d) => {
          const run = executionLink(d.executionArn);
          return (
            <tr key={d.arn} data-database={d.name}>
              <td>{d.name}</td>
              <td>{d.engine}</td>
              <td>
                <Status value={d.status} />{' '}
                {d.statusReason === undefined ? null : <span>{d.statusReason}</span>}
              </td>
              <td>{d.environment ?? '—'}</td>
              <td>
                <Countdown until={d.expiresAt} />
              </td>
              <td>{endpointText(d.endpoint)}</td>
              <td>{run === undefined ? '—' : <Link to={run}>execution</Link>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function InstanceTable(props: { instances: Instance[] }) {
  if (props.instances.length === 0) return <Empty>No instances yet.</Empty>;
  return (
    <table>
      <caption className="sr-only">Instances</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Engine</th>
          <th scope="col">Provider</th>
          <th scope="col">Status</th>
          <th scope="col">Endpoint</th>
        </tr>
      </thead>
      <tbody>
        {props.instances.map((i) => (
          <tr key={i.arn}>
            <td>{i.name}</td>
            <td>{i.engine}</td>
            <td>{i.provider}</td>
            <td>
              <Status value={i.status} />
            </td>
            <td>{endpointText(i.endpoint)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
