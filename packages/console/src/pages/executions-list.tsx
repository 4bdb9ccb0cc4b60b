/** A state machine's executions: filter by status (server side), search by name (in the page). */
import { useState } from 'react';
import { path, seg } from '../api/client.js';
import { type Execution, ExecutionStatuses } from '../api/types.js';
import { Empty, ErrorNote, Placeholder, Status, When } from '../components/common.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

const LABELS: Record<string, string> = {
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  TIMED_OUT: 'Timed out',
  ABORTED: 'Aborted',
};

export function ExecutionsList(props: { machine: string }) {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const url = path(`/v1/state-machines/${seg(props.machine)}/executions`, { status, limit: 1000 });
  const { data, error, reload, loading } = useApi<{ executions: Execution[] }>(url, {
    pollMs: 3000,
    poll: (d) => d.executions.some((e) => e.status === 'RUNNING'),
  });
  const needle = search.trim().toLowerCase();
  const shown = (data?.executions ?? []).filter((e) => e.name.toLowerCase().includes(needle));
  return (
    <div className="panel">
      <div className="panel-header">
        <h2>Executions</h2>
        <div className="filters">
          <label>
            Status{' '}
            <select value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              {ExecutionStatuses.map((s) => (
                <option key={s} value={s}>
                  {LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Search by name <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <button type="button" onClick={reload} disabled={loading}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      {data === undefined ? (
        error === undefined && <Placeholder rows={4} />
      ) : shown.length === 0 ? (
        <Empty>No executions{status === '' && needle === '' ? ' yet' : ' match'}.</Empty>
      ) : (
        <table>
          <caption className="sr-only">Executions of {props.machine}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Stopped</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.executionArn}>
                <td>
                  <Link to={`/state-machines/${seg(props.machine)}/executions/${seg(e.name)}`}>{e.name}</Link>
                </td>
                <td>
                  <Status value={e.status} />
                </td>
                <td>
                  <When at={e.startDate} />
                </td>
                <td>
                  <When at={e.stopDate} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
