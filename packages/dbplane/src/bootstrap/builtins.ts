import { type BuiltinMachine, ensureBuiltinWorkflows } from '../bus/builtins.js';
import type { BusService } from '../bus/service.js';
import { AUDIT_DETAIL_TYPE } from '../bus/types.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db } from '../store/db.js';
import { BOOTSTRAP_MACHINE, DRIFT_MACHINE, FUNCTION_MACHINE } from './service-types.js';
import { bootstrapDefinition, driftDefinition, functionDefinition } from './workflows.js';

/** The bootstrap domain's built-in state machines. */
export const BOOTSTRAP_MACHINES: readonly BuiltinMachine[] = [
  {
    name: BOOTSTRAP_MACHINE,
    definition: bootstrapDefinition,
    description: 'converges an instance to its bootstrap spec',
  },
  { name: DRIFT_MACHINE, definition: driftDefinition, description: 'checks bootstrap specs for drift' },
  {
    name: FUNCTION_MACHINE,
    definition: functionDefinition,
    description: 'reconciles the specs that name an updated function',
  },
];

const audited = (service: string, eventNames: string[]) => ({
  source: [`dbplane.${service}`],
  'detail-type': [AUDIT_DETAIL_TYPE],
  detail: { eventName: eventNames, errorCode: [null] },
});

/** The built-in rules on the default bus that start the bootstrap workflows. */
function rulesOf(machineArn: (name: string) => string) {
  return [
    {
      name: `${BOOTSTRAP_MACHINE}-on-spec`,
      description: 'converges an instance when its bootstrap spec is put',
      eventPattern: audited('bootstrap', ['PutBootstrapSpec']),
      target: {
        id: 'bootstrap',
        arn: machineArn(BOOTSTRAP_MACHINE),
        inputTransformer: {
          inputPathsMap: { instance: '$.detail.responseElements.instance' },
          inputTemplate: '{"instance": <instance>}',
        },
      },
    },
    {
      // CreateDBInstance (external: available at once), StartDBInstance and
      // RebootDBInstance all end in this state change
      name: `${BOOTSTRAP_MACHINE}-on-instance`,
      description: 'converges an instance whenever it becomes available (created, started, rebooted)',
      eventPattern: {
        source: ['aws.rds'],
        'detail-type': ['RDS DB Instance Event'],
        detail: { status: ['available'] },
      },
      target: {
        id: 'bootstrap',
        arn: machineArn(BOOTSTRAP_MACHINE),
        inputTransformer: {
          inputPathsMap: { instance: '$.detail.SourceIdentifier' },
          inputTemplate: '{"instance": <instance>}',
        },
      },
    },
    {
      name: `${BOOTSTRAP_MACHINE}-on-function`,
      description: 'converges the instances whose spec names an updated function (triggers.functions)',
      eventPattern: audited('functions', ['UpdateFunctionCode', 'UpdateFunctionConfiguration']),
      target: {
        id: 'function',
        arn: machineArn(FUNCTION_MACHINE),
        inputTransformer: {
          inputPathsMap: { fn: '$.detail.requestParameters.name' },
          inputTemplate: '{"function": <fn>}',
        },
      },
    },
    {
      name: DRIFT_MACHINE,
      description: 'checks every bootstrap spec for drift',
      scheduleExpression: 'rate(15 minutes)',
      target: { id: 'drift', arn: machineArn(DRIFT_MACHINE), input: '{}' },
    },
  ];
}

/** Installs, in `tx`, the account's built-in bootstrap state machines and the rules that start them. */
export async function ensureBootstrapBuiltins(
  tx: Db,
  deps: { machines: StateMachinesService; bus: BusService },
  accountId: string,
): Promise<void> {
  await ensureBuiltinWorkflows(tx, deps, accountId, { machines: BOOTSTRAP_MACHINES, rules: rulesOf });
}
