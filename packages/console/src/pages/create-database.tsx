/** The create-database form: mirrors POST /v1/databases, checks fields before sending, shows the API's problems. */
import { type FormEvent, useState } from 'react';
import { ApiError, post } from '../api/client.js';
import { ErrorNote } from '../components/common.js';

const NAME = /^[a-z][a-z0-9_]*$/;
const TTL = /^([1-9][0-9]{0,6}[smhd]|\d+)$/;

function problems(f: { name: string; environment: string; ttl: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (!NAME.test(f.name) || f.name.length > 32) {
    out.name = 'lowercase letters, digits and underscores, starting with a letter; at most 32 characters';
  }
  if (f.environment !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f.environment)) {
    out.environment = 'letters, digits, dots, dashes and underscores';
  }
  if (f.ttl !== '' && !TTL.test(f.ttl)) out.ttl = 'seconds (60 or more) or a duration such as 30m, 8h, 7d';
  return out;
}

export function CreateDatabase(props: { onCreated: () => void }) {
  const [form, setForm] = useState({ name: '', engine: 'postgres', environment: '', ttl: '' });
  const [shown, setShown] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | undefined>();
  const [created, setCreated] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = problems(form);
    setShown(found);
    setError(undefined);
    if (Object.keys(found).length > 0) return;
    const body: Record<string, unknown> = { name: form.name, engine: form.engine };
    if (form.environment !== '') body.environment = form.environment;
    if (form.ttl !== '') body.ttl = /^\d+$/.test(form.ttl) ? Number(form.ttl) : form.ttl;
    setBusy(true);
    try {
      const res = await post<{ name: string; status: string }>('/v1/databases', body);
      setCreated(`${res.name} is ${res.status}.`);
      props.onCreated();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const input = (key: 'name' | 'environment' | 'ttl', label: string, hint: string) => (
    <div className="field">
      <label htmlFor={`db-${key}`}>{label}</label>
      <input
        id={`db-${key}`}
        value={form[key]}
        aria-invalid={shown[key] !== undefined}
        aria-describedby={`db-${key}-hint`}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
      <span id={`db-${key}-hint`} className={shown[key] === undefined ? 'hint' : 'invalid'}>
        {shown[key] ?? hint}
      </span>
    </div>
  );
  return (
    <form
      className="panel create-db"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="create-db-title"
      noValidate
    >
      <h2 id="create-db-title">Create a database</h2>
      <div className="fields">
        {input('name', 'Name', 'e.g. orders_dev')}
        <div className="field">
          <label htmlFor="db-engine">Engine</label>
          <select
            id="db-engine"
            value={form.engine}
            onChange={(e) => setForm({ ...form, engine: e.target.value })}
          >
            <option value="postgres">PostgreSQL</option>
            <option value="mysql">MySQL</option>
          </select>
          <span className="hint">&nbsp;</span>
        </div>
        {input('environment', 'Environment (optional)', 'placement and limits')}
        {input('ttl', 'TTL (optional)', 'e.g. 8h; dropped when it runs out')}
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : 'Create'}
      </button>
      {created === '' ? null : <p role="status">{created}</p>}
      <ErrorNote error={error} context={error instanceof ApiError ? 'The API refused' : 'Could not create'} />
    </form>
  );
}
