import { type BuiltinMachine, ensureBuiltinWorkflows } from '../bus/builtins.js';
import type { BusService } from '../bus/service.js';
import { AUDIT_DETAIL_TYPE } from '../bus/types.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { DEPROVISION_MACHINE, EXPIRE_MACHINE, PROVISION_MACHINE } from './types.js';
import { deprovisionDefinition, expireDefinition, provisionDefinition } from './workflows.js';

/** The databases domain's built-in state machines. */
export const DATABASE_MACHINES: readonly BuiltinMachine[] = [
  {
    name: PROVISION_MACHINE,
    definition: provisionDefinition,
    description: 'provisions a requested database',
  },
  { name: DEPROVISION_MACHINE, definition: deprovisionDefinition, description: 'deprovisions a database' },
  { name: EXPIRE_MACHINE, definition: expireDefinition, description: 'deprovisions expired databases' },
];

/** The audit event of an accepted request (not a repeat of one already accepted). */
const requestPattern = (eventName: string) => ({
  source: ['dbplane.rds'],
  'detail-type': [AUDIT_DETAIL_TYPE],
  detail: { eventName: [eventName], errorCode: [null], responseElements: { newRequest: [true] } },
});
const byName = {
  inputPathsMap: { name: '$.detail.responseElements.name' },
  inputTemplate: '{"database": <name>}',
};

/** The built-in rules on the default bus that start the workflows. */
function rulesOf(machineArn: (name: string) => string) {
  return [
    {
      name: PROVISION_MACHINE,
      description: 'starts provisioning when a database is requested',
      eventPattern: requestPattern('CreateDatabase'),
      target: { id: 'provision', arn: machineArn(PROVISION_MACHINE), inputTransformer: byName },
    },
    {
      name: DEPROVISION_MACHINE,
      description: 'starts deprovisioning when a database is deleted',
      eventPattern: requestPattern('DeleteDatabase'),
      target: { id: 'deprovision', arn: machineArn(DEPROVISION_MACHINE), inputTransformer: byName },
    },
    {
      name: EXPIRE_MACHINE,
      description: 'drops databases whose TTL ran out',
      scheduleExpression: 'rate(1 minute)',
      target: { id: 'expire', arn: machineArn(EXPIRE_MACHINE), input: '{}' },
    },
  ];
}

/** Installs, in `tx`, the account's built-in provisioning state machines and the rules that start them. */
export async function ensureDatabaseBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService; bus: BusService },
  accountId: string,
): Promise<void> {
  await ensureBuiltinWorkflows(tx, deps, accountId, { machines: DATABASE_MACHINES, rules: rulesOf });
}
