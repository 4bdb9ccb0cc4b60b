/**
 * The API's answers as the console reads them (see GET /openapi.json).
 *
 * | noun          | meaning                                                     |
 * | ------------- | ----------------------------------------------------------- |
 * | state machine | an ASL definition with revisions                            |
 * | execution     | one run of a state machine; its history is Step Functions'  |
 * | rule, target  | EventBridge: a pattern (or schedule) and where matches go   |
 * | queue         | a message queue; a dead-letter queue is one too             |
 */

export interface StateMachine {
  arn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: unknown;
  description: string;
  revision: number;
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

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
  redriveCount: number;
}

/** One history event in the Step Functions format: `type` plus one `*EventDetails` object. */
export interface HistoryEvent {
  id: number;
  type: string;
  timestamp: string;
  previousEventId: number;
  [details: string]: unknown;
}

export interface Rule {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: unknown;
  scheduleExpression?: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
}

export interface Target {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  deadLetterQueue?: string;
}

export interface Queue {
  arn: string;
  name: string;
  deadLetterQueue: string | null;
  maxReceiveCount: number | null;
  approximateMessages: number;
  approximateMessagesNotVisible: number;
  createdAt: string;
}

export interface QueueMessage {
  messageId: string;
  body: string;
  receiveCount?: number;
  [field: string]: unknown;
}

export interface AuditRecord {
  id: string;
  eventTime: string;
  principal: { keyId: string | null; keyName: string | null; role: string | null };
  service: string;
  action: string;
  resourceArn: string | null;
  requestParameters: unknown;
  statusCode: number;
  errorCode: string | null;
  errorMessage: string | null;
  sourceIp: string | null;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface Instance {
  arn: string;
  name: string;
  engine: 'postgres' | 'mysql';
  provider: 'local' | 'external';
  status: string;
  endpoint: Endpoint | null;
}

export interface Database {
  arn: string;
  name: string;
  engine: 'postgres' | 'mysql';
  environment?: string;
  instance?: string | null;
  status: string;
  statusReason?: string;
  endpoint?: Endpoint | null;
  secretArn?: string | null;
  expiresAt?: string;
  executionArn?: string | null;
}
