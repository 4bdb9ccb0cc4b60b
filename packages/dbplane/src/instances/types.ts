import type { EngineName } from '../engines/admin/index.js';
import type { Db } from '../store/db.js';

/**
 * Instances: the database servers dbplane manages.
 *
 * Glossary:
 * - provider `local`: a server process dbplane runs under its data directory
 *   (PostgreSQL from the machine's or the npm binaries, MariaDB from the
 *   machine's), supervised by the node that created it (`nodeId`).
 * - provider `external`: an existing server dbplane was handed an admin URL
 *   for; the credentials live in the secrets store, never in the instance row.
 * - status: `creating` → `available`; `stopping` → `stopped` → `starting`;
 *   `deleting`; `failed` (with `statusReason`).
 */
export const Providers = ['local', 'external'] as const;
export type Provider = (typeof Providers)[number];

export const InstanceStatuses = [
  'creating',
  'available',
  'modifying',
  'starting',
  'stopping',
  'stopped',
  'deleting',
  'failed',
] as const;
export type InstanceStatus = (typeof InstanceStatuses)[number];

export interface Instance {
  arn: string;
  name: string;
  engine: EngineName;
  provider: Provider;
  version: string | null;
  status: InstanceStatus;
  statusReason: string | null;
  endpoint: { host: string; port: number } | null;
  adminSecretArn: string | null;
  deletionProtection: boolean;
  executionArn: string | null;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** Database credentials as stored: the JSON Secrets Manager uses for RDS secrets. */
export interface AdminCredentials {
  engine: EngineName;
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
  /** Of a database owner's credentials: the instance's admin secret (Secrets Manager's field for multi-user rotation). */
  masterarn?: string;
}

/** Where admin credentials are kept (the secrets domain implements it). */
export interface CredentialStore {
  /** Stores the credentials as a new secret inside `tx`; returns its ARN. */
  put(tx: Db, p: { accountId: string; name: string; value: AdminCredentials }): Promise<string>;
  get(p: { accountId: string; arn: string }): Promise<AdminCredentials>;
  /** Schedules the secret's deletion inside `tx`. */
  remove(tx: Db, p: { accountId: string; arn: string }): Promise<void>;
}
