import { randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import type { BusService } from '../bus/service.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { Keyring } from '../kms/keyring.js';
import { DEFAULT_ALIAS } from '../kms/keyring.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db, Pool } from '../store/db.js';
import { COPY_SNAPSHOT_MACHINE, ensureCopyBuiltins } from './copy-builtins.js';
import * as copySql from './copy-sql.js';
import { toSnapshot } from './service.js';
import * as sql from './sql.js';
import type { RegionStores } from './stores.js';
import type { Snapshot } from './types.js';

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

/** What `GET /v1/snapshots/{name}/copy` answers: the durable progress of a copy. */
export interface CopyProgress {
  snapshot: string;
  sourceArn: string;
  targetRegion: string;
  partsTotal: number | null;
  partsDone: number;
  partsWritten: number;
  resumedFromPart: number | null;
  attempts: number;
}

export interface CopyRequest {
  accountId: string;
  /** The source: its name, ARN or id (an owned snapshot). */
  ref: string;
  targetRegion: string;
  targetName?: string | undefined;
  kmsKeyId?: string | undefined;
}

/**
 * CopySnapshot: a copy of an available snapshot into another region's store,
 * re-encrypted under that region's key. The request is recorded and its
 * workflow (`dbplane-copy-snapshot`) started in the caller's transaction.
 *
 * @example
 * const copies = createCopyService({ pool, stores, keyring, machines, executions });
 * await withTransaction(pool, (tx) => copies.request(tx, { accountId, ref: 'nightly', targetRegion: 'eu-2' }));
 */
export function createCopyService(deps: {
  pool: Pool;
  stores: RegionStores;
  keyring: Keyring;
  machines: StateMachinesService;
  bus: BusService;
  executions: ExecutionsService;
}) {
  const source = async (db: Db, accountId: string, ref: string) => {
    const byId = /^[0-9a-f-]{36}$/.test(ref) ? await sql.findById(db, ref) : undefined;
    const row = byId ?? (await sql.findVisible(db, { accountId, ref }))[0];
    if (row === undefined || (row.account_id !== accountId && !row.shared_with.includes(accountId)))
      throw new NotFoundError('snapshot', ref);
    if (row.account_id !== accountId)
      throw new ForbiddenError(
        `snapshot "${row.name}" is shared with this account; only its owner can copy it`,
      );
    if (row.status !== 'available')
      throw new ConflictError(`snapshot "${row.name}" is ${row.status}; only an available one can be copied`);
    return row;
  };
  const keyRefIn = (region: string, kmsKeyId: string | undefined) => {
    try {
      return deps.keyring.forRegion(region).resolve(kmsKeyId ?? DEFAULT_ALIAS);
    } catch {
      throw new ValidationError([
        { path: '/kmsKeyId', message: `no key "${kmsKeyId}" in region "${region}"` },
      ]);
    }
  };
  return {
    async request(tx: Db, p: CopyRequest): Promise<{ snapshot: Snapshot; newRequest: boolean }> {
      const src = await source(tx, p.accountId, p.ref);
      const name = p.targetName ?? `${src.name}-${p.targetRegion}`;
      if (!NAME.test(name))
        throw new ValidationError([
          {
            path: '/targetName',
            message: `"${name}" is not a snapshot name (letters, digits and hyphens, starting with a letter, at most 63)`,
          },
        ]);
      let existing = await sql.findOwn(tx, { accountId: p.accountId, name, lock: true });
      if (
        existing?.status === 'failed' &&
        existing.copy_of === src.arn &&
        existing.region === p.targetRegion
      ) {
        await sql.deleteSnapshot(tx, existing.id); // a failed copy is tried again under its name
        existing = undefined;
      }
      if (existing !== undefined) {
        if (existing.copy_of !== src.arn || existing.region !== p.targetRegion)
          throw new ConflictError(
            `snapshot "${name}" already exists and is not a copy of "${src.name}" in ${p.targetRegion}`,
            {
              arn: existing.arn,
            },
          );
        return { snapshot: toSnapshot(existing), newRequest: false };
      }
      await deps.stores.storeFor(p.targetRegion, tx);
      const keyRef = keyRefIn(p.targetRegion, p.kmsKeyId);
      await ensureCopyBuiltins(tx, deps, p.accountId);
      const id = randomUUID();
      const row = await copySql.insertCopy(tx, {
        id,
        accountId: p.accountId,
        name,
        arn: buildArn({
          service: 'rds',
          region: p.targetRegion,
          accountId: p.accountId,
          resource: `snapshot:${name}`,
        }),
        source: src,
        targetRegion: p.targetRegion,
        keyRef,
        tags: src.tags,
      });
      if (row === undefined)
        throw new ConflictError(`snapshot "${name}" is being created concurrently; retry`);
      const started = await deps.executions.start(tx, {
        accountId: p.accountId,
        stateMachine: COPY_SNAPSHOT_MACHINE,
        name: `copy-${id}`,
        input: { snapshotId: id },
      });
      await sql.updateSnapshot(tx, { id, executionArn: started.executionArn });
      return { snapshot: toSnapshot({ ...row, execution_arn: started.executionArn }), newRequest: true };
    },

    /** Installs the copy, dr-copy and retention machines (and the nightly retention rule) of an account. */
    ensureBuiltins: (tx: Db, accountId: string) => ensureCopyBuiltins(tx, deps, accountId),

    /** The progress of a copy the account owns. */
    async progress(p: { accountId: string; ref: string }): Promise<CopyProgress> {
      const [row] = await sql.findVisible(deps.pool, p);
      const copy = row === undefined ? undefined : await copySql.findCopy(deps.pool, row.id);
      if (row === undefined || copy === undefined) throw new NotFoundError('snapshot copy', p.ref);
      return {
        snapshot: row.name,
        sourceArn: copy.source_arn,
        targetRegion: copy.target_region,
        partsTotal: copy.parts_total,
        partsDone: copy.parts.length,
        partsWritten: copy.parts_written,
        resumedFromPart: copy.resumed_from_part,
        attempts: copy.attempts,
      };
    },
  };
}

export type CopyService = ReturnType<typeof createCopyService>;
