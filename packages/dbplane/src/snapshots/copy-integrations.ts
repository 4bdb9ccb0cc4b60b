import { DbplaneError, NotFoundError } from '../errors/index.js';
import { asOutcome } from '../executions/outcome.js';
import type { TaskRegistry } from '../executions/registry.js';
import { withTransaction } from '../store/db.js';
import type { CopyService } from './copy.js';
import { type CopyTaskDeps, copySnapshotData, failCopy } from './copy-task.js';
import type { RetentionService } from './retention.js';
import * as rsql from './retention-sql.js';
import { toSnapshot } from './service.js';
import * as sql from './sql.js';

const PREFIX = 'arn:dbplane:states:::snapshots';

type Deps = CopyTaskDeps & { copies: CopyService; retention: RetentionService };
interface Ref {
  snapshotId?: string;
  snapshotArn?: string;
}
interface DrRequest {
  targetRegion?: string;
  sourceRegion?: string;
  database?: string;
  instance?: string;
  kmsKeyId?: string;
  keepLast?: number;
  keepDays?: number;
}

const refOf = (p: Ref) => {
  const ref = p.snapshotId ?? p.snapshotArn;
  if (typeof ref !== 'string' || ref === '')
    throw new DbplaneError('Dbplane.InvalidInput', 'give snapshotId or snapshotArn');
  return ref;
};

/** A snapshot the account owns or that is shared with it, by id or ARN. */
async function visible(deps: Deps, accountId: string, ref: string) {
  const row = /^[0-9a-f-]{36}$/.test(ref)
    ? await sql.findById(deps.pool, ref)
    : (await sql.findVisible(deps.pool, { accountId, ref }))[0];
  if (row === undefined || (row.account_id !== accountId && !row.shared_with.includes(accountId)))
    throw new NotFoundError('snapshot', ref);
  return row;
}

/**
 * The Task resources of copies and retention: `copy` (request a copy; for
 * other workflows), `awaitAvailable` (poll a snapshot), `copyData` and
 * `copyFailed` (the copy workflow's steps), `findMissingCopies` and
 * `applyRetention` (dr-copy and retention).
 */
export function registerCopyIntegrations(registry: TaskRegistry, deps: Deps): void {
  registry.register(`${PREFIX}:copy`, (t) =>
    asOutcome(async () => {
      const p = t.input as Ref & { targetRegion?: string; targetName?: string; kmsKeyId?: string };
      if (typeof p.targetRegion !== 'string')
        throw new DbplaneError('Dbplane.InvalidInput', 'targetRegion is required');
      const r = await withTransaction(deps.pool, (tx) =>
        deps.copies.request(tx, {
          accountId: t.accountId,
          ref: refOf(p),
          targetRegion: p.targetRegion as string,
          targetName: p.targetName,
          kmsKeyId: p.kmsKeyId,
        }),
      );
      const row = await sql.findOwn(deps.pool, { accountId: t.accountId, name: r.snapshot.name });
      return {
        snapshotId: row?.id,
        snapshotArn: r.snapshot.arn,
        name: r.snapshot.name,
        region: r.snapshot.region,
        status: r.snapshot.status,
        executionArn: r.snapshot.executionArn,
      };
    }),
  );
  registry.register(`${PREFIX}:awaitAvailable`, (t) =>
    asOutcome(async () => {
      const row = await visible(deps, t.accountId, refOf(t.input as Ref));
      if (row.status === 'creating')
        throw new DbplaneError(
          'Dbplane.SnapshotNotReady',
          `snapshot "${row.name}" is creating (${row.progress}%)`,
        );
      if (row.status !== 'available')
        throw new DbplaneError(
          'Dbplane.SnapshotFailed',
          `snapshot "${row.name}" is ${row.status}: ${row.status_reason ?? 'no reason given'}`,
        );
      return toSnapshot(row, t.accountId);
    }),
  );
  registry.register(`${PREFIX}:copyData`, (t) =>
    asOutcome(async () =>
      copySnapshotData(deps, t.accountId, (t.input as { snapshotId: string }).snapshotId),
    ),
  );
  registry.register(`${PREFIX}:copyFailed`, (t) =>
    asOutcome(async () => {
      const p = t.input as { snapshotId: string; error?: string; cause?: string };
      return failCopy(deps, t.accountId, p.snapshotId, `${p.error ?? 'Error'}: ${p.cause ?? ''}`);
    }),
  );
  registry.register(`${PREFIX}:findMissingCopies`, (t) =>
    asOutcome(async () => {
      const r = (t.input as { request?: DrRequest }).request ?? {};
      if (typeof r.targetRegion !== 'string')
        throw new DbplaneError('Dbplane.InvalidInput', 'the input needs targetRegion');
      await deps.stores.storeFor(r.targetRegion);
      const rows = await rsql.missingCopies(deps.pool, {
        accountId: t.accountId,
        sourceRegion: r.sourceRegion ?? deps.stores.region,
        targetRegion: r.targetRegion,
        database: r.database,
        instance: r.instance,
      });
      const items = rows.map((row) => ({
        snapshotId: row.id,
        targetRegion: r.targetRegion,
        ...(r.kmsKeyId === undefined ? {} : { kmsKeyId: r.kmsKeyId }),
      }));
      return { count: items.length, items };
    }),
  );
  registry.register(`${PREFIX}:applyRetention`, (t) =>
    asOutcome(async () => {
      const p = t.input as { request?: DrRequest; copiesIn?: string };
      const r = p.request ?? {};
      return deps.retention.apply({
        accountId: t.accountId,
        region: p.copiesIn,
        copiesOnly: p.copiesIn !== undefined,
        sourceType: r.instance !== undefined ? 'instance' : 'database',
        source: r.instance ?? r.database,
        keepLast: r.keepLast,
        keepDays: r.keepDays,
      });
    }),
  );
}
