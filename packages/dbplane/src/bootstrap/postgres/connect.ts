import pg from 'pg';
import { clientConfig } from '../../engines/admin/pg-config.js';

/**
 * Connections for the PostgreSQL planner and applier: the admin connection,
 * and one to each database the spec reaches into.
 */

/** Opens a client to `url` (`database` instead of the URL's when given). */
export async function openClient(url: string, database?: string): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(url, database, 'dbplane-bootstrap'));
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Runs `fn` with a client to `database`, closed afterwards. */
export async function withClient<T>(
  url: string,
  database: string | undefined,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await openClient(url, database);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `"name"`, or `PUBLIC` for the pseudo-role. */
export function grantee(name: string): string {
  return name === 'PUBLIC' ? 'PUBLIC' : pg.escapeIdentifier(name);
}

export const ident = (name: string): string => pg.escapeIdentifier(name);
export const literal = (value: string): string => pg.escapeLiteral(value);

/** The marker in the COMMENT of a role or database the bootstrap created. */
export const MANAGED_MARKER = 'dbplane:managed';

/** The marker of objects created under `scope` (the bare marker without one). */
export function managedMarker(scope?: string): string {
  return scope === undefined || scope === '' ? MANAGED_MARKER : `${MANAGED_MARKER} ${scope}`;
}
