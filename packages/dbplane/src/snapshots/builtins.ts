import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { CREATE_SNAPSHOT_MACHINE, RESTORE_SNAPSHOT_MACHINE } from './types.js';
import { createSnapshotDefinition, restoreSnapshotDefinition } from './workflows.js';

const MACHINES = [
  {
    name: CREATE_SNAPSHOT_MACHINE,
    definition: createSnapshotDefinition,
    description: 'takes a logical snapshot of a database',
  },
  {
    name: RESTORE_SNAPSHOT_MACHINE,
    definition: restoreSnapshotDefinition,
    description: 'restores a snapshot into a new database',
  },
];

/** Installs, in `tx`, the account's built-in snapshot state machines (or their new revision). */
export async function ensureSnapshotBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService },
  accountId: string,
): Promise<void> {
  for (const m of MACHINES) await deps.machines.ensureBuiltin(tx, { accountId, ...m });
}
