import { randomBytes, randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { DEFAULT_ALIAS, type Keyring } from '../kms/keyring.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { Db, Pool } from '../store/db.js';
import { open, seal } from './envelope.js';
import { nextRotation } from './rotation/schedule.js';
import * as sql from './sql.js';
import { moveStage } from './stages.js';
import {
  CURRENT,
  MAX_VERSIONS,
  PREVIOUS,
  type SecretDescription,
  type SecretValue,
  type SecretValueInput,
} from './types.js';

type Ref = Readonly<{ accountId: string; name: string }>;
const SUFFIX = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** DescribeSecret's rotation fields (Secrets Manager's `RotationEnabled`, `RotationRules`, ...). */
function rotationOf(row: sql.SecretRow): Partial<SecretDescription> {
  const rules = row.rotation_rules ?? undefined;
  const last = row.last_rotated_at ?? undefined;
  const next = row.rotation_enabled && rules ? nextRotation(rules, last ?? row.updated_at) : undefined;
  return {
    rotationEnabled: row.rotation_enabled === true,
    ...(rules === undefined ? {} : { rotationRules: rules }),
    ...(last === undefined ? {} : { lastRotatedDate: last.toISOString() }),
    ...(next === undefined ? {} : { nextRotationDate: next.toISOString() }),
  };
}

/** Checks that exactly one value is given; answers its bytes and kind. */
function plainOf(v: SecretValueInput): { kind: 'string' | 'binary'; plain: Buffer } {
  if ((v.secretString === undefined) === (v.secretBinary === undefined)) {
    throw new ValidationError([
      { path: '/secretString', message: 'give exactly one of secretString and secretBinary' },
    ]);
  }
  if (v.secretString !== undefined) return { kind: 'string', plain: Buffer.from(v.secretString, 'utf8') };
  return { kind: 'binary', plain: Buffer.from(v.secretBinary ?? '', 'base64') };
}

const sealedOf = (v: sql.VersionRow) => ({
  ciphertext: v.ciphertext,
  iv: v.iv,
  authTag: v.auth_tag,
  wrappedKey: v.wrapped_key,
  keyId: v.key_id,
  keyVersion: v.key_version,
});

/**
 * Secrets with Secrets Manager semantics over envelope encryption. Methods that
 * change state take the caller's transaction, so another domain (database
 * provisioning) can store credentials atomically with its own rows.
 *
 * @example
 * await withTransaction(pool, async (tx) => {
 *   const s = await secrets.create(tx, { accountId, name: 'db/mydb', secretString: JSON.stringify(creds) });
 *   await markDatabase(tx, { secretArn: s.arn });
 * });
 * const { secretString } = await secrets.getValue({ accountId, name: 'db/mydb' });
 */
export function createSecretsService(deps: { pool: Pool; region: string; keyring: Keyring }) {
  const { pool, region, keyring } = deps;
  const suffix = () => Array.from(randomBytes(6), (b) => SUFFIX[b % SUFFIX.length]).join('');

  const load = async (db: Db, ref: Ref, opts: { lock?: boolean; deleted?: boolean } = {}) => {
    const row = await sql.findSecret(db, ref, opts.lock);
    if (row === undefined) throw new NotFoundError('secret', ref.name);
    if (row.deleted_at !== null && opts.deleted !== true) {
      throw new ValidationError([
        { path: '/name', message: `secret "${ref.name}" is scheduled for deletion; restore it first` },
      ]);
    }
    return row;
  };

  const describeRow = async (db: Db, row: sql.SecretRow): Promise<SecretDescription> => {
    const vs = await sql.versions(db, row.id);
    return {
      arn: row.arn,
      name: row.name,
      description: row.description,
      kmsKeyId: row.kms_key_id,
      tags: row.tags,
      createdDate: row.created_at.toISOString(),
      lastChangedDate: row.updated_at.toISOString(),
      ...(row.deleted_at ? { deletedDate: row.deleted_at.toISOString() } : {}),
      ...(row.delete_after ? { deletionDate: row.delete_after.toISOString() } : {}),
      versionIdsToStages: Object.fromEntries(vs.map((v) => [v.version_id, v.stages])),
      ...rotationOf(row),
    };
  };

  /** Adds a version; with no stages given it becomes AWSCURRENT and the old current AWSPREVIOUS. */
  const addVersion = async (
    tx: Db,
    row: sql.SecretRow,
    p: SecretValueInput & { clientRequestToken?: string | undefined; versionStages?: string[] | undefined },
  ) => {
    const { kind, plain } = plainOf(p);
    const versionId = p.clientRequestToken ?? randomUUID();
    const existing = (await sql.versions(tx, row.id)).find((v) => v.version_id === versionId);
    if (existing !== undefined) {
      const same =
        existing.kind === kind && open(keyring, row.arn, versionId, sealedOf(existing)).equals(plain);
      if (same) return { versionId, stages: existing.stages };
      throw new ConflictError(`version "${versionId}" already exists with a different value`);
    }
    const stages = p.versionStages ?? [CURRENT];
    if (stages.includes(CURRENT)) {
      const vs = await sql.versions(tx, row.id);
      const current = vs.find((v) => v.stages.includes(CURRENT));
      if (current !== undefined) {
        await sql.removeStage(tx, row.id, CURRENT);
        await sql.removeStage(tx, row.id, PREVIOUS);
        await sql.addStage(tx, row.id, current.version_id, PREVIOUS);
      }
    }
    for (const s of stages) if (s !== CURRENT) await sql.removeStage(tx, row.id, s);
    const sealed = seal(keyring, row.kms_key_id, row.arn, versionId, plain);
    await sql.insertVersion(tx, { secretId: row.id, versionId, kind, sealed, stages });
    await sql.pruneVersions(tx, row.id, MAX_VERSIONS);
    await tx.query('UPDATE secrets SET updated_at = now() WHERE id = $1', [row.id]);
    return { versionId, stages };
  };

  /** A CreateSecret retried with the same token and value answers the first result; else 409. */
  const retriedCreate = async (
    tx: Db,
    row: sql.SecretRow,
    p: SecretValueInput & { clientRequestToken?: string | undefined },
  ) => {
    const token = p.clientRequestToken;
    const v =
      token === undefined ? undefined : (await sql.versions(tx, row.id)).find((x) => x.version_id === token);
    if (v === undefined || row.deleted_at !== null)
      throw new ConflictError(`secret "${row.name}" already exists`);
    const { kind, plain } = plainOf(p);
    if (v.kind !== kind || !open(keyring, row.arn, v.version_id, sealedOf(v)).equals(plain)) {
      throw new ConflictError(`secret "${row.name}" already exists with a different value for this token`);
    }
    return { arn: row.arn, name: row.name, versionId: v.version_id };
  };

  return {
    /** CreateSecret: the secret, and its first version (AWSCURRENT) when a value is given. */
    async create(
      tx: Db,
      p: Ref &
        SecretValueInput & {
          description?: string | undefined;
          kmsKeyId?: string | undefined;
          tags?: Record<string, string> | undefined;
          clientRequestToken?: string | undefined;
        },
    ): Promise<{ arn: string; name: string; versionId?: string }> {
      const hasValue = p.secretString !== undefined || p.secretBinary !== undefined;
      if (hasValue) plainOf(p);
      const existing = await sql.findSecret(tx, p, true);
      if (existing !== undefined) return retriedCreate(tx, existing, p);
      const arn = buildArn({
        service: 'secretsmanager',
        region,
        accountId: p.accountId,
        resource: `secret:${p.name}-${suffix()}`,
      });
      const kmsKeyId = keyring.resolve(p.kmsKeyId ?? DEFAULT_ALIAS);
      await sql.insertSecret(tx, {
        id: randomUUID(),
        accountId: p.accountId,
        name: p.name,
        arn,
        description: p.description ?? '',
        kmsKeyId,
        tags: p.tags ?? {},
      });
      if (!hasValue) return { arn, name: p.name };
      const row = await load(tx, p);
      const { versionId } = await addVersion(tx, row, p);
      return { arn, name: p.name, versionId };
    },

    /** PutSecretValue: a new version; `clientRequestToken` is its id and makes the call idempotent. */
    async putValue(
      tx: Db,
      p: Ref &
        SecretValueInput & { clientRequestToken?: string | undefined; versionStages?: string[] | undefined },
    ): Promise<{ arn: string; name: string; versionId: string; versionStages: string[] }> {
      const row = await load(tx, p, { lock: true });
      const { versionId, stages } = await addVersion(tx, row, p);
      return { arn: row.arn, name: row.name, versionId, versionStages: stages };
    },

    /** GetSecretValue by version id or staging label (default AWSCURRENT). Not audited here: the caller audits. */
    async getValue(
      p: Ref & { versionId?: string | undefined; versionStage?: string | undefined },
      db: Db = pool,
    ): Promise<SecretValue> {
      const row = await load(db, p);
      const vs = await sql.versions(db, row.id);
      const stage = p.versionStage ?? (p.versionId === undefined ? CURRENT : undefined);
      const v = vs.find(
        (x) =>
          (p.versionId === undefined || x.version_id === p.versionId) &&
          (stage === undefined || x.stages.includes(stage)),
      );
      if (v === undefined) throw new NotFoundError('secret version', `${p.name}:${p.versionId ?? stage}`);
      const plain = open(keyring, row.arn, v.version_id, sealedOf(v));
      return {
        arn: row.arn,
        name: row.name,
        versionId: v.version_id,
        versionStages: v.stages,
        createdDate: v.created_at.toISOString(),
        ...(v.kind === 'string'
          ? { secretString: plain.toString('utf8') }
          : { secretBinary: plain.toString('base64') }),
      };
    },

    /** DescribeSecret: metadata and versions with their stages, never values. */
    async describe(p: Ref, db: Db = pool): Promise<SecretDescription> {
      return describeRow(db, await load(db, p, { deleted: true }));
    },

    /** ListSecrets by name, optionally filtered by name prefix or tag. */
    async list(p: {
      accountId: string;
      prefix?: string | undefined;
      tagKey?: string | undefined;
      tagValue?: string | undefined;
      /** Also secrets scheduled for deletion (ListSecrets leaves them out by default). */
      includePlannedDeletion?: boolean | undefined;
      limit: number;
      nextToken?: string | undefined;
    }) {
      const after = decodePageToken(p.nextToken)?.name as string | undefined;
      const rows = await sql.listSecrets(pool, { ...p, after });
      const { page, more } = takePage(rows, p.limit);
      const secrets = await Promise.all(page.map((r) => describeRow(pool, r)));
      const last = page.at(-1);
      return { secrets, ...(more && last ? { nextToken: encodePageToken({ name: last.name }) } : {}) };
    },

    /** UpdateSecret: description, KMS key (new versions use it), tags. */
    async update(
      tx: Db,
      p: Ref & {
        description?: string | undefined;
        kmsKeyId?: string | undefined;
        tags?: Record<string, string> | undefined;
      },
    ) {
      const row = await load(tx, p, { lock: true });
      const kmsKeyId = p.kmsKeyId === undefined ? undefined : keyring.resolve(p.kmsKeyId);
      await sql.updateSecret(tx, row.id, {
        description: p.description,
        kmsKeyId,
        tags: p.tags === undefined ? undefined : { ...row.tags, ...p.tags },
      });
      return describeRow(tx, await load(tx, p));
    },

    /** DeleteSecret: scheduled after a recovery window (7–30 days, default 30) or at once. */
    async scheduleDeletion(
      tx: Db,
      p: Ref & {
        recoveryWindowInDays?: number | undefined;
        forceDeleteWithoutRecovery?: boolean | undefined;
      },
    ) {
      const row = await load(tx, p, { lock: true, deleted: true });
      if (p.forceDeleteWithoutRecovery === true && p.recoveryWindowInDays !== undefined) {
        throw new ValidationError([
          { path: '/recoveryWindowInDays', message: 'cannot be given with forceDeleteWithoutRecovery' },
        ]);
      }
      const days = p.recoveryWindowInDays ?? 30;
      if (days < 7 || days > 30)
        throw new ValidationError([{ path: '/recoveryWindowInDays', message: 'must be between 7 and 30' }]);
      if (p.forceDeleteWithoutRecovery === true) {
        await sql.deleteSecret(tx, row.id);
        return { arn: row.arn, name: row.name, deletionDate: new Date().toISOString() };
      }
      const deletionDate = new Date(Date.now() + days * 86_400_000);
      await sql.updateSecret(tx, row.id, { deletedAt: new Date(), deleteAfter: deletionDate });
      return { arn: row.arn, name: row.name, deletionDate: deletionDate.toISOString() };
    },

    /** RestoreSecret: cancels a scheduled deletion. */
    async restore(tx: Db, p: Ref) {
      const row = await load(tx, p, { lock: true, deleted: true });
      await sql.updateSecret(tx, row.id, { deletedAt: null, deleteAfter: null });
      return { arn: row.arn, name: row.name };
    },

    /** UpdateSecretVersionStage: moves a label; moving AWSCURRENT puts AWSPREVIOUS on the old current. */
    async updateVersionStage(
      tx: Db,
      p: Ref & {
        versionStage: string;
        moveToVersionId?: string | undefined;
        removeFromVersionId?: string | undefined;
      },
    ) {
      const row = await load(tx, p, { lock: true });
      await moveStage(tx, row, p);
      return { arn: row.arn, name: row.name };
    },
  };
}

export type SecretsService = ReturnType<typeof createSecretsService>;
