import { type BuiltinMachine, ensureBuiltinWorkflows } from '../bus/builtins.js';
import type { BusService } from '../bus/service.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { copySnapshotDefinition, drCopyDefinition, retentionDefinition } from './copy-workflows.js';

export const COPY_SNAPSHOT_MACHINE = 'dbplane-copy-snapshot';
export const DR_COPY_MACHINE = 'dbplane-dr-copy';
export const RETENTION_MACHINE = 'dbplane-snapshot-retention';

/** The copy, DR and retention built-in state machines. */
export const COPY_MACHINES: readonly BuiltinMachine[] = [
  {
    name: COPY_SNAPSHOT_MACHINE,
    definition: copySnapshotDefinition,
    description: "copies a snapshot to another region's store, re-encrypted",
  },
  {
    name: DR_COPY_MACHINE,
    definition: drCopyDefinition,
    description: 'copies the snapshots not yet in a region there, then prunes past retention',
  },
  {
    name: RETENTION_MACHINE,
    definition: retentionDefinition,
    description: 'deletes snapshots past their retention policy',
  },
];

/** The nightly retention run; a nightly dr-copy is a rule of the user's (it names a target region). */
const rules = (arn: (name: string) => string) => [
  {
    name: RETENTION_MACHINE,
    description: 'applies snapshot retention policies every night',
    scheduleExpression: 'cron(0 3 * * ? *)',
    target: { id: 'retention', arn: arn(RETENTION_MACHINE), input: '{}' },
  },
];

/** Installs, in `tx`, the account's copy, dr-copy and retention state machines and the retention schedule. */
export async function ensureCopyBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService; bus: BusService },
  accountId: string,
): Promise<void> {
  await ensureBuiltinWorkflows(tx, deps, accountId, { machines: COPY_MACHINES, rules });
}
