import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { SANITIZE_MACHINE } from './types.js';
import { sanitizedSnapshotDefinition } from './workflows.js';

/** Installs, in `tx`, the account's `dbplane-sanitized-snapshot` machine (or its new revision). */
export async function ensureSanitizeBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService },
  accountId: string,
): Promise<void> {
  await deps.machines.ensureBuiltin(tx, {
    accountId,
    name: SANITIZE_MACHINE,
    definition: sanitizedSnapshotDefinition,
    description: 'makes a masked snapshot of a database for QA, shares it, and removes every temporary part',
  });
}
