/**
 * Durable executions: one and two `dbplane up` processes on one PostgreSQL.
 * Prints durable state transitions per second, executions started per
 * second, and StartExecution -> first task invocation latency (p50/p99).
 *
 *   npm run bench -- executions [--quick]
 *
 * Uses DBPLANE_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * to create and drop a database of its own.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import {
  type NodeProcess,
  removeDir,
  startNodeProcess,
} from '../packages/dbplane/src/test-support/node-process.js';
import { ADMIN_URL, admin, type Bench, percentile } from './lib.js';

const CHAIN = 20;

function chain(): unknown {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < CHAIN; i++) {
    states[`S${i}`] = i === CHAIN - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` };
  }
  return { StartAt: 'S0', States: states };
}

/** A loopback HTTP endpoint that notes when each request arrives. */
async function arrivals() {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = String(req.headers['x-bench-id'] ?? '');
    if (!seen.has(id)) seen.set(id, performance.now());
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function measure(
  nodes: NodeProcess[],
  key: string,
  db: string,
  quick: boolean,
  label: string,
  emit: Parameters<Bench>[0]['emit'],
) {
  const call = async (i: number, method: string, path: string, body?: unknown) => {
    const node = nodes[i % nodes.length] as NodeProcess;
    const res = await fetch(`${node.url}${path}`, {
      method,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  await call(0, 'POST', '/v1/state-machines', { name: 'chain', definition: chain() });
  const n = quick ? 200 : 2000;
  const ids = Array.from({ length: n }, (_, i) => i);
  const t0 = performance.now();
  await pool(ids, 32, async (i) => {
    await call(i, 'POST', '/v1/state-machines/chain/executions', { name: `c${i}`, input: { i } });
  });
  const startSeconds = (performance.now() - t0) / 1000;
  emit({
    bench: 'executions',
    metric: `executions_started_per_s_${label}`,
    value: n / startSeconds,
    unit: '1/s',
  });
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  for (;;) {
    const r = await c.query("SELECT count(*) AS n FROM executions WHERE status = 'RUNNING'");
    if (Number(r.rows[0].n) === 0) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const span = await c.query(
    `SELECT extract(epoch FROM max(stop_date) - min(start_date)) AS s, count(*) FILTER (WHERE status = 'SUCCEEDED') AS ok,
       (SELECT count(*) FROM execution_events WHERE type LIKE '%StateEntered') AS transitions FROM executions`,
  );
  await c.end();
  const { s, ok, transitions } = span.rows[0];
  if (Number(ok) !== n) throw new Error(`only ${ok} of ${n} executions succeeded`);
  emit({
    bench: 'executions',
    metric: `durable_transitions_per_s_${label}`,
    value: Number(transitions) / Number(s),
    unit: '1/s',
  });

  const target = await arrivals();
  await measureLoop(call, db, target.url, quick, label, emit);
  await call(0, 'POST', '/v1/state-machines', {
    name: 'first-task',
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Parameters: { ApiEndpoint: target.url, Method: 'POST', Headers: { 'x-bench-id.$': '$.id' } },
          End: true,
        },
      },
    },
  });
  const latencies: number[] = [];
  const m = quick ? 50 : 300;
  for (let i = 0; i < m; i++) {
    const id = `l${i}`;
    const sent = performance.now();
    await call(i, 'POST', '/v1/state-machines/first-task/executions', { name: id, input: { id } });
    while (!target.seen.has(id)) await new Promise((r) => setTimeout(r, 1));
    latencies.push((target.seen.get(id) as number) - sent);
  }
  await target.close();
  emit({
    bench: 'executions',
    metric: `start_to_first_task_p50_ms_${label}`,
    value: percentile(latencies, 50),
    unit: 'ms',
  });
  emit({
    bench: 'executions',
    metric: `start_to_first_task_p99_ms_${label}`,
    value: percentile(latencies, 99),
    unit: 'ms',
  });
}

type Call = (i: number, method: string, path: string, body?: unknown) => Promise<any>;

/** A machine whose transitions go through task results and the engine loop: 5 Pass, a Task, 5 Pass, a Task, 5 Pass. */
function withTasks(url: string): unknown {
  const states: Record<string, unknown> = {};
  const names = Array.from({ length: 17 }, (_, i) => `S${i}`);
  names.forEach((name, i) => {
    const next = i === names.length - 1 ? { End: true } : { Next: names[i + 1] };
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: { ApiEndpoint: url, Method: 'POST' },
      ResultPath: null,
    };
    states[name] = i === 5 || i === 11 ? { ...task, ...next } : { Type: 'Pass', ...next };
  });
  return { StartAt: 'S0', States: states };
}

async function measureLoop(
  call: Call,
  db: string,
  url: string,
  quick: boolean,
  label: string,
  emit: Parameters<Bench>[0]['emit'],
) {
  await call(0, 'POST', '/v1/state-machines', { name: 'loop', definition: withTasks(url) });
  const n = quick ? 100 : 1000;
  const t0 = performance.now();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    32,
    async (i) => {
      await call(i, 'POST', '/v1/state-machines/loop/executions', { name: `t${i}`, input: {} });
    },
  );
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  for (;;) {
    const r = await c.query("SELECT count(*) AS n FROM executions WHERE status = 'RUNNING'");
    if (Number(r.rows[0].n) === 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  await c.end();
  emit({
    bench: 'executions',
    metric: `durable_transitions_with_tasks_per_s_${label}`,
    value: (n * 17) / seconds,
    unit: '1/s',
  });
}

export const run: Bench = async ({ quick, emit }) => {
  for (const count of [1, 2]) {
    const name = `dbplane_bench_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const nodes: NodeProcess[] = [];
    try {
      nodes.push(await startNodeProcess({ databaseUrl: url.toString() }));
      for (let i = 1; i < count; i++) nodes.push(await startNodeProcess({ databaseUrl: url.toString() }));
      const key = (await readFile(join((nodes[0] as NodeProcess).dataDir, 'admin.key'), 'utf8')).trim();
      await measure(nodes, key, url.toString(), quick, count === 1 ? '1_node' : '2_nodes', emit);
    } finally {
      for (const node of nodes) {
        await node.kill('SIGTERM');
        await removeDir(node.dataDir);
      }
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
};
