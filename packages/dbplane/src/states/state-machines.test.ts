import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';

const hello = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: 'hi', End: true } } };
const bye = { StartAt: 'Bye', States: { Bye: { Type: 'Succeed' } } };

describe('state machines', () => {
  const server = useTestServer();

  it('creates a machine with defaults and an AWS-shaped ARN', async () => {
    const res = await server.call('POST', '/v1/state-machines', { name: 'hello', definition: hello });
    expect(res.status).toBe(201);
    expect(res.body.stateMachine).toMatchObject({
      arn: 'arn:dbplane:states:local-1:000000000000:stateMachine:hello',
      name: 'hello',
      type: 'STANDARD',
      definition: hello,
      roleArn: null,
      logging: { level: 'OFF', includeExecutionData: false },
      revision: 1,
    });
    expect((await server.call('GET', '/v1/state-machines/hello')).body.definition).toEqual(hello);
    expect(
      (await server.call('POST', '/v1/state-machines', { name: 'hello', definition: hello })).status,
    ).toBe(409);
  });

  it('accepts the definition as a JSON string, as AWS does', async () => {
    const res = await server.call('POST', '/v1/state-machines', {
      name: 'stringy',
      definition: JSON.stringify(bye),
      type: 'EXPRESS',
      logging: { level: 'ALL', includeExecutionData: true },
      tags: { team: 'platform' },
    });
    expect(res.status).toBe(201);
    expect(res.body.stateMachine).toMatchObject({
      definition: bye,
      type: 'EXPRESS',
      tags: { team: 'platform' },
    });
  });

  it('refuses an invalid definition with every problem and its pointer, storing nothing', async () => {
    const bad = {
      StartAt: 'Missing',
      States: { A: { Type: 'Pass', Next: 'Nowhere' }, B: { Type: 'Teleport', End: true } },
    };
    const res = await server.call('POST', '/v1/state-machines', { name: 'broken', definition: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ValidationError');
    const paths: string[] = res.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/definition/StartAt',
        '/definition/States/A/Next',
        '/definition/States/B/Type',
      ]),
    );
    expect((await server.call('GET', '/v1/state-machines/broken')).status).toBe(404);
    const notJson = await server.call('POST', '/v1/state-machines', {
      name: 'broken',
      definition: '{"StartAt":',
    });
    expect(notJson.body.error.details.problems[0].path).toBe('/definition');
  });

  it('updates into a new revision, publishes versions and routes aliases', async () => {
    const up = await server.call('PATCH', '/v1/state-machines/hello', {
      definition: bye,
      publish: true,
      versionDescription: 'v1',
    });
    expect(up.status).toBe(200);
    expect(up.body.stateMachine.revision).toBe(2);
    expect(up.body.version).toMatchObject({
      version: 1,
      arn: `${up.body.stateMachine.arn}:1`,
      description: 'v1',
    });
    const same = await server.call('PATCH', '/v1/state-machines/hello', { definition: bye });
    expect(same.body.stateMachine.revision).toBe(2);
    await server.call('PATCH', '/v1/state-machines/hello', { definition: hello });
    const v2 = await server.call('POST', '/v1/state-machines/hello/versions', { description: 'v2' });
    expect(v2.body.version).toBe(2);
    const again = await server.call('POST', '/v1/state-machines/hello/versions', {});
    expect(again.body.version).toBe(2);
    const alias = await server.call('POST', '/v1/state-machines/hello/aliases', {
      name: 'PROD',
      routing: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    expect(alias.status).toBe(201);
    expect(alias.body.arn).toBe(`${up.body.stateMachine.arn}:PROD`);
    const badWeights = await server.call('PUT', '/v1/state-machines/hello/aliases/PROD', {
      routing: [{ version: 1, weight: 50 }],
    });
    expect(badWeights.status).toBe(400);
    expect(badWeights.body.error.details.problems[0].path).toBe('/routing');
    const badVersion = await server.call('PUT', '/v1/state-machines/hello/aliases/PROD', {
      routing: [{ version: 9, weight: 100 }],
    });
    expect(badVersion.body.error.details.problems[0].path).toBe('/routing/0/version');
    expect((await server.call('DELETE', '/v1/state-machines/hello/versions/1')).status).toBe(409);
    await server.call('PUT', '/v1/state-machines/hello/aliases/PROD', {
      routing: [{ version: 2, weight: 100 }],
    });
    expect((await server.call('DELETE', '/v1/state-machines/hello/versions/1')).status).toBe(204);
    expect(
      (await server.call('GET', '/v1/state-machines/hello/versions')).body.versions.map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([2]);
    expect((await server.call('GET', '/v1/state-machines/hello/aliases')).body.aliases[0].routing).toEqual([
      { version: 2, weight: 100 },
    ]);
  });

  it('lists with paging and deletes', async () => {
    const seen: { name: string; builtin: boolean }[] = [];
    let pages = 0;
    for (let token: string | undefined; pages === 0 || token !== undefined; pages++) {
      const page = await server.call(
        'GET',
        `/v1/state-machines?limit=4${token ? `&nextToken=${token}` : ''}`,
      );
      expect(page.body.stateMachines.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.stateMachines);
      token = page.body.nextToken;
    }
    expect(pages).toBeGreaterThan(1);
    const names = seen.map((m) => m.name);
    expect(names).toEqual([...new Set(names)].sort()); // each once, in name order
    // the user's, after the built-in machines the node installed
    expect(seen.filter((m) => !m.builtin).map((m) => m.name)).toEqual(['hello', 'stringy']);
    expect((await server.call('DELETE', '/v1/state-machines/stringy')).status).toBe(200);
    expect((await server.call('GET', '/v1/state-machines/stringy')).status).toBe(404);
  });
});
