import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../api/metrics.js';
import { buildServer } from '../api/server.js';
import { loadConfig } from '../config/index.js';
import { createServices } from '../node/services.js';
import { createPool } from '../store/db.js';
import { createNotifier } from '../store/notifier.js';
import { useTestDatabase } from '../test-support/database.js';
import { createLogger } from './logger.js';

describe('structured logs', () => {
  const db = useTestDatabase();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const pool = createPool(db.url, { max: 2 });
  const notifier = createNotifier(pool);
  afterAll(async () => {
    await notifier.close();
    await pool.end();
  });

  it('are JSON lines with request ids, and never hold a key or a password', async () => {
    const log = createLogger({ level: 'info', destination: sink });
    const metrics = createMetricsRegistry();
    const { services, close } = createServices({
      pool,
      region: 'local-1',
      notifier,
      metrics,
      nodeId: 'test-node',
      dataDir: '/tmp/dbplane-logger-test',
    });
    const { adminKey } = await services.accounts.ensureDefaultAccount();
    const app = await buildServer({
      config: loadConfig({ flags: { port: 0, databaseUrl: db.url } }),
      pool,
      services,
      log,
      metrics,
    });
    try {
      await app.inject({
        method: 'GET',
        url: '/v1/api-keys',
        headers: { 'x-api-key': adminKey ?? '', 'x-request-id': 'req-123' },
      });
      await app.inject({ method: 'GET', url: '/v1/audit', headers: { authorization: `Bearer ${adminKey}` } });
      log.info(
        { password: 'hunter2', nested: { secret: 's3', token: 't0k' }, databaseUrl: 'postgres://u:p@h/d' },
        'a message',
      );
    } finally {
      await app.close();
      await close();
    }
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => l.reqId === 'req-123')).toBe(true);
    const text = lines.join('\n');
    expect(text).not.toContain(adminKey);
    for (const secret of ['hunter2', '"s3"', 't0k', 'u:p@']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
