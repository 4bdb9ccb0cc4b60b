import type pg from 'pg';

/**
 * The client settings of a `postgres://` URL, for `database` instead of the URL's when
 * given. Built by hand rather than by rewriting the URL's path: pg decodes
 * the path with decodeURI, which leaves `;`, `/`, `?`... of a database name
 * encoded.
 *
 * @example
 * new pg.Client(clientConfig('postgres://postgres@127.0.0.1:5432/postgres', 'x;y'))
 */
export function clientConfig(url: string, database?: string, applicationName = 'dbplane'): pg.ClientConfig {
  const u = new URL(url);
  const q = u.searchParams;
  const sslmode = q.get('sslmode');
  const config: pg.ClientConfig = {
    host: q.get('host') ?? decodeURIComponent(u.hostname),
    port: u.port === '' ? 5432 : Number(u.port),
    database: database ?? (decodeURIComponent(u.pathname.slice(1)) || undefined),
    connectionTimeoutMillis: 10_000,
    application_name: applicationName,
  };
  if (u.username !== '') config.user = decodeURIComponent(u.username);
  if (u.password !== '') config.password = decodeURIComponent(u.password);
  if (sslmode !== null && sslmode !== 'disable')
    config.ssl = { rejectUnauthorized: sslmode === 'verify-full' };
  return config;
}
