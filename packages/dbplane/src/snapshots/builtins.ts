import type { BuiltinMachine } from '../bus/builtins.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { createPhysicalSnapshotDefinition, restoreInstanceSnapshotDefinition } from './physical-workflows.js';
import {
  CREATE_PHYSICAL_SNAPSHOT_MACHINE,
  CREATE_SNAPSHOT_MACHINE,
  RESTORE_INSTANCE_SNAPSHOT_MACHINE,
  RESTORE_SNAPSHOT_MACHINE,
} from './types.js';
import { createSnapshotDefinition, restoreSnapshotDefinition } from './workflows.js';

/** The snapshot domain's built-in state machines. */
export const SNAPSHOT_MACHINES: readonly BuiltinMachine[] = [
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
  {
    name: CREATE_PHYSICAL_SNAPSHOT_MACHINE,
    definition: createPhysicalSnapshotDefinition,
    description: 'takes a physical snapshot of a local PostgreSQL instance',
  },
  {
    name: RESTORE_INSTANCE_SNAPSHOT_MACHINE,
    definition: restoreInstanceSnapshotDefinition,
    description: 'restores a physical snapshot into a new local instance',
  },
];

/** Installs, in `tx`, the account's built-in snapshot state machines (or their new revision). */
export async function ensureSnapshotBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService },
  accountId: string,
): Promise<void> {
  for (const m of SNAPSHOT_MACHINES) await deps.machines.ensureBuiltin(tx, { accountId, ...m });
}
