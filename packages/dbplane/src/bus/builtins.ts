import { unlessNotFound } from '../errors/index.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import type { BusService } from './service.js';
import type { Target } from './types.js';

/** A built-in state machine a platform domain ships. */
export interface BuiltinMachine {
  name: string;
  definition: unknown;
  description: string;
}

/** A built-in rule on the default bus with its one target. */
export interface BuiltinRule {
  name: string;
  description: string;
  eventPattern?: unknown;
  scheduleExpression?: string;
  target: Target;
}

/**
 * Installs, in `tx`, a domain's built-in state machines (a new revision only
 * when a definition changed) and the default-bus rules that start them. A
 * rule a user deleted is put back; an existing one is left alone, so the
 * bus's compiled matcher is not rebuilt on every call.
 *
 * @example
 * await ensureBuiltinWorkflows(tx, { machines, bus }, accountId, {
 *   machines: [{ name: 'dbplane-x', definition, description: 'does x' }],
 *   rules: (arnOf) => [{ name: 'dbplane-x', description: 'starts x', eventPattern, target: { id: 'x', arn: arnOf('dbplane-x') } }],
 * });
 */
export async function ensureBuiltinWorkflows(
  tx: Db,
  deps: { machines: StateMachinesService; bus: BusService },
  accountId: string,
  builtins: {
    machines: readonly BuiltinMachine[];
    rules: (machineArn: (name: string) => string) => BuiltinRule[];
  },
): Promise<void> {
  for (const m of builtins.machines) await deps.machines.ensureBuiltin(tx, { accountId, ...m });
  for (const r of builtins.rules((name) => deps.machines.arnOf(accountId, name))) {
    const ref = { accountId, name: r.name };
    if ((await deps.bus.rules.describe(tx, ref).catch(unlessNotFound)) !== undefined) continue;
    const { target, ...rule } = r;
    await deps.bus.rules.put(tx, { ...ref, ...rule });
    await deps.bus.rules.putTargets(tx, { ...ref, targets: [target] });
  }
}
