/**
 * Executions as callers see them (the shapes of Step Functions'
 * DescribeExecution and ListExecutions, in camelCase JSON).
 */
export const ExecutionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof ExecutionStatuses)[number];

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  stateMachineVersion?: number;
  stateMachineAlias?: string;
  redriveCount: number;
  redriveDate?: string;
}

export interface StartedExecution {
  executionArn: string;
  name: string;
  startDate: string;
}

/** AWS's limit on an execution's input, output and state data. */
export const MAX_PAYLOAD_BYTES = 262_144;
