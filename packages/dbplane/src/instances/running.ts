import type { RunningServer } from '../engines/local/types.js';
import { type Pool, withTransaction } from '../store/db.js';
import type { InstanceEvents } from './events.js';
import * as sql from './sql.js';
import type { CredentialStore } from './types.js';
import { credentialsFromUrl } from './urls.js';

/**
 * Records that a local instance's server runs: status `available`, its
 * endpoint and version, and its admin credentials in the secrets store (a new
 * secret version only when the host, port or password changed).
 */
export async function recordRunning(
  deps: { pool: Pool; credentials: CredentialStore; events?: InstanceEvents | undefined },
  row: sql.InstanceRow,
  server: RunningServer,
): Promise<void> {
  const value = credentialsFromUrl(row.engine, server.adminUrl);
  const stored =
    row.admin_secret_arn === null
      ? undefined
      : await deps.credentials
          .get({ accountId: row.account_id, arn: row.admin_secret_arn })
          .catch(() => undefined);
  const same =
    stored !== undefined &&
    stored.host === value.host &&
    stored.port === value.port &&
    stored.username === value.username &&
    stored.password === value.password;
  await withTransaction(deps.pool, async (tx) => {
    const adminSecretArn = same
      ? undefined
      : await deps.credentials.put(tx, {
          accountId: row.account_id,
          name: `dbplane/instances/${row.name}/admin`,
          value,
        });
    await sql.updateInstance(
      tx,
      {
        id: row.id,
        status: 'available',
        statusReason: null,
        version: server.version,
        host: server.host,
        port: server.port,
        ...(adminSecretArn === undefined ? {} : { adminSecretArn }),
      },
      deps.events,
    );
  });
}
