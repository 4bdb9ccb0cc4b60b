import { describe, expect, it } from 'vitest';
import { eventually, receiveOne } from '../test-support/bus.js';
import { useTestServer } from '../test-support/server.js';

describe('execution status-change events', () => {
  const server = useTestServer();

  it('publishes "Step Functions Execution Status Change" as AWS does, so a rule can route it', async () => {
    await server.call('POST', '/v1/queues', { name: 'watch' });
    const queueArn = (await server.call('GET', '/v1/queues/watch')).body.arn as string;
    await server.call('POST', '/v1/state-machines', {
      name: 'greeter',
      definition: { StartAt: 'Hi', States: { Hi: { Type: 'Pass', Result: { hello: 'world' }, End: true } } },
    });
    const machineArn = (await server.call('GET', '/v1/state-machines/greeter')).body.arn as string;
    const rule = await server.call('POST', '/v1/rules', {
      name: 'finished',
      eventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['SUCCEEDED'], stateMachineArn: [machineArn] },
      },
    });
    expect(rule.status).toBe(201);
    await server.call('PUT', '/v1/rules/finished/targets', { targets: [{ id: 'q', arn: queueArn }] });
    const started = await server.call('POST', '/v1/state-machines/greeter/executions', {
      name: 'one',
      input: { who: 'me' },
    });
    expect(started.status).toBe(201);
    const message = await eventually(() => receiveOne(server, 'watch'));
    const event = JSON.parse(message.body);
    expect(event).toMatchObject({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      resources: [started.body.executionArn],
      detail: {
        executionArn: started.body.executionArn,
        stateMachineArn: machineArn,
        name: 'one',
        status: 'SUCCEEDED',
        input: '{"who":"me"}',
        output: '{"hello":"world"}',
        error: null,
      },
    });
    expect(typeof event.detail.startDate).toBe('number');
    expect(event.detail.stopDate).toBeGreaterThanOrEqual(event.detail.startDate);
    // only the final status matched: the RUNNING event was published but not routed here
    const running = await server.pool.query(
      "SELECT count(*)::int AS n FROM events WHERE envelope->'detail'->>'status' = 'RUNNING' AND envelope->'detail'->>'name' = 'one'",
    );
    expect(running.rows[0].n).toBe(1);
    expect(await receiveOne(server, 'watch')).toBeUndefined();
  });
});
