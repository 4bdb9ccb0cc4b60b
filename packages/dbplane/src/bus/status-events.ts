import type { Execution } from '../executions/types.js';
import type { Db } from '../store/db.js';
import type { EventsService } from './events-service.js';

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const epoch = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

/**
 * Publishes an execution's status change on its account's default bus as
 * Step Functions does: source `aws.states`, detail-type "Step Functions
 * Execution Status Change", the execution's ARN as the resource, input and
 * output as JSON strings and dates as epoch milliseconds. Runs in the
 * transaction of the change, so the event commits with it.
 */
export async function publishExecutionStatus(
  events: EventsService,
  tx: Db,
  e: Execution & { accountId: string },
): Promise<void> {
  await events.publish(tx, {
    accountId: e.accountId,
    busName: 'default',
    envelope: {
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      resources: [e.executionArn],
      detail: {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: epoch(e.startDate),
        stopDate: epoch(e.stopDate),
        input: json(e.input),
        output: json(e.output),
        inputDetails: { included: true },
        outputDetails: e.output === undefined ? null : { included: true },
        error: e.error ?? null,
        cause: e.cause ?? null,
        redriveCount: e.redriveCount,
      },
    },
  });
}
