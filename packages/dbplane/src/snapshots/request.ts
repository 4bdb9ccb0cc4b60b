import { randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import type { EngineName } from '../engines/admin/index.js';
import { ConflictError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { ensureSnapshotBuiltins } from './builtins.js';
import * as sql from './sql.js';
import type { SnapshotKind } from './types.js';

/**
 * Records a new snapshot (`creating`) of a checked source and starts the
 * create workflow `machine` for it, in `tx`: the API answers 202 with the row.
 */
export async function requestSnapshot(
  tx: Db,
  deps: { region: string; machines: StateMachinesService; executions: ExecutionsService },
  p: {
    accountId: string;
    name: string;
    tags?: Record<string, string> | undefined;
    kind?: SnapshotKind;
    sourceDatabase: string | null;
    engine: EngineName;
    sourceInstance: string | null;
    machine: string;
  },
): Promise<sql.SnapshotRow> {
  await ensureSnapshotBuiltins(tx, deps, p.accountId);
  const id = randomUUID();
  const row = await sql.insertSnapshot(tx, {
    id,
    accountId: p.accountId,
    name: p.name,
    arn: buildArn({
      service: 'rds',
      region: deps.region,
      accountId: p.accountId,
      resource: `snapshot:${p.name}`,
    }),
    ...(p.kind === undefined ? {} : { kind: p.kind }),
    sourceDatabase: p.sourceDatabase,
    engine: p.engine,
    sourceInstance: p.sourceInstance,
    region: deps.region,
    location: `${p.accountId}/${id}.snap`,
    tags: p.tags ?? {},
  });
  if (row === undefined) throw new ConflictError(`snapshot "${p.name}" is being created concurrently; retry`);
  const started = await deps.executions.start(tx, {
    accountId: p.accountId,
    stateMachine: p.machine,
    name: `create-${id}`,
    input: { snapshotId: id },
  });
  await sql.updateSnapshot(tx, { id, executionArn: started.executionArn });
  return { ...row, execution_arn: started.executionArn };
}
