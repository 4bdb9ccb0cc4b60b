import type { App } from './types.js';

const registered = new WeakMap<object, string[]>();

/** Records every route as `METHOD /path/{param}` (OpenAPI spelling) as it is added. */
export function trackRoutes(app: App): void {
  const list: string[] = [];
  registered.set(app, list);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const m of methods) if (m !== 'HEAD') list.push(`${m} ${path}`);
  });
}

/** The routes a server built by `buildServer` serves. */
export function routesOf(app: App): readonly string[] {
  return registered.get(app) ?? [];
}
