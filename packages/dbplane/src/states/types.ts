/**
 * State machines (the Step Functions of dbplane).
 *
 * Glossary:
 * - state machine: an ASL definition with a type, an execution role and a
 *   logging configuration, addressed by account and name.
 * - revision: each definition/role a machine had; an execution keeps the
 *   revision it started with even when the machine is updated or deleted.
 * - version: a published, immutable, numbered revision (`name:3`).
 * - alias: a name routing executions to one or two versions by weight
 *   (`name:PROD`).
 * - type: `STANDARD` (durable, history kept) or `EXPRESS` (in memory, short).
 */
export const MachineTypes = ['STANDARD', 'EXPRESS'] as const;
export type MachineType = (typeof MachineTypes)[number];

export const LogLevels = ['ALL', 'ERROR', 'FATAL', 'OFF'] as const;
export type LogLevel = (typeof LogLevels)[number];

export interface LoggingConfiguration {
  level: LogLevel;
  includeExecutionData: boolean;
}

export type Tags = Record<string, string>;

export interface StateMachine {
  arn: string;
  name: string;
  type: MachineType;
  definition: unknown;
  roleArn: string | null;
  logging: LoggingConfiguration;
  description: string;
  tags: Tags;
  revision: number;
  revisionId: string;
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StateMachineVersion {
  arn: string;
  stateMachineArn: string;
  version: number;
  revisionId: string;
  description: string;
  createdAt: string;
}

export interface RoutingEntry {
  version: number;
  weight: number;
}

export interface StateMachineAlias {
  arn: string;
  name: string;
  stateMachineArn: string;
  routing: RoutingEntry[];
  description: string;
  createdAt: string;
  updatedAt: string;
}

/** What an execution runs: a machine's revision, reached directly, by version or by alias. */
export interface ResolvedMachine {
  machineId: string;
  stateMachineArn: string;
  name: string;
  type: MachineType;
  revision: number;
  revisionId: string;
  definition: unknown;
  roleArn: string | null;
  logging: LoggingConfiguration;
  version?: number;
  alias?: string;
}

export const DEFAULT_LOGGING: LoggingConfiguration = { level: 'OFF', includeExecutionData: false };
