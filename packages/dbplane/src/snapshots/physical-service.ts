import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { InstancesService } from '../instances/service.js';
import type { Instance } from '../instances/types.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { ensureSnapshotBuiltins } from './builtins.js';
import { requestSnapshot } from './request.js';
import * as sql from './sql.js';
import { CREATE_PHYSICAL_SNAPSHOT_MACHINE, RESTORE_INSTANCE_SNAPSHOT_MACHINE } from './types.js';

/**
 * Physical snapshots of local PostgreSQL instances: the requests (202) and
 * their workflows' start; `physical-integrations.ts` does the copying.
 */
export interface PhysicalDeps {
  region: string;
  instances: InstancesService;
  machines: StateMachinesService;
  executions: ExecutionsService;
}

type Ref = Readonly<{ accountId: string; name: string }>;

/** A CreateSnapshot names exactly one source: `database` (logical) or `instance` (physical). */
export function checkSource(p: { database?: string | undefined; instance?: string | undefined }): void {
  if ((p.database === undefined) === (p.instance === undefined))
    throw new ValidationError([
      {
        path: p.database === undefined ? '/database' : '/instance',
        message:
          'give either database (a logical snapshot of a database) or instance (a physical snapshot of a local PostgreSQL instance), not both',
      },
    ]);
}

/** A restore names the target that fits the snapshot: `databaseName` (logical) or `instanceName` (physical). */
export function checkRestoreTarget(
  row: sql.SnapshotRow,
  p: { databaseName?: string | undefined; instanceName?: string | undefined; instance?: string | undefined },
): void {
  const physical = row.kind === 'physical';
  const problem = (path: string, message: string) => {
    throw new ValidationError([{ path, message }]);
  };
  if (physical && p.databaseName !== undefined)
    problem(
      '/databaseName',
      `snapshot "${row.name}" is physical (a whole instance): restore it with instanceName, into a new local instance`,
    );
  if (physical && p.instance !== undefined)
    problem('/instance', 'is for the restore of a logical snapshot; a physical one makes a new instance');
  if (physical && p.instanceName === undefined)
    problem('/instanceName', `is required: snapshot "${row.name}" is physical (a whole instance)`);
  if (!physical && p.instanceName !== undefined)
    problem(
      '/instanceName',
      `snapshot "${row.name}" is logical (one database): restore it with databaseName, into a new database`,
    );
  if (!physical && p.databaseName === undefined)
    problem('/databaseName', `is required: snapshot "${row.name}" is logical (one database)`);
}

function notPhysicalSource(instance: Instance): ValidationError {
  const what = `${instance.provider} ${instance.engine === 'mysql' ? 'MariaDB/MySQL' : 'PostgreSQL'}`;
  return new ValidationError([
    {
      path: '/instance',
      message: `instance "${instance.name}" is a ${what} instance; physical snapshots are for local PostgreSQL instances (snapshot its databases with { database } instead)`,
    },
  ]);
}

/** CreateSnapshot `{ name, instance }`: the row (creating) and dbplane-create-physical-snapshot started in `tx`. */
export async function requestPhysical(
  tx: Db,
  deps: PhysicalDeps,
  p: Ref & { instance: string; tags?: Record<string, string> | undefined },
): Promise<{ row: sql.SnapshotRow; newRequest: boolean }> {
  const existing = await sql.findOwn(tx, p);
  if (existing !== undefined) {
    if (existing.kind !== 'physical' || existing.source_instance !== p.instance)
      throw new ConflictError(`snapshot "${p.name}" already exists, of another source`, {
        arn: existing.arn,
      });
    return { row: existing, newRequest: false };
  }
  const instance = await deps.instances.describe({ accountId: p.accountId, name: p.instance });
  if (instance.provider !== 'local' || instance.engine !== 'postgres') throw notPhysicalSource(instance);
  if (instance.status !== 'available')
    throw new ConflictError(
      `instance "${p.instance}" is ${instance.status}; only an available one can be snapshotted`,
    );
  const row = await requestSnapshot(tx, deps, {
    accountId: p.accountId,
    name: p.name,
    tags: p.tags,
    kind: 'physical',
    sourceDatabase: null,
    engine: 'postgres',
    sourceInstance: instance.name,
    machine: CREATE_PHYSICAL_SNAPSHOT_MACHINE,
  });
  return { row, newRequest: true };
}

/**
 * RestoreSnapshot `{ instanceName }` of a physical snapshot: a new local
 * PostgreSQL instance of the caller's account (creating), whose data
 * directory dbplane-restore-instance-snapshot fills from the snapshot and
 * then starts.
 */
export async function restoreToInstance(
  tx: Db,
  deps: PhysicalDeps,
  row: sql.SnapshotRow,
  p: { accountId: string; instanceName: string },
): Promise<{ instance: Instance; executionArn: string | null; newRequest: boolean }> {
  const existing = await deps.instances
    .describe({ accountId: p.accountId, name: p.instanceName })
    .catch(() => undefined);
  if (existing !== undefined) {
    if (existing.tags['dbplane:snapshot'] !== row.arn)
      throw new ConflictError(`instance "${p.instanceName}" already exists`);
    return { instance: existing, executionArn: existing.executionArn, newRequest: false };
  }
  await ensureSnapshotBuiltins(tx, deps, p.accountId);
  const started = await deps.executions.start(tx, {
    accountId: p.accountId,
    stateMachine: RESTORE_INSTANCE_SNAPSHOT_MACHINE,
    name: `restore-${p.instanceName}-${randomUUID().slice(0, 8)}`,
    input: { snapshotId: row.id, instance: p.instanceName },
  });
  const instance = await deps.instances.create(tx, {
    accountId: p.accountId,
    name: p.instanceName,
    engine: 'postgres',
    provider: 'local',
    tags: { 'dbplane:snapshot': row.arn },
    filledByExecution: started.executionArn,
  });
  return { instance, executionArn: started.executionArn, newRequest: true };
}
