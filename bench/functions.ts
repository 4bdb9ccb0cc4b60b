/**
 * Functions: warm invocation latency (p50/p99) and invocations per second for
 * a trivial handler, directly and through a one-Task state machine (EXPRESS,
 * StartSyncExecution), against one `dbplane up` process.
 *
 *   npm run bench -- functions [--quick]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeProcess } from '../packages/dbplane/src/test-support/node-process.js';
import { ADMIN_URL, admin, type Bench, percentile } from './lib.js';

export const run: Bench = async ({ quick, emit }) => {
  const name = `dbplane_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const code = await mkdtemp(join(tmpdir(), 'dbplane-bench-fn-'));
  await writeFile(join(code, 'index.mjs'), 'export const handler = async (e) => ({ ok: true, n: e.n });');
  const node = await startNodeProcess({ databaseUrl: url.toString() });
  try {
    const key = (await readFile(join(node.dataDir, 'admin.key'), 'utf8')).trim();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${node.url}${path}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    await call('POST', '/v1/functions', { name: 'trivial', handler: 'index.handler', code: { path: code } });
    const definition = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'trivial', 'Payload.$': '$' },
          End: true,
        },
      },
    };
    await call('POST', '/v1/state-machines', { name: 'one-task', definition, type: 'EXPRESS' });
    const paths = {
      direct: (i: number) => call('POST', '/v1/functions/trivial/invocations', { payload: { n: i } }),
      state_machine: (i: number) =>
        call('POST', '/v1/state-machines/one-task/executions/sync', { input: { n: i } }),
    };
    const n = quick ? 200 : 2000;
    for (const [label, invoke] of Object.entries(paths)) {
      for (let i = 0; i < 20; i++) await invoke(i);
      const latencies: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await invoke(i);
        latencies.push(performance.now() - t0);
      }
      emit({
        bench: 'functions',
        metric: `warm_invoke_p50_ms_${label}`,
        value: percentile(latencies, 50),
        unit: 'ms',
      });
      emit({
        bench: 'functions',
        metric: `warm_invoke_p99_ms_${label}`,
        value: percentile(latencies, 99),
        unit: 'ms',
      });
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < n) await invoke(next++);
        }),
      );
      emit({
        bench: 'functions',
        metric: `invocations_per_s_${label}`,
        value: n / ((performance.now() - t0) / 1000),
        unit: '1/s',
      });
    }
  } finally {
    await node.kill('SIGTERM');
    await rm(node.dataDir, { recursive: true, force: true });
    await rm(code, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
};
