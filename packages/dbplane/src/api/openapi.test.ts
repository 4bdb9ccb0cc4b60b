import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';
import { routesOf } from './route-list.js';

describe('GET /openapi.json', () => {
  const server = useTestServer();

  it('is public and describes every /v1 route with its parameters and answers', async () => {
    const res = await server.call('GET', '/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries<Record<string, { responses: object }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const routes = routesOf(server.app).filter((r) => r.includes(' /v1'));
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const route of routes) expect(documented, route).toContain(route);
    for (const expected of [
      'POST /v1/api-keys',
      'GET /v1/api-keys',
      'GET /v1/api-keys/{name}',
      'DELETE /v1/api-keys/{name}',
      'GET /v1/audit',
    ]) {
      expect(documented).toContain(expected);
    }
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('serves health and metrics without a key', async () => {
    expect((await server.call('GET', '/healthz', undefined, null)).body).toEqual({ status: 'ok' });
    expect((await server.call('GET', '/readyz', undefined, null)).body).toEqual({ status: 'ready' });
    const metrics = await fetch(`${server.url}/metrics`);
    const text = await metrics.text();
    expect(text).toContain('dbplane_http_request_duration_seconds');
    expect(text).toContain('dbplane_process_cpu_user_seconds_total');
    expect(text).toContain('dbplane_executions_started_total');
    expect(text).toMatch(/dbplane_work_queue_depth{queue="tasks"} \d+/);
  });
});
