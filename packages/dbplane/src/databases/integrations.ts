import { randomBytes } from 'node:crypto';
import { connectAdmin, type EngineAdmin, type EngineName } from '../engines/admin/index.js';
import { NotFoundError } from '../errors/index.js';
import { asOutcome } from '../executions/outcome.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { ExecutionsService } from '../executions/service.js';
import type { InstanceAccess } from '../instances/access.js';
import type { CredentialStore, Instance } from '../instances/types.js';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import type { EnvironmentsService } from './environments.js';
import * as sql from './sql.js';
import { type DatabaseCredentials, DEPROVISION_MACHINE } from './types.js';

interface Deps {
  pool: Pool;
  instances: InstanceAccess;
  environments: EnvironmentsService;
  credentials: CredentialStore;
  executions: ExecutionsService;
  clock?: () => Date;
}

type Input = { database: string; executionArn?: string };
const secretName = (database: string) => `dbplane/databases/${database}`;
const PREFIX = 'arn:dbplane:states:::databases';

const loadRow = async (db: Db, accountId: string, name: string, lock = false) => {
  const row = await sql.findDatabase(db, { accountId, name, lock });
  if (row === undefined) throw new NotFoundError('database', name);
  return row;
};

const withAdmin = async <T>(
  engine: EngineName,
  url: string,
  fn: (a: EngineAdmin) => Promise<T>,
): Promise<T> => {
  const admin = await connectAdmin(engine, url);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
};

/**
 * The Task resources of self-service databases (`arn:dbplane:states:::databases:*`):
 * `place`, `createDatabase`, `cleanUp`, `dropDatabase` and `expire`. Each is
 * idempotent: run twice, it does what running once does.
 */
export function registerDatabaseIntegrations(registry: TaskRegistry, deps: Deps): void {
  registry.register(`${PREFIX}:place`, (t) =>
    asOutcome(async () => place(deps, t.accountId, t.input as Input)),
  );
  registry.register(`${PREFIX}:createDatabase`, (t) =>
    asOutcome(async () => createDatabase(deps, t.accountId, (t.input as Input).database)),
  );
  registry.register(`${PREFIX}:cleanUp`, (t) =>
    asOutcome(async () => {
      const p = t.input as Input & { error?: string; cause?: string };
      return cleanUp(deps, t.accountId, p.database, `${p.error ?? 'Error'}: ${p.cause ?? ''}`);
    }),
  );
  registry.register(`${PREFIX}:dropDatabase`, (t) =>
    asOutcome(async () => dropDatabase(deps, t.accountId, t.input as Input)),
  );
  registry.register(`${PREFIX}:expire`, (t) => asOutcome(async () => expire(deps, t.accountId)));
}

/** Decides the instance (creating and starting a local one when placement says so) and records it. */
async function place(deps: Deps, accountId: string, p: Input) {
  const row = await loadRow(deps.pool, accountId, p.database);
  if (row.execution_arn === null && p.executionArn !== undefined)
    await sql.updateDatabase(deps.pool, { id: row.id, executionArn: p.executionArn });
  const instance = await instanceFor(deps, row);
  if (instance.engine !== row.engine)
    throw new Error(`instance "${instance.name}" runs ${instance.engine}, not ${row.engine}`);
  await sql.updateDatabase(deps.pool, { id: row.id, instance: instance.name });
  return { instance: instance.name };
}

async function instanceFor(deps: Deps, row: sql.DatabaseRow): Promise<Instance> {
  const ref = { accountId: row.account_id };
  if (row.dedicated)
    return deps.instances.ensureLocal({
      ...ref,
      name: `${row.name}-dedicated`,
      engine: row.engine,
      tags: { 'dbplane:database': row.name },
    });
  const env = await deps.environments.resolve(deps.pool, { ...ref, name: row.environment });
  const named = row.requested_instance ?? env.placement[row.engine]?.instance;
  if (named === undefined)
    return deps.instances.ensureLocal({ ...ref, name: `${env.name}-${row.engine}`, engine: row.engine });
  const found = await deps.instances.find({ ...ref, name: named });
  if (found === undefined) throw new NotFoundError('instance', named);
  return found;
}

/** The owner's credentials: from the database's secret, or new ones stored there first. */
async function ownerCredentials(
  deps: Deps,
  row: sql.DatabaseRow,
  instance: Instance,
): Promise<DatabaseCredentials> {
  if (instance.endpoint === null) throw new Error(`instance "${instance.name}" has no endpoint`);
  const name = secretName(row.name);
  if (row.secret_arn !== null)
    return (await deps.credentials.get({
      accountId: row.account_id,
      arn: row.secret_arn,
    })) as DatabaseCredentials;
  const creds: DatabaseCredentials = {
    engine: row.engine,
    host: instance.endpoint.host,
    port: instance.endpoint.port,
    username: row.owner_login,
    password: randomBytes(24).toString('base64url'),
    dbname: row.name,
    ...(instance.adminSecretArn === null ? {} : { masterarn: instance.adminSecretArn }),
  };
  await withTransaction(deps.pool, async (tx) => {
    const secretArn = await deps.credentials.put(tx, { accountId: row.account_id, name, value: creds });
    await sql.updateDatabase(tx, { id: row.id, secretArn });
  });
  return creds;
}

async function createDatabase(deps: Deps, accountId: string, database: string) {
  const row = await loadRow(deps.pool, accountId, database);
  if (row.status === 'available') return { database, status: 'available' };
  if (row.status !== 'creating') throw new Error(`database "${database}" is ${row.status}`);
  const instance = await deps.instances.find({ accountId, name: row.instance ?? '' });
  if (instance === undefined) throw new NotFoundError('instance', row.instance ?? '');
  const creds = await ownerCredentials(deps, row, instance);
  await withAdmin(
    row.engine,
    await deps.instances.adminUrl({ accountId, name: instance.name }),
    async (admin) => {
      await admin.putLogin({ name: creds.username, password: creds.password });
      await admin.createDatabase({ name: row.name, owner: creds.username });
      // PostgreSQL: the owner already holds every privilege on its database and its public schema
      if (row.engine !== 'postgres') await admin.grantDatabase({ database: row.name, login: creds.username });
    },
  );
  await sql.updateDatabase(deps.pool, {
    id: row.id,
    status: 'available',
    statusReason: null,
    endpoint: { host: creds.host, port: creds.port },
  });
  return { database, status: 'available', endpoint: { host: creds.host, port: creds.port } };
}

/** Removes what a failed provisioning made (database, login, secret) and marks it failed. */
async function cleanUp(deps: Deps, accountId: string, database: string, reason: string) {
  const row = await sql.findDatabase(deps.pool, { accountId, name: database });
  if (row === undefined) return { database, status: 'gone' };
  await dropParts(deps, row).catch(() => {});
  await sql.updateDatabase(deps.pool, { id: row.id, status: 'failed', statusReason: reason.slice(0, 1000) });
  return { database, status: 'failed' };
}

/** Drops the database and its login (where its instance still answers) and schedules its secret's deletion. */
async function dropParts(deps: Deps, row: sql.DatabaseRow): Promise<void> {
  const ref = { accountId: row.account_id };
  const instance =
    row.instance === null ? undefined : await deps.instances.find({ ...ref, name: row.instance });
  if (instance !== undefined && instance.status === 'available' && !row.dedicated)
    await withAdmin(
      row.engine,
      await deps.instances.adminUrl({ ...ref, name: instance.name }),
      async (admin) => {
        await admin.dropDatabase(row.name);
        await admin.dropLogin(row.owner_login);
      },
    );
  if (row.dedicated && row.instance !== null)
    await deps.instances.removeLocal({ ...ref, name: row.instance });
  const arn = row.secret_arn;
  if (arn !== null) await withTransaction(deps.pool, (tx) => deps.credentials.remove(tx, { ...ref, arn }));
}

async function dropDatabase(deps: Deps, accountId: string, p: Input) {
  const row = await sql.findDatabase(deps.pool, { accountId, name: p.database });
  if (row === undefined) return { database: p.database, deleted: true };
  if (row.status !== 'deleting') throw new Error(`database "${p.database}" is ${row.status}, not deleting`);
  await dropParts(deps, row);
  await sql.deleteDatabase(deps.pool, row.id);
  return { database: p.database, deleted: true };
}

/** Marks every expired database `deleting` and starts its deprovisioning, in one transaction. */
async function expire(deps: Deps, accountId: string) {
  const now = deps.clock?.() ?? new Date();
  return withTransaction(deps.pool, async (tx) => {
    const rows = await sql.expiredDatabases(tx, { accountId, now, limit: 100 });
    for (const row of rows) {
      await sql.updateDatabase(tx, { id: row.id, status: 'deleting', statusReason: 'its TTL ran out' });
      await deps.executions.start(tx, {
        accountId,
        stateMachine: DEPROVISION_MACHINE,
        name: `expire-${row.id}`,
        input: { database: row.name },
      });
    }
    return { expired: rows.map((r) => r.name) };
  });
}
