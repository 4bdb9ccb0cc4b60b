import type { EngineName } from '../engines/admin/index.js';

/**
 * Self-service databases.
 *
 * Glossary:
 * - request: `POST /v1/databases`; answered 202 with status `creating` in the
 *   transaction that writes the audit record, whose event a built-in rule
 *   turns into a `dbplane-provision-database` execution.
 * - owner login: the role (PostgreSQL) or user (MySQL) that owns the
 *   database; named like the database; its password lives only in the
 *   database's secret (`dbplane/databases/<name>`), an RDS-style JSON value.
 * - environment: placement and limits (which instance per engine, TTLs, name
 *   rules, dedicated instances); `default` exists from the first request.
 * - dedicated: the database gets a new local instance of its own,
 *   `<database>-dedicated`, removed with it.
 * - status: `creating` → `available` → `deleting` (then gone); `failed` with
 *   `statusReason` when provisioning could not finish (half-made work removed).
 */
export const DatabaseStatuses = ['creating', 'available', 'deleting', 'failed'] as const;
export type DatabaseStatus = (typeof DatabaseStatuses)[number];

export interface Database {
  arn: string;
  name: string;
  engine: EngineName;
  environment: string;
  instance: string | null;
  dedicated: boolean;
  status: DatabaseStatus;
  statusReason?: string;
  endpoint: { host: string; port: number } | null;
  secretArn: string | null;
  expiresAt?: string;
  executionArn: string | null;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface Environment {
  arn: string;
  name: string;
  description: string;
  /** Per engine, the instance its databases go to; missing: a local instance `<env>-<engine>` made on first use. */
  placement: Partial<Record<EngineName, { instance: string }>>;
  engines: EngineName[];
  maxTtlSeconds: number | null;
  defaultTtlSeconds: number | null;
  /** A regular expression database names must match. */
  namePattern: string | null;
  allowDedicated: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A database's secret value: the JSON Secrets Manager uses for RDS credentials. */
export interface DatabaseCredentials {
  engine: EngineName;
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  /** The instance's admin secret (Secrets Manager's multi-user rotation field). */
  masterarn?: string;
}

export const PROVISION_MACHINE = 'dbplane-provision-database';
export const DEPROVISION_MACHINE = 'dbplane-deprovision-database';
export const EXPIRE_MACHINE = 'dbplane-expire-databases';
