/** The execution's events as a table; each row's details open in place. */
import type { HistoryEvent } from '../api/types.js';
import { Empty, When } from '../components/common.js';
import { Json } from '../components/json.js';
import { detailsOf } from './history-model.js';

export function HistoryTable(props: { events: HistoryEvent[]; onSelectState: (name: string) => void }) {
  return (
    <div className="panel">
      <h2>History</h2>
      {props.events.length === 0 ? (
        <Empty>No events yet.</Empty>
      ) : (
        <table className="history">
          <caption className="sr-only">Execution history</caption>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Time</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => {
              const d = detailsOf(e);
              const name = d?.name;
              return (
                <tr key={e.id} className={/Failed|TimedOut|Aborted/.test(e.type) ? 'bad' : undefined}>
                  <td>{e.id}</td>
                  <td>{e.type}</td>
                  <td>
                    {name === undefined ? (
                      '—'
                    ) : (
                      <button type="button" className="link" onClick={() => props.onSelectState(name)}>
                        {name}
                      </button>
                    )}
                  </td>
                  <td>
                    <When at={e.timestamp} />
                  </td>
                  <td>
                    {d === undefined ? (
                      '—'
                    ) : (
                      <details>
                        <summary>Show</summary>
                        <Json value={d} label={`Details of event ${e.id}`} maxHeight={240} />
                      </details>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
