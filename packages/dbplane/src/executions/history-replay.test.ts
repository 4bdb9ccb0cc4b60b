import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';
import type { JournalEntry } from './apply.js';
import { createAslEngine } from './engine.js';
import type { HistoryEvent, StepResult } from './engine-types.js';

/**
 * Recorded executions replayed through today's engine: a change to the engine
 * that would give an execution already in flight a different history fails
 * here. `RECORD_HISTORIES=1` re-records them from a real server (do it only
 * when a history change is intended, and review the diff).
 */
const dir = fileURLToPath(new URL('./histories/', import.meta.url));

interface Recording {
  name: string;
  definition: unknown;
  journal: JournalEntry[];
  events: HistoryEvent[];
  status: string;
}

async function replay(recording: Recording): Promise<HistoryEvent[]> {
  const engine = createAslEngine();
  const machine = engine.compile(recording.definition);
  let state: unknown = null;
  const events: HistoryEvent[] = [];
  for (const entry of recording.journal) {
    const result: StepResult =
      'start' in entry
        ? await engine.start(machine, entry.start.input, entry.start.context, entry.now)
        : await engine.step(machine, state, entry.input, entry.now);
    state = result.state;
    events.push(...result.events);
  }
  return events;
}

describe.runIf(process.env.RECORD_HISTORIES !== '1')('recorded histories', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(5));
  it.each(files)('%s replays to the same history', async (file) => {
    const recording = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Recording;
    expect(JSON.parse(JSON.stringify(await replay(recording)))).toEqual(recording.events);
  });
});

describe.runIf(process.env.RECORD_HISTORIES === '1')('recording histories', () => {
  const server = useTestServer();
  it('records representative executions', { timeout: 60_000 }, async () => {
    const journals = new Map<string, JournalEntry[]>();
    server.runtime.onEngineInput((arn, entry) => journals.set(arn, [...(journals.get(arn) ?? []), entry]));
    const tokens: string[] = [];
    server.runtime.registry.register('arn:dbplane:states:::test:echo', async (t) => {
      const input = t.input as { fail?: string; n?: number };
      if (input.fail !== undefined && t.idempotencyToken.endsWith(':1'))
        throw Object.assign(new Error('try again'), { name: input.fail });
      return { type: 'succeeded', output: { echoed: input } };
    });
    server.runtime.registry.register('arn:dbplane:states:::test:ask', async (t) => {
      tokens.push(String((t.input as { token: string }).token));
      return { type: 'callback' };
    });
    for (const name of Object.keys(MACHINES)) {
      expect(
        (await server.call('POST', '/v1/state-machines', { name, definition: MACHINES[name] })).status,
      ).toBe(201);
      await server.call('POST', `/v1/state-machines/${name}/executions`, {
        name: 'recorded',
        input: { n: 3, items: [1, 2, 3] },
      });
    }
    await expect.poll(() => tokens.length, { timeout: 10_000 }).toBe(1);
    await server.call('POST', '/v1/task-tokens/success', {
      taskToken: tokens[0],
      output: { approved: true },
    });
    await server.call('POST', '/v1/state-machines/aborted/executions/recorded/stop', {
      error: 'Operator',
      cause: 'recorded',
    });
    for (const name of Object.keys(MACHINES)) {
      await expect
        .poll(
          async () =>
            (await server.call('GET', `/v1/state-machines/${name}/executions/recorded`)).body.status,
          { timeout: 20_000 },
        )
        .not.toBe('RUNNING');
      const execution = (await server.call('GET', `/v1/state-machines/${name}/executions/recorded`)).body;
      const events = (
        await server.call('GET', `/v1/state-machines/${name}/executions/recorded/history?limit=1000`)
      ).body.events;
      const recording: Recording = {
        name,
        definition: MACHINES[name],
        journal: journals.get(execution.executionArn) ?? [],
        events,
        status: execution.status,
      };
      writeFileSync(`${dir}${name}.json`, `${JSON.stringify(recording, null, 1)}\n`);
    }
  });
});

const echo = 'arn:dbplane:states:::test:echo';
const MACHINES: Record<string, unknown> = {
  flow: {
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Pass',
        Parameters: { 'n.$': '$.n', 'items.$': '$.items', 'id.$': "States.Format('order-{}', $.n)" },
        Next: 'Route',
      },
      Route: {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'Pause' }],
        Default: 'Done',
      },
      Pause: { Type: 'Wait', Seconds: 1, Next: 'Call' },
      Call: {
        Type: 'Task',
        Resource: echo,
        Parameters: { 'n.$': '$.n', fail: 'Flaky' },
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
        ResultPath: '$.call',
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'Square',
          States: { Square: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, 10)' }, End: true } },
        },
        ResultPath: '$.each',
        Next: 'Both',
      },
      Both: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'L',
            States: { L: { Type: 'Task', Resource: echo, Parameters: { side: 'left' }, End: true } },
          },
          { StartAt: 'R', States: { R: { Type: 'Pass', Result: 'right', End: true } } },
        ],
        ResultPath: '$.both',
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  },
  caught: {
    StartAt: 'Boom',
    States: {
      Boom: {
        Type: 'Task',
        Resource: echo,
        Parameters: { fail: 'Custom' },
        Catch: [{ ErrorEquals: ['Custom'], ResultPath: '$.error', Next: 'Explain' }],
        End: true,
      },
      Explain: { Type: 'Fail', Error: 'Explained', Cause: 'caught and failed on purpose' },
    },
  },
  jsonata: {
    QueryLanguage: 'JSONata',
    StartAt: 'Sum',
    States: {
      Sum: {
        Type: 'Pass',
        Assign: { total: '{% $sum($states.input.items) %}' },
        Output: { n: '{% $states.input.n %}' },
        Next: 'Use',
      },
      Use: {
        Type: 'Task',
        Resource: echo,
        Arguments: { total: '{% $total %}', n: '{% $states.input.n %}' },
        Output: '{% $states.result.echoed %}',
        End: true,
      },
    },
  },
  callback: {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:dbplane:states:::test:ask.waitForTaskToken',
        Parameters: { 'token.$': '$$.Task.Token' },
        TimeoutSeconds: 300,
        End: true,
      },
    },
  },
  aborted: { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 600, End: true } } },
};
