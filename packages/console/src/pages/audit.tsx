/** The audit log: who did what, filtered by service, action, key, errors and time. */
import { type FormEvent, useState } from 'react';
import { get, path } from '../api/client.js';
import type { AuditRecord } from '../api/types.js';
import { Empty, ErrorNote, PageHeader, Placeholder, When } from '../components/common.js';
import { Json } from '../components/json.js';
import { useApi } from '../use-api.js';

interface Filters {
  service: string;
  action: string;
  keyName: string;
  from: string;
  to: string;
  errorsOnly: boolean;
}
const NONE: Filters = { service: '', action: '', keyName: '', from: '', to: '', errorsOnly: false };
const iso = (local: string) => (local === '' ? '' : new Date(local).toISOString());

type Page = { records: AuditRecord[]; nextToken?: string };

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const [more, setMore] = useState<{ records: AuditRecord[]; nextToken?: string | undefined }>({
    records: [],
  });
  const [moreError, setMoreError] = useState<Error | undefined>();
  const query = {
    ...applied,
    from: iso(applied.from),
    to: iso(applied.to),
    errorsOnly: applied.errorsOnly ? true : undefined,
    limit: 100,
  };
  const url = path('/v1/audit', query);
  const { data, error, loading } = useApi<Page>(url);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setMore({ records: [] });
    setApplied(draft);
  };
  const nextToken = more.records.length > 0 ? more.nextToken : data?.nextToken;
  const loadMore = async () => {
    try {
      const page = await get<Page>(path('/v1/audit', { ...query, nextToken }));
      setMore((m) => ({ records: [...m.records, ...page.records], nextToken: page.nextToken }));
    } catch (err) {
      setMoreError(err as Error);
    }
  };
  const field = (key: Exclude<keyof Filters, 'errorsOnly'>, label: string, type = 'text') => (
    <label>
      {label}{' '}
      <input type={type} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </label>
  );
  const records = [...(data?.records ?? []), ...more.records];
  return (
    <section>
      <PageHeader title="Audit log" />
      <form className="filters panel" onSubmit={apply} aria-label="Audit filters">
        {field('service', 'Service')}
        {field('action', 'Action')}
        {field('keyName', 'Key name')}
        {field('from', 'From', 'datetime-local')}
        {field('to', 'To', 'datetime-local')}
        <label>
          <input
            type="checkbox"
            checked={draft.errorsOnly}
            onChange={(e) => setDraft({ ...draft, errorsOnly: e.target.checked })}
          />{' '}
          Errors only
        </label>
        <button type="submit" disabled={loading}>
          Apply
        </button>
      </form>
      <ErrorNote error={error} />
      {data === undefined ? (
        error === undefined && <Placeholder rows={8} />
      ) : records.length === 0 ? (
        <Empty>No audit records match.</Empty>
      ) : (
        <AuditTable records={records} />
      )}
      <ErrorNote error={moreError} />
      {nextToken === undefined ? null : (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </section>
  );
}

function AuditTable(props: { records: AuditRecord[] }) {
  return (
    <table>
      <caption className="sr-only">Audit records</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">Resource</th>
          <th scope="col">Result</th>
          <th scope="col">Parameters</th>
        </tr>
      </thead>
      <tbody>
        {props.records.map((r) => (
          <tr key={r.id} className={r.errorCode === null ? undefined : 'bad'}>
            <td>
              <When at={r.eventTime} />
            </td>
            <td>
              {r.principal.keyName ?? '—'} <span className="muted">{r.principal.role}</span>
            </td>
            <td>
              {r.service}:{r.action}
            </td>
            <td className="arn">{r.resourceArn ?? '—'}</td>
            <td>
              {r.statusCode} {r.errorCode === null ? '' : `${r.errorCode}: ${r.errorMessage ?? ''}`}
            </td>
            <td>
              <details>
                <summary>Show</summary>
                <Json value={r.requestParameters} label={`Parameters of ${r.action}`} maxHeight={200} />
              </details>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
