import type { BuiltinMachine } from '../bus/builtins.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { SANITIZE_MACHINE } from './types.js';
import { sanitizedSnapshotDefinition } from './workflows.js';

/** The sanitize domain's built-in state machine. */
export const SANITIZE_MACHINES: readonly BuiltinMachine[] = [
  {
    name: SANITIZE_MACHINE,
    definition: sanitizedSnapshotDefinition,
    description: 'makes a masked snapshot of a database for QA, shares it, and removes every temporary part',
  },
];

/** Installs, in `tx`, the account's `dbplane-sanitized-snapshot` machine (or its new revision). */
export async function ensureSanitizeBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService },
  accountId: string,
): Promise<void> {
  for (const m of SANITIZE_MACHINES) await deps.machines.ensureBuiltin(tx, { accountId, ...m });
}
