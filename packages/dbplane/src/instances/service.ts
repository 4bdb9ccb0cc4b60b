import { randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import { connectAdmin, type EngineName } from '../engines/admin/index.js';
import { ConflictError, DbplaneError, ErrorCode, NotFoundError, ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db, Pool } from '../store/db.js';
import type { InstanceEvents } from './events.js';
import * as sql from './sql.js';
import type { CredentialStore, Instance, Provider } from './types.js';
import { credentialsFromUrl } from './urls.js';
import { LOCAL_INSTANCE_BUILTIN, LOCAL_INSTANCE_MACHINE } from './workflows.js';

type Ref = Readonly<{ accountId: string; name: string }>;
export type LocalAction = 'create' | 'start' | 'stop' | 'reboot' | 'delete';

export interface InstancesDeps {
  pool: Pool;
  region: string;
  nodeId: string;
  credentials: CredentialStore;
  machines: StateMachinesService;
  executions: ExecutionsService;
  /** Whether this node can run local servers of an engine (binaries present). */
  localAvailable: (engine: EngineName) => Promise<string | undefined>;
  /** State changes published on the bus. */
  events?: InstanceEvents;
  /** How many databases live on an instance (the databases domain answers). */
  databasesOn?: (db: Db, ref: Ref) => Promise<number>;
}

/**
 * Instances: registering external servers (checked by connecting; admin
 * credentials to the secrets store) and local ones (created, started,
 * stopped, rebooted and deleted by the built-in `dbplane-local-instance`
 * workflow, which the API starts and answers 202).
 */
export function createInstancesService(deps: InstancesDeps) {
  const { pool } = deps;
  const load = async (db: Db, ref: Ref, lock = false) => {
    const row = await sql.findInstance(db, { ...ref, lock });
    if (row === undefined) throw new NotFoundError('instance', ref.name);
    return row;
  };

  const runLocal = async (tx: Db, row: sql.InstanceRow, action: LocalAction) => {
    await deps.machines.ensureBuiltin(tx, { accountId: row.account_id, ...LOCAL_INSTANCE_BUILTIN });
    const started = await deps.executions.start(tx, {
      accountId: row.account_id,
      stateMachine: LOCAL_INSTANCE_MACHINE,
      name: `${action}-${row.name}-${randomUUID().slice(0, 8)}`,
      input: { instance: row.name, action },
    });
    await sql.updateInstance(tx, { id: row.id, executionArn: started.executionArn });
  };

  const createExternal = async (tx: Db, p: Ref & { engine: EngineName; url?: string | undefined }) => {
    if (p.url === undefined)
      throw new ValidationError([{ path: '/url', message: 'is required for an external instance' }]);
    const creds = credentialsFromUrl(p.engine, p.url);
    let version: string;
    try {
      const admin = await connectAdmin(p.engine, p.url);
      version = await admin.version();
      await admin.close();
    } catch (err) {
      throw new ValidationError([{ path: '/url', message: `cannot connect: ${(err as Error).message}` }]);
    }
    const adminSecretArn = await deps.credentials.put(tx, {
      accountId: p.accountId,
      name: `dbplane/instances/${p.name}/admin`,
      value: creds,
    });
    return {
      status: 'available' as const,
      version,
      host: creds.host,
      port: creds.port,
      adminSecretArn,
      nodeId: null,
    };
  };

  return {
    async create(
      tx: Db,
      p: Ref & {
        engine: EngineName;
        provider: Provider;
        url?: string | undefined;
        deletionProtection?: boolean | undefined;
        tags?: Record<string, string> | undefined;
        /**
         * Local only: the execution (its ARN) of another workflow that fills the
         * data directory first (a physical snapshot's restore) and then runs
         * `instances:localAction` create; no lifecycle workflow is started here.
         */
        filledByExecution?: string | undefined;
      },
    ): Promise<Instance> {
      if ((await sql.findInstance(tx, p)) !== undefined)
        throw new ConflictError(`instance "${p.name}" already exists`);
      if (p.provider === 'local' && p.url !== undefined)
        throw new ValidationError([{ path: '/url', message: 'is only for external instances' }]);
      if (p.provider === 'local') {
        const missing = await deps.localAvailable(p.engine);
        if (missing !== undefined) throw new ValidationError([{ path: '/engine', message: missing }]);
      }
      const fields =
        p.provider === 'external'
          ? await createExternal(tx, p)
          : {
              status: 'creating' as const,
              version: null,
              host: null,
              port: null,
              adminSecretArn: null,
              nodeId: deps.nodeId,
            };
      const row = await sql.insertInstance(
        tx,
        {
          ...fields,
          id: randomUUID(),
          accountId: p.accountId,
          name: p.name,
          arn: instanceArn(deps.region, p.accountId, p.name),
          engine: p.engine,
          provider: p.provider,
          deletionProtection: p.deletionProtection ?? false,
          tags: p.tags ?? {},
        },
        deps.events,
      );
      if (row === undefined) throw new ConflictError(`instance "${p.name}" already exists`);
      if (p.provider === 'local' && p.filledByExecution !== undefined)
        await sql.updateInstance(tx, { id: row.id, executionArn: p.filledByExecution });
      else if (p.provider === 'local') await runLocal(tx, row, 'create');
      return toInstance(await load(tx, p));
    },

    async describe(ref: Ref): Promise<Instance> {
      return toInstance(await load(pool, ref));
    },

    async list(p: Readonly<{ accountId: string; limit: number; nextToken?: string | undefined }>) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listInstances(pool, {
        ...p,
        afterName: token === undefined ? undefined : String(token.n),
      });
      const { page, more } = takePage(rows, p.limit);
      const result: { instances: Instance[]; nextToken?: string } = { instances: page.map(toInstance) };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ n: last.name });
      return result;
    },

    /** Start, stop or reboot a local instance (202: the workflow does it). */
    async act(tx: Db, p: Ref & { action: 'start' | 'stop' | 'reboot' }): Promise<Instance> {
      const row = await load(tx, p, true);
      if (row.provider !== 'local')
        throw new ConflictError(`instance "${p.name}" is external; dbplane does not run its server`);
      const allowed = { start: ['stopped', 'failed'], stop: ['available'], reboot: ['available', 'failed'] }[
        p.action
      ];
      if (!allowed.includes(row.status))
        throw new ConflictError(
          `instance "${p.name}" is ${row.status}; ${p.action} needs ${allowed.join(' or ')}`,
        );
      const status = { start: 'starting', stop: 'stopping', reboot: 'modifying' } as const;
      await sql.updateInstance(tx, { id: row.id, status: status[p.action], statusReason: null }, deps.events);
      await runLocal(tx, row, p.action);
      return toInstance(await load(tx, p));
    },

    async remove(tx: Db, ref: Ref): Promise<Instance> {
      const row = await load(tx, ref, true);
      if (row.deletion_protection)
        throw new ConflictError(`instance "${ref.name}" has deletion protection; turn it off first`);
      if (row.status === 'deleting') return toInstance(row);
      const inUse = (await deps.databasesOn?.(tx, ref)) ?? 0;
      if (inUse > 0)
        throw new ConflictError(`instance "${ref.name}" still holds ${inUse} database(s); delete them first`);
      if (row.provider === 'external') {
        if (row.admin_secret_arn !== null)
          await deps.credentials.remove(tx, { accountId: ref.accountId, arn: row.admin_secret_arn });
        await sql.deleteInstance(tx, row.id, deps.events);
        return { ...toInstance(row), status: 'deleting' };
      }
      await sql.updateInstance(tx, { id: row.id, status: 'deleting', statusReason: null }, deps.events);
      await runLocal(tx, row, 'delete');
      return toInstance(await load(tx, ref));
    },
  };
}

export type InstancesService = ReturnType<typeof createInstancesService>;

/** An instance's ARN, in RDS's shape (`...:db:<name>`). */
export function instanceArn(region: string, accountId: string, name: string): string {
  return buildArn({ service: 'rds', region, accountId, resource: `db:${name}` });
}

export function instanceOnAnotherNode(name: string, nodeId: string | null): DbplaneError {
  return new DbplaneError(ErrorCode.Conflict, `local instance "${name}" runs on node ${nodeId ?? '(none)'}`, {
    retryable: true,
  });
}

export function toInstance(row: sql.InstanceRow): Instance {
  return {
    arn: row.arn,
    name: row.name,
    engine: row.engine,
    provider: row.provider,
    version: row.version,
    status: row.status,
    statusReason: row.status_reason,
    endpoint: row.host === null || row.port === null ? null : { host: row.host, port: row.port },
    adminSecretArn: row.admin_secret_arn,
    deletionProtection: row.deletion_protection,
    executionArn: row.execution_arn,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
