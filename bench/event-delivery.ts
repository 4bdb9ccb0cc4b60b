/**
 * End-to-end event delivery: PutEvents -> the rule's HTTP target called,
 * p50/p99 in ms. One `dbplane up` on a store database of its own (created
 * and dropped on DBPLANE_BENCH_DATABASE_URL); one rule on the default bus
 * whose target is a loopback HTTP endpoint; events sent one at a time, each
 * timed from the PutEvents request to the endpoint seeing it. `events` runs
 * it after the matcher figures.
 *
 *   npm run bench -- event-delivery [--quick]
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import {
  type NodeProcess,
  removeDir,
  startNodeProcess,
} from '../packages/dbplane/src/test-support/node-process.js';
import { ADMIN_URL, admin, type Bench, client, percentile } from './lib.js';

/** A loopback endpoint noting when the event numbered `detail.n` first arrives. */
async function endpoint() {
  const seen = new Map<number, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const n = Number((JSON.parse(body || '{}') as { detail?: { n?: number } }).detail?.n);
      if (!seen.has(n)) seen.set(n, performance.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/e`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const run: Bench = async ({ quick, emit }) => {
  const store = `dbplane_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${store}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${store}`;
  const target = await endpoint();
  let node: NodeProcess | undefined;
  try {
    node = await startNodeProcess({ databaseUrl: url.toString() });
    const key = (await readFile(join(node.dataDir, 'admin.key'), 'utf8')).trim();
    const api = client(node.url, key);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await api(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await call('POST', '/v1/rules', { name: 'latency', eventPattern: { source: ['bench.latency'] } });
    await call('PUT', '/v1/rules/latency/targets', { targets: [{ id: 'endpoint', arn: target.url }] });
    const send = async (n: number) => {
      const sent = performance.now();
      await call('POST', '/v1/events', {
        entries: [{ source: 'bench.latency', detailType: 'tick', detail: { n } }],
      });
      while (!target.seen.has(n)) await new Promise((r) => setTimeout(r, 1));
      return (target.seen.get(n) as number) - sent;
    };
    for (let n = -10; n < 0; n++) await send(n); // warm-up: rules loaded, connections open
    const latencies: number[] = [];
    for (let n = 0; n < (quick ? 50 : 300); n++) latencies.push(await send(n));
    for (const p of [50, 99])
      emit({
        bench: 'events',
        metric: `put_events_to_target_p${p}_ms`,
        value: percentile(latencies, p),
        unit: 'ms',
      });
  } finally {
    if (node !== undefined) {
      await node.kill('SIGTERM');
      await removeDir(node.dataDir);
    }
    await target.close();
    await admin(`DROP DATABASE IF EXISTS ${store} WITH (FORCE)`);
  }
};
