import type { EngineName } from '../engines/admin/index.js';

/**
 * Snapshots of databases.
 *
 * Glossary:
 * - logical snapshot: a dump made with the engine's own tool (`pg_dump
 *   --format=custom`, `mariadb-dump`/`mysqldump`), compressed, encrypted and
 *   kept in the region's snapshot store.
 * - snapshot store: where a region keeps snapshot files; a directory
 *   (`<data-dir>/snapshots/<region>/`) today, an interface for S3 later.
 * - data key: a fresh AES-256 key per snapshot, wrapped by the region key
 *   (`alias/dbplane/default`); the wrapped key is in the file's header.
 * - checksum: SHA-256 of the stored bytes, verified before a restore decrypts.
 * - shared with: accounts that may see and restore a snapshot (not delete it).
 * - status: `creating` → `available`, or `failed` with `statusReason`.
 */
export const SnapshotStatuses = ['creating', 'available', 'failed'] as const;
export type SnapshotStatus = (typeof SnapshotStatuses)[number];

/** `logical`: a dump of a database; `physical`: a copy of a local PostgreSQL instance's data directory. */
export const SnapshotKinds = ['logical', 'physical'] as const;
export type SnapshotKind = (typeof SnapshotKinds)[number];

export const Compressions = ['zstd', 'gzip'] as const;
export type Compression = (typeof Compressions)[number];

export interface Snapshot {
  arn: string;
  name: string;
  /** The owner account (differs from the caller's for a snapshot shared with it). */
  ownerAccountId: string;
  /** `database` is null for a physical snapshot (of `instance`). */
  source: { database: string | null; engine: EngineName; instance: string | null };
  kind: SnapshotKind;
  status: SnapshotStatus;
  statusReason?: string;
  /** Percent, 0 to 100. */
  progress: number;
  sizeBytes: number | null;
  checksum: string | null;
  compression: Compression | null;
  region: string;
  keyArn: string | null;
  sharedWith: string[];
  executionArn: string | null;
  /** The ARN of the snapshot this one is a copy of (CopySnapshot), else null. */
  copyOf: string | null;
  tags: Record<string, string>;
  createdAt: string;
}

export const CREATE_SNAPSHOT_MACHINE = 'dbplane-create-snapshot';
export const RESTORE_SNAPSHOT_MACHINE = 'dbplane-restore-snapshot';
export const CREATE_PHYSICAL_SNAPSHOT_MACHINE = 'dbplane-create-physical-snapshot';
export const RESTORE_INSTANCE_SNAPSHOT_MACHINE = 'dbplane-restore-instance-snapshot';
