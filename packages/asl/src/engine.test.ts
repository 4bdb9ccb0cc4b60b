import { describe, expect, it } from 'vitest';
import { parseStateMachine, redrive, type StartContext, step } from './index.js';
import type { EngineCommand, StepResult } from './types.js';

const context: StartContext = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:e1',
  executionName: 'e1',
  startTime: 1_700_000_000_000,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::123456789012:role/r',
};
const T0 = context.startTime;

function only<T extends EngineCommand['type']>(
  r: StepResult,
  type: T,
): Extract<EngineCommand, { type: T }>[] {
  return r.commands.filter((c): c is Extract<EngineCommand, { type: T }> => c.type === type);
}

const callback = parseStateMachine({
  StartAt: 'Notify',
  States: {
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token', 'who.$': '$.who' } },
      TimeoutSeconds: 300,
      HeartbeatSeconds: 60,
      End: true,
    },
  },
});

describe('the reducer', () => {
  it('asks for a waitForTaskToken invocation with the token in the parameters and timers', async () => {
    const r = await step(callback, null, { type: 'start', input: { who: 'me' }, context }, T0);
    const [invoke] = only(r, 'invokeTask');
    expect(invoke).toMatchObject({
      resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      pattern: 'waitForTaskToken',
      timeoutSeconds: 300,
      heartbeatSeconds: 60,
    });
    expect(invoke?.taskToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(invoke?.input).toEqual({ QueueUrl: 'q', MessageBody: { token: invoke?.taskToken, who: 'me' } });
    expect(invoke?.idempotencyToken).toContain(context.executionArn);
    expect(only(r, 'startTimer').map((t) => [t.purpose, t.dueAt - T0])).toEqual([
      ['taskTimeout', 300_000],
      ['heartbeat', 60_000],
    ]);
    expect(r.events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
    ]);
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
  });
  it('is pure: the same inputs give the same result, and the given state is not modified', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'me' }, context }, T0);
    const b = await step(callback, null, { type: 'start', input: { who: 'me' }, context }, T0);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const snapshot = JSON.stringify(a.state);
    const taskId = only(a, 'invokeTask')[0]?.taskId as string;
    await step(callback, a.state, { type: 'taskSucceeded', taskId, output: 1 }, T0 + 1);
    expect(JSON.stringify(a.state)).toBe(snapshot);
  });
  it('completes on taskSucceeded and cancels the timers', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'me' }, context }, T0);
    const taskId = only(a, 'invokeTask')[0]?.taskId as string;
    const b = await step(callback, a.state, { type: 'taskSucceeded', taskId, output: { ok: true } }, T0 + 5);
    expect(only(b, 'cancelTimer')).toHaveLength(2);
    expect(only(b, 'complete')).toEqual([{ type: 'complete', status: 'SUCCEEDED', output: { ok: true } }]);
    expect(b.events.map((e) => e.type)).toEqual(['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(b.events[0]?.id).toBe(5);
    const late = await step(callback, b.state, { type: 'taskSucceeded', taskId, output: 2 }, T0 + 6);
    expect(late.events).toEqual([]);
  });
  it('fails on taskFailed with the given error and cause', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'x' }, context }, T0);
    const taskId = only(a, 'invokeTask')[0]?.taskId as string;
    const b = await step(
      callback,
      a.state,
      { type: 'taskFailed', taskId, error: 'Rejected', cause: 'no' },
      T0 + 1,
    );
    expect(only(b, 'complete')[0]).toEqual({
      type: 'complete',
      status: 'FAILED',
      error: 'Rejected',
      cause: 'no',
    });
    expect(b.events.map((e) => e.type)).toEqual(['TaskFailed', 'ExecutionFailed']);
  });
  it('a heartbeat restarts the heartbeat timer; a missed one raises States.HeartbeatTimeout', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'x' }, context }, T0);
    const taskId = only(a, 'invokeTask')[0]?.taskId as string;
    const b = await step(callback, a.state, { type: 'taskHeartbeat', taskId }, T0 + 30_000);
    const hb = only(b, 'startTimer')[0];
    expect(hb).toMatchObject({ purpose: 'heartbeat', dueAt: T0 + 90_000 });
    expect(only(b, 'cancelTimer')).toHaveLength(1);
    const c = await step(
      callback,
      b.state,
      { type: 'timerFired', timerId: hb?.timerId as string },
      T0 + 90_000,
    );
    expect(c.events.map((e) => e.type)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    expect(only(c, 'complete')[0]).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  });
  it('a task timeout raises States.Timeout', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'x' }, context }, T0);
    const timer = only(a, 'startTimer').find((t) => t.purpose === 'taskTimeout');
    const b = await step(
      callback,
      a.state,
      { type: 'timerFired', timerId: timer?.timerId as string },
      T0 + 300_000,
    );
    expect(only(b, 'complete')[0]).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });
  it('TimeoutSecondsPath and HeartbeatSecondsPath read the input', async () => {
    const m = parseStateMachine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::ecs:runTask.sync',
          TimeoutSecondsPath: '$.t',
          End: true,
        },
      },
    });
    const a = await step(m, null, { type: 'start', input: { t: 7 }, context }, T0);
    expect(only(a, 'invokeTask')[0]).toMatchObject({ pattern: 'sync', timeoutSeconds: 7, taskToken: null });
    expect(only(a, 'startTimer')[0]).toMatchObject({ purpose: 'taskTimeout', dueAt: T0 + 7000 });
  });
  it('stop aborts the execution and cancels timers', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'x' }, context }, T0);
    const b = await step(callback, a.state, { type: 'stop', error: 'Stopped', cause: 'by user' }, T0 + 1);
    expect(b.events.map((e) => e.type)).toEqual(['ExecutionAborted']);
    expect(only(b, 'complete')[0]).toEqual({
      type: 'complete',
      status: 'ABORTED',
      error: 'Stopped',
      cause: 'by user',
    });
    expect(only(b, 'cancelTimer')).toHaveLength(2);
  });
  it('a Map keeps several invocations outstanding at once', async () => {
    const m = parseStateMachine({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'T',
            States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
          },
          End: true,
        },
      },
    });
    const a = await step(m, null, { type: 'start', input: [1, 2, 3], context }, T0);
    const first = only(a, 'invokeTask');
    expect(first.map((c) => c.input)).toEqual([1, 2]);
    const b = await step(
      m,
      a.state,
      { type: 'taskSucceeded', taskId: first[1]?.taskId as string, output: 'b' },
      T0 + 1,
    );
    expect(only(b, 'invokeTask').map((c) => c.input)).toEqual([3]);
    const third = only(b, 'invokeTask')[0]?.taskId as string;
    const c = await step(m, b.state, { type: 'taskSucceeded', taskId: third, output: 'c' }, T0 + 2);
    const d = await step(
      m,
      c.state,
      { type: 'taskSucceeded', taskId: first[0]?.taskId as string, output: 'a' },
      T0 + 3,
    );
    expect(only(d, 'complete')[0]).toEqual({
      type: 'complete',
      status: 'SUCCEEDED',
      output: ['a', 'b', 'c'],
    });
  });
  it('a result over 256 KiB fails with States.DataLimitExceeded, which States.ALL does not catch', async () => {
    const m = parseStateMachine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:x',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }],
          End: true,
        },
        H: { Type: 'Succeed' },
      },
    });
    const a = await step(m, null, { type: 'start', input: {}, context }, T0);
    const taskId = only(a, 'invokeTask')[0]?.taskId as string;
    const b = await step(m, a.state, { type: 'taskSucceeded', taskId, output: 'x'.repeat(262_145) }, T0 + 1);
    expect(only(b, 'complete')[0]).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });
  it('TimeoutSeconds and HeartbeatSeconds from paths also drive heartbeats', async () => {
    const m = parseStateMachine({
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:x.waitForTaskToken', HeartbeatSecondsPath: '$.hb', End: true },
      },
    });
    const a = await step(m, null, { type: 'start', input: { hb: 5 }, context }, T0);
    const taskId = only(a, 'invokeTask')[0]?.taskId as string;
    const b = await step(m, a.state, { type: 'taskHeartbeat', taskId }, T0 + 4000);
    expect(only(b, 'startTimer')[0]).toMatchObject({ purpose: 'heartbeat', dueAt: T0 + 9000 });
  });
  it('redrives a failed execution from the state that failed', async () => {
    const m = parseStateMachine({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { kept: 1 }, Next: 'T' },
        T: { Type: 'Task', Resource: 'arn:x', Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'kept.$': '$kept' }, End: true },
      },
    });
    const a = await step(m, null, { type: 'start', input: { n: 1 }, context }, T0);
    const first = only(a, 'invokeTask')[0]?.taskId as string;
    const b = await step(
      m,
      a.state,
      { type: 'taskFailed', taskId: first, error: 'Down', cause: 'later' },
      T0 + 1,
    );
    expect(b.state.status).toBe('FAILED');
    expect(await redrive(m, a.state, T0 + 2)).toBeUndefined();
    const c = await redrive(m, b.state, T0 + 3);
    expect(c?.events.map((e) => e.type)).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
    ]);
    expect(c?.events[0]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    const invoke = only(c as StepResult, 'invokeTask')[0];
    expect(invoke?.input).toEqual({ n: 1 });
    const d = await step(
      m,
      c?.state ?? null,
      { type: 'taskSucceeded', taskId: invoke?.taskId as string, output: {} },
      T0 + 4,
    );
    expect(only(d, 'complete')[0]).toEqual({ type: 'complete', status: 'SUCCEEDED', output: { kept: 1 } });
  });
  it('records the execution start details', async () => {
    const a = await step(callback, null, { type: 'start', input: { who: 'me' }, context }, T0);
    expect(JSON.parse(JSON.stringify(a.events[0]))).toEqual({
      id: 1,
      previousEventId: 0,
      timestamp: new Date(T0).toISOString(),
      type: 'ExecutionStarted',
      executionStartedEventDetails: {
        input: '{"who":"me"}',
        inputDetails: { truncated: false },
        roleArn: context.roleArn,
        stateMachineArn: context.stateMachineArn,
      },
    });
  });
});
