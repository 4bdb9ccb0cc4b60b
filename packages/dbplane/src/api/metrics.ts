import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { App } from './types.js';

/**
 * Prometheus metrics at `/metrics`: process metrics and HTTP request
 * durations by method, route and status. One registry per server.
 */
export function installMetrics(app: App, registry: Registry): void {
  const duration = new Histogram({
    name: 'dbplane_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/** A node's metrics registry, with the process metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dbplane_' });
  return registry;
}
