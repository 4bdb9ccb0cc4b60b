import type { Db } from '../store/db.js';
import type { Sealed } from './envelope.js';
import type { RotationRules } from './types.js';

export interface SecretRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  description: string;
  kms_key_id: string;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  delete_after: Date | null;
  /** Rotation settings (migration 0010). */
  rotation_enabled: boolean;
  rotation_rules: RotationRules | null;
  last_rotated_at: Date | null;
  rotation_execution_arn: string | null;
}

export interface VersionRow {
  version_id: string;
  kind: 'string' | 'binary';
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  wrapped_key: Buffer;
  key_id: string;
  key_version: number;
  stages: string[];
  created_at: Date;
}

type Ref = Readonly<{ accountId: string; name: string }>;

/** Finds a secret by name or ARN; purges it first if its recovery window has passed. */
export async function findSecret(db: Db, ref: Ref, lock = false): Promise<SecretRow | undefined> {
  await db.query('DELETE FROM secrets WHERE account_id = $1 AND delete_after <= now()', [ref.accountId]);
  const r = await db.query<SecretRow>(
    `SELECT * FROM secrets WHERE account_id = $1 AND (name = $2 OR arn = $2)${lock ? ' FOR UPDATE' : ''}`,
    [ref.accountId, ref.name],
  );
  return r.rows[0];
}

export async function insertSecret(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    description: string;
    kmsKeyId: string;
    tags: Record<string, string>;
  }>,
): Promise<void> {
  await db.query(
    `INSERT INTO secrets (id, account_id, name, arn, description, kms_key_id, tags) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [p.id, p.accountId, p.name, p.arn, p.description, p.kmsKeyId, p.tags],
  );
}

export async function updateSecret(
  db: Db,
  id: string,
  p: Readonly<{
    description?: string | undefined;
    kmsKeyId?: string | undefined;
    tags?: Record<string, string> | undefined;
    deletedAt?: Date | null;
    deleteAfter?: Date | null;
  }>,
): Promise<void> {
  await db.query(
    `UPDATE secrets SET description = coalesce($2, description), kms_key_id = coalesce($3, kms_key_id),
       tags = coalesce($4, tags),
       deleted_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE deleted_at END,
       delete_after = CASE WHEN $5::boolean THEN $7::timestamptz ELSE delete_after END,
       updated_at = now() WHERE id = $1`,
    [
      id,
      p.description ?? null,
      p.kmsKeyId ?? null,
      p.tags ?? null,
      'deletedAt' in p,
      p.deletedAt ?? null,
      p.deleteAfter ?? null,
    ],
  );
}

export async function deleteSecret(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM secrets WHERE id = $1', [id]);
}

export async function listSecrets(
  db: Db,
  p: Readonly<{
    accountId: string;
    prefix?: string | undefined;
    tagKey?: string | undefined;
    tagValue?: string | undefined;
    after?: string | undefined;
    includePlannedDeletion?: boolean | undefined;
    limit: number;
  }>,
): Promise<SecretRow[]> {
  await db.query('DELETE FROM secrets WHERE account_id = $1 AND delete_after <= now()', [p.accountId]);
  const r = await db.query<SecretRow>(
    `SELECT * FROM secrets WHERE account_id = $1 AND ($2::text IS NULL OR starts_with(name, $2))
       AND ($3::text IS NULL OR tags ? $3) AND ($4::text IS NULL OR tags->>$3 = $4)
       AND ($5::text IS NULL OR name > $5) AND ($7 OR deleted_at IS NULL) ORDER BY name LIMIT $6`,
    [
      p.accountId,
      p.prefix ?? null,
      p.tagKey ?? null,
      p.tagValue ?? null,
      p.after ?? null,
      p.limit + 1,
      p.includePlannedDeletion === true,
    ],
  );
  return r.rows;
}

export async function versions(db: Db, secretId: string): Promise<VersionRow[]> {
  const r = await db.query<VersionRow>(
    'SELECT * FROM secret_versions WHERE secret_id = $1 ORDER BY created_at DESC, version_id',
    [secretId],
  );
  return r.rows;
}

export async function insertVersion(
  db: Db,
  p: Readonly<{
    secretId: string;
    versionId: string;
    kind: 'string' | 'binary';
    sealed: Sealed;
    stages: string[];
  }>,
): Promise<void> {
  const s = p.sealed;
  await db.query(
    `INSERT INTO secret_versions (secret_id, version_id, kind, ciphertext, iv, auth_tag, wrapped_key, key_id,
       key_version, stages) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [
      p.secretId,
      p.versionId,
      p.kind,
      s.ciphertext,
      s.iv,
      s.authTag,
      s.wrappedKey,
      s.keyId,
      s.keyVersion,
      p.stages,
    ],
  );
}

/** Removes `stage` from whichever version carries it. */
export async function removeStage(db: Db, secretId: string, stage: string): Promise<void> {
  await db.query(
    'UPDATE secret_versions SET stages = array_remove(stages, $2) WHERE secret_id = $1 AND $2 = ANY(stages)',
    [secretId, stage],
  );
}

export async function addStage(db: Db, secretId: string, versionId: string, stage: string): Promise<void> {
  await db.query(
    `UPDATE secret_versions SET stages = array_append(array_remove(stages, $3), $3)
       WHERE secret_id = $1 AND version_id = $2`,
    [secretId, versionId, stage],
  );
}

/** Drops the oldest deprecated (unlabelled) versions beyond `keep` versions. */
export async function pruneVersions(db: Db, secretId: string, keep: number): Promise<void> {
  await db.query(
    `DELETE FROM secret_versions WHERE secret_id = $1 AND cardinality(stages) = 0 AND version_id IN (
       SELECT version_id FROM secret_versions WHERE secret_id = $1 ORDER BY created_at DESC OFFSET $2)`,
    [secretId, keep],
  );
}

/** Records RotateSecret's settings and the execution it started (if any). */
export async function updateRotation(
  db: Db,
  id: string,
  p: Readonly<{ enabled: boolean; rules: RotationRules | null; executionArn?: string | undefined }>,
): Promise<void> {
  await db.query(
    `UPDATE secrets SET rotation_enabled = $2, rotation_rules = $3,
       rotation_execution_arn = coalesce($4, rotation_execution_arn), updated_at = now() WHERE id = $1`,
    [id, p.enabled, p.rules, p.executionArn ?? null],
  );
}

/** The rotation's last step succeeded. */
export async function markRotated(db: Db, id: string): Promise<void> {
  await db.query('UPDATE secrets SET last_rotated_at = now(), updated_at = now() WHERE id = $1', [id]);
}
