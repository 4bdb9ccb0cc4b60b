import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './types.js';

/** Where `npm run build -w @dbplane/console` writes the console (from src/api or dist/api alike). */
const BUILT = fileURLToPath(new URL('../../../console/dist/', import.meta.url));
/** Paths the console must never answer: the API's own, which keep their JSON 404. */
const RESERVED = /^\/(?:v1|fn)(?:\/|$)|^\/(?:healthz|readyz|metrics|openapi\.json)$/;
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const NOT_BUILT =
  '<!doctype html><title>dbplane</title><p>The console is not built: run <code>npm run build -w @dbplane/console</code>.</p>';

async function readInside(dir: string, pathname: string): Promise<Buffer | undefined> {
  const file = resolve(join(dir, pathname));
  if (!file.startsWith(dir + sep) || pathname.split('/').some((p) => p.startsWith('.'))) return undefined;
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

/**
 * Serves the web console at `/`: the files Vite built, and `index.html` for
 * any other GET outside the API (the console's own routes), without an API
 * key (the console signs in itself). Unknown API paths keep their JSON 404.
 *
 * @example
 * registerConsole(app); // or registerConsole(app, { dir: '/opt/console' })
 */
export function registerConsole(app: App, opts: { dir?: string } = {}): void {
  const dir = resolve(opts.dir ?? BUILT);
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (RESERVED.test(pathname)) return reply.callNotFound();
    reply.header('x-content-type-options', 'nosniff');
    const asset = pathname === '/' ? undefined : await readInside(dir, pathname);
    if (asset !== undefined) {
      const immutable = pathname.startsWith('/assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.type(TYPES[extname(pathname)] ?? 'application/octet-stream').send(asset);
    }
    if (extname(pathname) !== '') return reply.callNotFound();
    const index = await readInside(dir, '/index.html');
    reply.header('cache-control', 'no-cache').header('content-security-policy', CSP);
    reply.type('text/html; charset=utf-8');
    return index === undefined ? reply.status(503).send(NOT_BUILT) : reply.send(index);
  };
  const options = { config: { public: true }, schema: { hide: true } };
  app.get('/', options, serve);
  app.get('/*', options, serve);
}
