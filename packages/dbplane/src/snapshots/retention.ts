import { NotFoundError, ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { Db, Pool } from '../store/db.js';
import * as rsql from './retention-sql.js';
import * as sql from './sql.js';
import type { RegionStores } from './stores.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const RESTORE_MACHINE = 'dbplane-restore-snapshot';

/** A source's retention: keep the newest `keepLast`, and those younger than `keepDays` (either keeps one). */
export interface RetentionPolicy {
  sourceType: 'database' | 'instance';
  source: string;
  keepLast: number | null;
  keepDays: number | null;
  updatedAt: string;
}

/** What one application of retention did. */
export interface RetentionResult {
  deleted: { name: string; region: string }[];
  /** Snapshots past retention that were kept: being copied or restored from. */
  protected: { name: string; reason: string }[];
}

const view = (r: rsql.RetentionRow): RetentionPolicy => ({
  sourceType: r.source_type,
  source: r.source,
  keepLast: r.keep_last,
  keepDays: r.keep_days,
  updatedAt: r.updated_at.toISOString(),
});

/** Which of `rows` (newest first) a policy lets go. */
export function pastRetention<T extends { created_at: Date }>(
  rows: readonly T[],
  keep: { keepLast: number | null; keepDays: number | null },
  now: number,
): T[] {
  return rows.filter((r, i) => {
    const byCount = keep.keepLast !== null && i < keep.keepLast;
    const byAge = keep.keepDays !== null && now - r.created_at.getTime() < keep.keepDays * DAY_MS;
    return !byCount && !byAge;
  });
}

/**
 * Retention policies per source and their application: the scheduled
 * `dbplane-snapshot-retention` and the prune step of `dbplane-dr-copy`.
 *
 * @example
 * await retention.put(tx, { accountId, sourceType: 'database', source: 'orders', keepLast: 7, keepDays: null });
 * await retention.apply({ accountId });
 */
export function createRetentionService(deps: {
  pool: Pool;
  stores: RegionStores;
  executions: ExecutionsService;
}) {
  /** Snapshot ids that running restores read from. */
  const restoring = async (accountId: string): Promise<Set<string>> => {
    const ids = new Set<string>();
    const running = await deps.executions
      .list({ accountId, stateMachine: RESTORE_MACHINE, status: 'RUNNING', limit: 1000 })
      .catch(() => ({ executions: [] }));
    for (const e of running.executions) {
      const id = (e.input as { snapshotId?: unknown } | null)?.snapshotId;
      if (typeof id === 'string') ids.add(id);
    }
    return ids;
  };
  const remove = async (row: sql.SnapshotRow) => {
    const store = await deps.stores.storeFor(row.region);
    await sql.deleteSnapshot(deps.pool, row.id);
    await store.remove(row.location);
  };
  return {
    async put(
      tx: Db,
      p: {
        accountId: string;
        sourceType: 'database' | 'instance';
        source: string;
        keepLast?: number | undefined;
        keepDays?: number | undefined;
      },
    ): Promise<RetentionPolicy> {
      if (p.keepLast === undefined && p.keepDays === undefined)
        throw new ValidationError([{ path: '', message: 'give keepLast, keepDays or both' }]);
      return view(
        await rsql.putPolicy(tx, { ...p, keepLast: p.keepLast ?? null, keepDays: p.keepDays ?? null }),
      );
    },
    async get(p: { accountId: string; sourceType: string; source: string }): Promise<RetentionPolicy> {
      const row = await rsql.findPolicy(deps.pool, p);
      if (row === undefined) throw new NotFoundError('retention policy', `${p.sourceType}/${p.source}`);
      return view(row);
    },
    async remove(
      tx: Db,
      p: { accountId: string; sourceType: string; source: string },
    ): Promise<RetentionPolicy> {
      const row = await rsql.deletePolicy(tx, p);
      if (row === undefined) throw new NotFoundError('retention policy', `${p.sourceType}/${p.source}`);
      return view(row);
    },
    list: async (accountId: string) => (await rsql.listPolicies(deps.pool, accountId)).map(view),

    /**
     * Deletes what is past retention: with `keepLast`/`keepDays` given, for
     * that source (or every source with a policy) in `region`; otherwise by
     * each policy, in `region` or every region. `copiesOnly` limits it to copies.
     */
    async apply(p: {
      accountId: string;
      region?: string | undefined;
      copiesOnly?: boolean;
      sourceType?: 'database' | 'instance' | undefined;
      source?: string | undefined;
      keepLast?: number | undefined;
      keepDays?: number | undefined;
      now?: number;
    }): Promise<RetentionResult> {
      const policies = (await rsql.listPolicies(deps.pool, p.accountId)).filter(
        (r) =>
          p.source === undefined || (r.source === p.source && r.source_type === (p.sourceType ?? 'database')),
      );
      const explicit = p.keepLast !== undefined || p.keepDays !== undefined;
      const targets = explicit
        ? p.source !== undefined
          ? [{ source_type: p.sourceType ?? 'database', source: p.source }]
          : policies
        : policies;
      const busy = new Set([
        ...(await restoring(p.accountId)),
        ...(await rsql.sourcesBeingCopied(deps.pool, p.accountId)),
      ]);
      const result: RetentionResult = { deleted: [], protected: [] };
      for (const t of targets) {
        const keep = explicit
          ? { keepLast: p.keepLast ?? null, keepDays: p.keepDays ?? null }
          : { keepLast: (t as rsql.RetentionRow).keep_last, keepDays: (t as rsql.RetentionRow).keep_days };
        const rows = await rsql.snapshotsOf(deps.pool, {
          accountId: p.accountId,
          sourceType: t.source_type,
          source: t.source,
          region: p.region,
          copiesOnly: p.copiesOnly === true,
        });
        // only available snapshots count and go: one being created (or failed) is left alone
        const byRegion = new Map<string, sql.SnapshotRow[]>();
        for (const r of rows)
          if (r.status === 'available') byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
        for (const group of byRegion.values())
          for (const row of pastRetention(group, keep, p.now ?? Date.now())) {
            if (busy.has(row.id))
              result.protected.push({ name: row.name, reason: 'being copied or restored from' });
            else {
              await remove(row);
              result.deleted.push({ name: row.name, region: row.region });
            }
          }
      }
      return result;
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
