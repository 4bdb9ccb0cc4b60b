import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test-support/database.js';
import { useHttpTarget } from '../test-support/http-target.js';
import { type NodeProcess, removeDir, startNodeProcess } from '../test-support/node-process.js';

const EXECUTIONS = 300;

/**
 * Chaos: three `dbplane up` processes share one store and run 300 executions
 * while one of them is killed with SIGKILL and restarted at random moments.
 */
describe('durability under kill -9', () => {
  const db = useTestDatabase({ migrated: false });
  const target = useHttpTarget();
  const nodes: NodeProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.kill();
    for (const d of dirs) await removeDir(d);
  });

  it('runs every execution to success exactly once, with whole histories and recorded side effects', {
    timeout: 240_000,
  }, async () => {
    target.respond('/effect', (_n, req) => ({
      status: 200,
      body: { token: req.headers['idempotency-key'] },
    }));
    const start = async (i: number) => {
      const node = await startNodeProcess({ databaseUrl: db.url, env: { DBPLANE_TASK_LEASE_MS: '2000' } });
      dirs.push(node.dataDir);
      nodes[i] = node;
      return node;
    };
    const first = await start(0);
    await Promise.all([start(1), start(2)]);
    const key = (await readFile(join(first.dataDir, 'admin.key'), 'utf8')).trim();
    const call = async (node: NodeProcess, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${node.url}${path}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const effect = {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: { ApiEndpoint: `${target.url}/effect`, Method: 'POST', 'RequestBody.$': '$' },
    };
    const definition = {
      StartAt: 'Before',
      States: {
        Before: { ...effect, ResultPath: '$.before', Next: 'Pause' },
        // long enough for several kills while executions run (a node restarts in seconds)
        Pause: { Type: 'Wait', Seconds: 8, Next: 'Fan' },
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          ResultPath: '$.fanned',
          Next: 'After',
        },
        After: { ...effect, ResultPath: '$.after', End: true },
      },
    };
    expect((await call(first, 'POST', '/v1/state-machines', { name: 'chaos', definition })).status).toBe(201);

    let stopChaos = false;
    const chaos = (async () => {
      let kills = 0;
      while (!stopChaos) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
        if (stopChaos) break;
        const i = 1 + Math.floor(Math.random() * 2);
        await nodes[i]?.kill('SIGKILL');
        kills += 1;
        await start(i);
      }
      return kills;
    })();

    // starts go to every node, so that tasks a node runs itself right after its commit are lost with it too;
    // a start whose node died is sent again to the first node (the same name and input: the same execution)
    for (let i = 0; i < EXECUTIONS; i++) {
      const body = { name: `e${i}`, input: { i, items: [1, 2, 3] } };
      const path = '/v1/state-machines/chaos/executions';
      const res = await call(nodes[i % 3] as NodeProcess, 'POST', path, body).catch(() =>
        call(nodes[0] as NodeProcess, 'POST', path, body),
      );
      expect([200, 201]).toContain(res.status);
    }
    const deadline = Date.now() + 150_000;
    let running = EXECUTIONS;
    while (running > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      running = Number(
        (
          await call(
            nodes[0] as NodeProcess,
            'GET',
            '/v1/state-machines/chaos/executions?status=RUNNING&limit=1000',
          )
        ).body.executions.length,
      );
    }
    stopChaos = true;
    const kills = await chaos;
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(running).toBe(0);

    const all = (await call(nodes[0] as NodeProcess, 'GET', '/v1/state-machines/chaos/executions?limit=1000'))
      .body.executions;
    expect(all).toHaveLength(EXECUTIONS);
    expect(all.filter((e: { status: string }) => e.status !== 'SUCCEEDED')).toEqual([]);

    const tokens = new Set(
      target.requests.filter((r) => r.path === '/effect').map((r) => String(r.headers['idempotency-key'])),
    );
    for (let i = 0; i < EXECUTIONS; i += 1) {
      const h = (
        await call(
          nodes[0] as NodeProcess,
          'GET',
          `/v1/state-machines/chaos/executions/e${i}/history?limit=1000`,
        )
      ).body.events;
      expect(h.map((e: { id: number }) => e.id)).toEqual(h.map((_: unknown, k: number) => k + 1));
      expect(h[0].type).toBe('ExecutionStarted');
      expect(h.at(-1).type).toBe('ExecutionSucceeded');
      expect(h.filter((e: { type: string }) => e.type === 'ExecutionSucceeded')).toHaveLength(1);
      expect(h.filter((e: { type: string }) => e.type === 'TaskSucceeded')).toHaveLength(2);
      const out = (await call(nodes[0] as NodeProcess, 'GET', `/v1/state-machines/chaos/executions/e${i}`))
        .body.output;
      expect(tokens.has(String(out.before.ResponseBody.token))).toBe(true);
      expect(tokens.has(String(out.after.ResponseBody.token))).toBe(true);
      expect(out.before.ResponseBody.token).not.toBe(out.after.ResponseBody.token);
    }
  });
});
