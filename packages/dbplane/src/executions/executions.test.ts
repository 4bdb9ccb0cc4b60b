import { describe, expect, it } from 'vitest';
import { useHttpTarget } from '../test-support/http-target.js';
import { useTestServer } from '../test-support/server.js';

const http = (target: () => string, path: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::http:invoke',
  Parameters: {
    'ApiEndpoint.$': `States.Format('{}${path}', $.base)`,
    Method: 'POST',
    'RequestBody.$': '$.order',
  },
  ...extra,
  _target: target,
});

function clean(def: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(def, (k, v) => (k === '_target' ? undefined : v)));
}

describe('durable executions', () => {
  const server = useTestServer();
  const target = useHttpTarget();
  const base = () => target.url;

  const createMachine = async (name: string, definition: unknown) => {
    const res = await server.call('POST', '/v1/state-machines', { name, definition });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const start = (machine: string, body: object) =>
    server.call('POST', `/v1/state-machines/${machine}/executions`, body);
  const waitEnd = async (machine: string, name: string, ms = 20_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = (await server.call('GET', `/v1/state-machines/${machine}/executions/${name}`)).body;
      if (e.status !== 'RUNNING' || Date.now() > deadline) return e;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const history = async (machine: string, name: string) =>
    (await server.call('GET', `/v1/state-machines/${machine}/executions/${name}/history?limit=1000`)).body
      .events;

  it('runs a 10-state workflow with Wait, Retry and Catch to the right output and history', async () => {
    target.respond('/flaky', (n) =>
      n < 3 ? { status: 500, body: { try: n } } : { status: 200, body: { ok: true, try: n } },
    );
    target.respond('/broken', () => ({ status: 503, body: { down: true } }));
    const definition = clean({
      Comment: 'ten states',
      StartAt: 'Prepare',
      States: {
        Prepare: {
          Type: 'Pass',
          Parameters: { 'order.$': '$.order', 'base.$': '$.base', items: [1, 2, 3] },
          Next: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: 1, Next: 'Call' },
        Call: http(base, '/flaky', {
          Retry: [
            {
              ErrorEquals: ['States.Http.StatusCode.500'],
              IntervalSeconds: 1,
              MaxAttempts: 3,
              BackoffRate: 1,
            },
          ],
          ResultSelector: { 'status.$': '$.StatusCode', 'body.$': '$.ResponseBody' },
          ResultPath: '$.call',
          Next: 'Check',
        }),
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.call.status', NumericEquals: 200, Next: 'Broken' }],
          Default: 'Unexpected',
        },
        Broken: http(base, '/broken', {
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Recover' }],
          Next: 'Unexpected',
        }),
        Recover: {
          Type: 'Pass',
          Parameters: { 'error.$': '$.failure.Error', 'call.$': '$.call', 'items.$': '$.items' },
          Next: 'Double',
        },
        Double: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Times2',
            States: { Times2: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, $)' }, End: true } },
          },
          ResultPath: '$.doubled',
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'L', End: true } } },
            { StartAt: 'Right', States: { Right: { Type: 'Pass', Result: 'R', End: true } } },
          ],
          ResultPath: '$.sides',
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
        Unexpected: { Type: 'Fail', Error: 'Unexpected', Cause: 'should not get here' },
      },
    });
    await createMachine('ten-states', definition);
    const started = await start('ten-states', {
      name: 'run-1',
      input: { order: { id: 7 }, base: target.url },
    });
    expect(started.status).toBe(201);
    expect(started.body.executionArn).toBe(
      'arn:dbplane:states:local-1:000000000000:execution:ten-states:run-1',
    );
    const done = await waitEnd('ten-states', 'run-1');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({
      error: 'States.Http.StatusCode.503',
      call: { status: 200, body: { ok: true, try: 3 } },
      items: [1, 2, 3],
      doubled: [{ v: 2 }, { v: 4 }, { v: 6 }],
      sides: ['L', 'R'],
    });
    expect(target.requests.filter((r) => r.path === '/flaky')).toHaveLength(3);
    expect(JSON.parse(target.requests.find((r) => r.path === '/flaky')?.body ?? '')).toEqual({ id: 7 });
    const events = await history('ten-states', 'run-1');
    const types: string[] = events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(3);
    expect(types).toEqual(
      expect.arrayContaining([
        'WaitStateEntered',
        'TaskScheduled',
        'TaskSucceeded',
        'MapStateStarted',
        'ParallelStateStarted',
      ]),
    );
    expect(events.map((e: { id: number }) => e.id)).toEqual(events.map((_: unknown, i: number) => i + 1));
    const reversed = (
      await server.call(
        'GET',
        '/v1/state-machines/ten-states/executions/run-1/history?reverseOrder=true&limit=2',
      )
    ).body;
    expect(reversed.events.map((e: { id: number }) => e.id)).toEqual([events.length, events.length - 1]);
    expect(reversed.nextToken).toBeDefined();
  });

  it('treats the same execution name as idempotent, and a different input as a conflict', async () => {
    await createMachine('idem', { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const first = await start('idem', { name: 'once', input: { a: 1 } });
    const again = await start('idem', { name: 'once', input: { a: 1 } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.executionArn).toBe(first.body.executionArn);
    const other = await start('idem', { name: 'once', input: { a: 2 } });
    expect(other.status).toBe(409);
    const listed = (await server.call('GET', '/v1/state-machines/idem/executions')).body.executions;
    expect(listed).toHaveLength(1);
  });

  it('stops a running execution as ABORTED and refuses to stop it twice', async () => {
    await createMachine('sleepy', {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 600, End: true } },
    });
    await start('sleepy', { name: 'nap' });
    const stopped = await server.call('POST', '/v1/state-machines/sleepy/executions/nap/stop', {
      error: 'Operator',
      cause: 'testing',
    });
    expect(stopped.status).toBe(200);
    const e = (await server.call('GET', '/v1/state-machines/sleepy/executions/nap')).body;
    expect(e).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'testing' });
    expect((await history('sleepy', 'nap')).at(-1).type).toBe('ExecutionAborted');
    expect((await server.call('POST', '/v1/state-machines/sleepy/executions/nap/stop', {})).status).toBe(409);
    const aborted = (await server.call('GET', '/v1/state-machines/sleepy/executions?status=ABORTED')).body
      .executions;
    expect(aborted.map((x: { name: string }) => x.name)).toEqual(['nap']);
  });

  it('completes .waitForTaskToken tasks through SendTaskSuccess and fails them through SendTaskFailure', async () => {
    const tokens: string[] = [];
    server.runtime.registry.register('arn:dbplane:states:::test:callback', async (task) => {
      tokens.push(String((task.input as { token: string }).token));
      return { type: 'callback' };
    });
    await createMachine('callback', {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:dbplane:states:::test:callback.waitForTaskToken',
          Parameters: { 'token.$': '$$.Task.Token' },
          End: true,
        },
      },
    });
    await start('callback', { name: 'yes' });
    await expect.poll(() => tokens.length, { timeout: 10_000 }).toBe(1);
    const ok = await server.call('POST', '/v1/task-tokens/success', {
      taskToken: tokens[0],
      output: { approved: true },
    });
    expect(ok.status).toBe(200);
    expect(await waitEnd('callback', 'yes')).toMatchObject({
      status: 'SUCCEEDED',
      output: { approved: true },
    });
    expect(
      (await server.call('POST', '/v1/task-tokens/success', { taskToken: tokens[0], output: {} })).status,
    ).toBe(404);
    await start('callback', { name: 'no' });
    await expect.poll(() => tokens.length, { timeout: 10_000 }).toBe(2);
    await server.call('POST', '/v1/task-tokens/failure', {
      taskToken: tokens[1],
      error: 'Rejected',
      cause: 'by a human',
    });
    expect(await waitEnd('callback', 'no')).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'by a human',
    });
  });

  it('hands activity tasks to a polling worker', async () => {
    const activity = await server.call('POST', '/v1/activities', { name: 'review' });
    expect(activity.status).toBe(201);
    await createMachine('reviewed', {
      StartAt: 'Review',
      States: { Review: { Type: 'Task', Resource: activity.body.activityArn, End: true } },
    });
    const polling = server.call('POST', '/v1/activities/review/tasks', { workerName: 'w1', waitSeconds: 20 });
    await start('reviewed', { name: 'r1', input: { doc: 42 } });
    const task = (await polling).body;
    expect(JSON.parse(task.input)).toEqual({ doc: 42 });
    expect((await server.call('POST', '/v1/activities/review/tasks', { waitSeconds: 0 })).body).toEqual({});
    await server.call('POST', '/v1/task-tokens/success', {
      taskToken: task.taskToken,
      output: { verdict: 'ok' },
    });
    expect(await waitEnd('reviewed', 'r1')).toMatchObject({ status: 'SUCCEEDED', output: { verdict: 'ok' } });
  });

  it('times out a task that is not completed in time, and one whose heartbeat stops', async () => {
    server.runtime.registry.register('arn:dbplane:states:::test:silent', async () => ({ type: 'callback' }));
    await createMachine('timeouts', {
      StartAt: 'Slow',
      States: {
        Slow: {
          Type: 'Task',
          Resource: 'arn:dbplane:states:::test:silent.waitForTaskToken',
          TimeoutSeconds: 1,
          End: true,
        },
      },
    });
    await start('timeouts', { name: 't1' });
    expect(await waitEnd('timeouts', 't1')).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await createMachine('heartbeats', {
      StartAt: 'Beat',
      States: {
        Beat: {
          Type: 'Task',
          Resource: 'arn:dbplane:states:::test:silent.waitForTaskToken',
          TimeoutSeconds: 60,
          HeartbeatSeconds: 1,
          End: true,
        },
      },
    });
    await start('heartbeats', { name: 'h1' });
    expect(await waitEnd('heartbeats', 'h1')).toMatchObject({
      status: 'FAILED',
      error: 'States.HeartbeatTimeout',
    });
  });

  it('redrives a failed execution from the state that failed', async () => {
    let healthy = false;
    target.respond('/sometimes', () => (healthy ? { status: 200, body: { fixed: true } } : { status: 500 }));
    await createMachine(
      'redrive',
      clean({
        StartAt: 'First',
        States: {
          First: { Type: 'Pass', Result: 'kept', ResultPath: '$.first', Next: 'Call' },
          Call: http(base, '/sometimes', {
            ResultSelector: { 'body.$': '$.ResponseBody' },
            ResultPath: '$.call',
            End: true,
          }),
        },
      }),
    );
    await start('redrive', { name: 'r', input: { base: target.url, order: {} } });
    expect(await waitEnd('redrive', 'r')).toMatchObject({
      status: 'FAILED',
      error: 'States.Http.StatusCode.500',
    });
    healthy = true;
    const res = await server.call('POST', '/v1/state-machines/redrive/executions/r/redrive');
    expect(res.status).toBe(200);
    const done = await waitEnd('redrive', 'r');
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      output: { first: 'kept', call: { body: { fixed: true } } },
    });
    expect((await server.call('POST', '/v1/state-machines/redrive/executions/r/redrive')).status).toBe(409);
  });

  it('lets running executions keep their revision through an update, and finish after a delete', async () => {
    const version = (result: string) => ({
      StartAt: 'Nap',
      States: {
        Nap: { Type: 'Wait', Seconds: 1, Next: 'Say' },
        Say: { Type: 'Pass', Result: result, End: true },
      },
    });
    await createMachine('evolving', version('old'));
    await start('evolving', { name: 'before' });
    expect(
      (await server.call('PATCH', '/v1/state-machines/evolving', { definition: version('new') })).status,
    ).toBe(200);
    await start('evolving', { name: 'after' });
    expect((await server.call('DELETE', '/v1/state-machines/evolving')).status).toBe(200);
    const before = await server.pool.query("SELECT status, output FROM executions WHERE name = 'before'");
    expect(before.rows[0].status).toBe('RUNNING');
    await expect
      .poll(
        async () =>
          (
            await server.pool.query(
              "SELECT count(*)::int AS n FROM executions WHERE status = 'SUCCEEDED' AND name IN ('before', 'after')",
            )
          ).rows[0].n,
        { timeout: 10_000 },
      )
      .toBe(2);
    const outputs = await server.pool.query(
      "SELECT name, output FROM executions WHERE name IN ('before', 'after') ORDER BY name",
    );
    expect(outputs.rows).toEqual([
      { name: 'after', output: 'new' },
      { name: 'before', output: 'old' },
    ]);
  });

  it('keeps the key order of inputs, parameters and outputs, as AWS does', async () => {
    await createMachine('ordered', {
      StartAt: 'Shape',
      States: {
        Shape: {
          Type: 'Pass',
          Parameters: { 'zeta.$': '$.z', 'alpha.$': '$.a', middle: 1 },
          ResultPath: '$.shaped',
          End: true,
        },
      },
    });
    await start('ordered', { name: 'o', input: { z: 1, a: 2 } });
    const done = await waitEnd('ordered', 'o');
    expect(Object.keys(done.input)).toEqual(['z', 'a']);
    expect(Object.keys(done.output)).toEqual(['z', 'a', 'shaped']);
    expect(Object.keys(done.output.shaped)).toEqual(['zeta', 'alpha', 'middle']);
    const machine = (await server.call('GET', '/v1/state-machines/ordered')).body;
    expect(Object.keys(machine.definition.States.Shape.Parameters)).toEqual(['zeta.$', 'alpha.$', 'middle']);
  });

  it('runs EXPRESS machines in memory: StartSyncExecution answers with the result', async () => {
    server.runtime.registry.register('arn:dbplane:states:::test:double', async (t) => ({
      type: 'succeeded',
      output: { v: 2 * Number((t.input as { v: number }).v) },
    }));
    const express = (name: string, definition: unknown) =>
      server.call('POST', '/v1/state-machines', { name, definition, type: 'EXPRESS' });
    await express('fast', {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
        Double: { Type: 'Task', Resource: 'arn:dbplane:states:::test:double', End: true },
      },
    });
    const ok = await server.call('POST', '/v1/state-machines/fast/executions/sync', {
      name: 's1',
      input: { v: 21 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'SUCCEEDED', name: 's1', input: { v: 21 }, output: { v: 42 } });
    expect(ok.body.executionArn).toMatch(/^arn:dbplane:states:local-1:000000000000:express:fast:s1:/);
    await express('fails', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Bad', Cause: 'input' } } });
    const failed = await server.call('POST', '/v1/state-machines/fails/executions/sync', {});
    expect(failed.body).toMatchObject({ status: 'FAILED', error: 'Bad', cause: 'input' });
    await express('callbacks', {
      StartAt: 'Ask',
      States: {
        Ask: { Type: 'Task', Resource: 'arn:dbplane:states:::test:double.waitForTaskToken', End: true },
      },
    });
    const refused = await server.call('POST', '/v1/state-machines/callbacks/executions/sync', {});
    expect(refused.body).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const standard = await server.call('POST', '/v1/state-machines/idem/executions/sync', {});
    expect(standard.status).toBe(400);
    expect(standard.body.error.code).toBe('StateMachineTypeNotSupported');
    expect((await server.call('GET', '/v1/state-machines/fast/executions')).body.executions).toEqual([]);
  });

  it('refuses an input over 256 KiB and an unknown state machine', async () => {
    const big = await start('idem', { input: { blob: 'x'.repeat(262_145) } });
    expect(big.status).toBe(400);
    expect(big.body.error.details.problems[0].path).toBe('/input');
    expect((await start('nope', {})).status).toBe(404);
  });
});

describe('execution logs', () => {
  const server = useTestServer();

  it('keeps the events of the logging level, with or without data, and sweeps them after retention', async () => {
    const definition = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Fail', Error: 'Nope', Cause: 'on purpose' } },
    };
    for (const [name, logging] of [
      ['all', { level: 'ALL', includeExecutionData: false }],
      ['errors', { level: 'ERROR', includeExecutionData: true }],
      ['off', { level: 'OFF', includeExecutionData: true }],
    ] as const) {
      expect((await server.call('POST', '/v1/state-machines', { name, definition, logging })).status).toBe(
        201,
      );
      await server.call('POST', `/v1/state-machines/${name}/executions`, {
        name: 'x',
        input: { secret: 'data' },
      });
      await expect
        .poll(async () => (await server.call('GET', `/v1/state-machines/${name}/executions/x`)).body.status, {
          timeout: 10_000,
        })
        .toBe('FAILED');
    }
    const all = (await server.call('GET', '/v1/state-machines/all/logs')).body.logs;
    expect(all.map((l: { event: { type: string } }) => l.event.type)).toEqual(
      (await server.call('GET', '/v1/state-machines/all/executions/x/history')).body.events.map(
        (e: { type: string }) => e.type,
      ),
    );
    expect(JSON.stringify(all)).not.toContain('"secret"');
    const errors = (await server.call('GET', '/v1/state-machines/errors/logs')).body.logs;
    expect(errors.map((l: { event: { type: string } }) => l.event.type)).toEqual(['ExecutionFailed']);
    expect((await server.call('GET', '/v1/state-machines/off/logs')).body.logs).toEqual([]);
    const { sweep } = await import('./logs.js');
    await server.pool.query("UPDATE execution_logs SET created_at = now() - interval '15 days'");
    await server.pool.query("UPDATE executions SET stop_date = now() - interval '91 days' WHERE name = 'x'");
    const swept = await sweep(server.pool, { logDays: 14, executionDays: 90 });
    expect(swept.logs).toBe(all.length + errors.length);
    expect(swept.executions).toBe(3);
    expect((await server.call('GET', '/v1/state-machines/all/executions/x')).status).toBe(404);
  });
});
