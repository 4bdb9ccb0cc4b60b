/** Rules of every bus with their patterns and targets, and the pattern tester. */
import { useState } from 'react';
import { path, seg } from '../api/client.js';
import type { Rule, Target } from '../api/types.js';
import { Empty, ErrorNote, PageHeader, Placeholder, Status } from '../components/common.js';
import { Json } from '../components/json.js';
import { useApi } from '../use-api.js';
import { PatternTester } from './pattern-tester.js';

export function RulesPage() {
  const [bus, setBus] = useState('');
  const buses = useApi<{ eventBuses: { name: string }[] }>('/v1/event-buses');
  const { data, error, reload, loading } = useApi<{ rules: Rule[] }>(
    path('/v1/rules', { eventBusName: bus }),
  );
  return (
    <section>
      <PageHeader title="Rules">
        <label>
          Event bus{' '}
          <select value={bus} onChange={(e) => setBus(e.target.value)}>
            <option value="">default</option>
            {(buses.data?.eventBuses ?? [])
              .filter((b) => b.name !== 'default')
              .map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name}
                </option>
              ))}
          </select>
        </label>
        <button type="button" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </PageHeader>
      <ErrorNote error={error} />
      {data === undefined ? (
        error === undefined && <Placeholder rows={4} />
      ) : (
        <>
          <PatternTester rules={data.rules} />
          {data.rules.length === 0 ? (
            <Empty>No rules on this bus.</Empty>
          ) : (
            data.rules.map((r) => <RuleCard key={r.arn} rule={r} />)
          )}
        </>
      )}
    </section>
  );
}

function RuleCard(props: { rule: Rule }) {
  const r = props.rule;
  const targets = useApi<{ targets: Target[] }>(
    path(`/v1/rules/${seg(r.name)}/targets`, { eventBusName: r.eventBusName }),
  );
  return (
    <article className="panel rule" aria-labelledby={`rule-${r.name}`}>
      <div className="panel-header">
        <h2 id={`rule-${r.name}`}>{r.name}</h2>
        <Status value={r.state} />
      </div>
      {r.description === undefined ? null : <p className="muted">{r.description}</p>}
      <div className="split even">
        <div>
          <h3>{r.scheduleExpression === undefined ? 'Pattern' : 'Schedule'}</h3>
          {r.scheduleExpression === undefined ? (
            <Json value={r.eventPattern} label={`Pattern of ${r.name}`} maxHeight={240} />
          ) : (
            <code>{r.scheduleExpression}</code>
          )}
        </div>
        <div>
          <h3>Targets</h3>
          <ErrorNote error={targets.error} />
          {targets.data === undefined ? (
            targets.error === undefined && <Placeholder rows={2} />
          ) : targets.data.targets.length === 0 ? (
            <Empty>No targets.</Empty>
          ) : (
            <ul className="targets">
              {targets.data.targets.map((t) => (
                <li key={t.id}>
                  <strong>{t.id}</strong> → <code>{t.arn}</code>
                  {t.deadLetterQueue === undefined ? null : (
                    <div className="muted">dead-letter queue: {t.deadLetterQueue}</div>
                  )}
                  {t.inputTransformer === undefined ? null : (
                    <Json value={t.inputTransformer} label={`Input transformer of ${t.id}`} maxHeight={160} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </article>
  );
}
