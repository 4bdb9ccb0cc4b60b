import { BOOTSTRAP_MACHINES } from '../bootstrap/builtins.js';
import type { BuiltinMachine } from '../bus/builtins.js';
import { DATABASE_MACHINES } from '../databases/builtins.js';
import { ConflictError } from '../errors/index.js';
import { LOCAL_INSTANCE_BUILTIN } from '../instances/workflows.js';
import type { Logger } from '../log/logger.js';
import { SANITIZE_MACHINES } from '../sanitize/builtins.js';
import { ROTATION_BUILTIN } from '../secrets/rotation/workflow.js';
import { SNAPSHOT_MACHINES } from '../snapshots/builtins.js';
import { COPY_MACHINES } from '../snapshots/copy-builtins.js';
import type { StateMachinesService } from '../states/service.js';
import { type Pool, withTransaction } from '../store/db.js';

/** Every built-in state machine of every domain. */
export const BUILTIN_MACHINES: readonly BuiltinMachine[] = [
  LOCAL_INSTANCE_BUILTIN,
  ...DATABASE_MACHINES,
  ROTATION_BUILTIN,
  ...BOOTSTRAP_MACHINES,
  ...SNAPSHOT_MACHINES,
  ...COPY_MACHINES,
  ...SANITIZE_MACHINES,
];

/**
 * Installs every built-in state machine in an account (a new revision where
 * dbplane's definition changed), so that a fresh node lists them all, and a
 * user's schedule or a hand-made StartExecution can name one before any
 * request has needed it. The domains still ensure their own (and their
 * rules) when first used; nodes starting together take turns on an advisory
 * lock. A user's own machine under a built-in name is left alone, with a
 * warning.
 */
export async function installBuiltinMachines(
  deps: { pool: Pool; machines: StateMachinesService; log: Logger },
  accountId: string,
): Promise<void> {
  const taken: string[] = [];
  await withTransaction(deps.pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `dbplane-builtins:${accountId}`,
    ]);
    for (const m of BUILTIN_MACHINES) {
      await deps.machines.ensureBuiltin(tx, { accountId, ...m }).catch((err: unknown) => {
        if (!(err instanceof ConflictError)) throw err;
        taken.push(m.name);
      });
    }
  });
  if (taken.length > 0)
    deps.log.warn(
      { accountId, names: taken },
      'state machines of the user hold built-in names; not installed',
    );
}
