/**
 * Paste an event and see which rules match (each pattern checked by the API's
 * TestEventPattern) and what each target of a matching rule would receive.
 */
import { type TargetInput, tryTransformInput } from '@dbplane/events';
import { type FormEvent, useState } from 'react';
import { get, path, post, seg } from '../api/client.js';
import type { Rule, Target } from '../api/types.js';
import { ErrorNote } from '../components/common.js';
import { Json } from '../components/json.js';

const SAMPLE = JSON.stringify(
  {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'Database Created',
    source: 'dbplane.databases',
    account: '000000000000',
    time: new Date(0).toISOString(),
    region: 'local-1',
    resources: [],
    detail: { name: 'orders', engine: 'postgres' },
  },
  null,
  2,
);

interface Outcome {
  rule: Rule;
  matched?: boolean;
  error?: Error;
  inputs?: { target: string; input?: string; error?: string }[];
}

function targetInput(t: Target): TargetInput {
  if (t.input !== undefined) return { input: t.input };
  if (t.inputPath !== undefined) return { inputPath: t.inputPath };
  if (t.inputTransformer !== undefined) {
    const { inputTemplate, inputPathsMap } = t.inputTransformer;
    return inputPathsMap === undefined ? { inputTemplate } : { inputTemplate, inputPathsMap };
  }
  return {};
}

async function test(rule: Rule, event: unknown): Promise<Outcome> {
  try {
    const { result } = await post<{ result: boolean }>('/v1/test-event-pattern', {
      eventPattern: rule.eventPattern,
      event,
    });
    if (!result) return { rule, matched: false };
    const url = path(`/v1/rules/${seg(rule.name)}/targets`, { eventBusName: rule.eventBusName });
    const { targets } = await get<{ targets: Target[] }>(url);
    const context = { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: new Date() };
    const inputs = targets.map((t) => {
      const r = tryTransformInput(event, targetInput(t), context);
      return r.ok ? { target: t.id, input: r.input } : { target: t.id, error: r.message };
    });
    return { rule, matched: true, inputs };
  } catch (err) {
    return { rule, error: err as Error };
  }
}

export function PatternTester(props: { rules: Rule[] }) {
  const [text, setText] = useState(SAMPLE);
  const [outcomes, setOutcomes] = useState<Outcome[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (err) {
      setError(new Error(`the event is not valid JSON: ${(err as Error).message}`));
      return;
    }
    setBusy(true);
    const withPattern = props.rules.filter((r) => r.eventPattern !== undefined);
    setOutcomes(await Promise.all(withPattern.map((r) => test(r, event))));
    setBusy(false);
  };
  const matched = outcomes?.filter((o) => o.matched === true) ?? [];
  return (
    <section className="panel tester" aria-labelledby="tester-title">
      <h2 id="tester-title">Pattern tester</h2>
      <form onSubmit={(e) => void run(e)}>
        <label htmlFor="tester-event">Event (JSON)</label>
        <textarea
          id="tester-event"
          rows={12}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Testing…' : 'Test against every rule'}
        </button>
      </form>
      <ErrorNote error={error} context="Cannot test" />
      {outcomes === undefined ? null : (
        <div aria-live="polite" className="tester-results">
          <p>
            <strong>{matched.length}</strong> of {outcomes.length} rules with a pattern match.
          </p>
          <ul>
            {outcomes.map((o) => (
              <li key={o.rule.arn} data-rule={o.rule.name} className={o.matched ? 'matched' : 'unmatched'}>
                <strong>{o.rule.name}</strong>: {o.error ? 'error' : o.matched ? 'matches' : 'does not match'}
                <ErrorNote error={o.error} context={`Testing ${o.rule.name}`} />
                {(o.inputs ?? []).map((i) => (
                  <div key={i.target} className="transformed">
                    <span>target {i.target} receives:</span>
                    {i.error === undefined ? (
                      <Json value={i.input} label={`Input for target ${i.target}`} maxHeight={180} />
                    ) : (
                      <span className="error">{i.error}</span>
                    )}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
