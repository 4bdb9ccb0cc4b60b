import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError } from '../errors/index.js';
import type { Db, Pool } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import { ACTIVITY_CHANNEL } from './apply.js';
import * as sql from './sql.js';

export interface Activity {
  activityArn: string;
  name: string;
  tags: Record<string, string>;
  creationDate: string;
}

interface ActivityRow {
  arn: string;
  name: string;
  tags: Record<string, string>;
  created_at: Date;
}

const toActivity = (r: ActivityRow): Activity => ({
  activityArn: r.arn,
  name: r.name,
  tags: r.tags,
  creationDate: r.created_at.toISOString(),
});

/**
 * Activities: named task queues that outside workers long-poll
 * (GetActivityTask) and complete with the task token
 * (SendTaskSuccess/Failure/Heartbeat).
 */
export function createActivitiesService(deps: { pool: Pool; region: string; notifier: Notifier }) {
  const arnOf = (accountId: string, name: string) =>
    buildArn({ service: 'states', region: deps.region, accountId, resource: `activity:${name}` });
  const find = async (db: Db, accountId: string, name: string) => {
    const r = await db.query<ActivityRow>('SELECT * FROM activities WHERE account_id = $1 AND name = $2', [
      accountId,
      name,
    ]);
    if (r.rows[0] === undefined) throw new NotFoundError('activity', name);
    return r.rows[0];
  };
  return {
    arnOf,
    async create(
      tx: Db,
      p: { accountId: string; name: string; tags?: Record<string, string> | undefined },
    ): Promise<Activity> {
      const r = await tx.query<ActivityRow>(
        'INSERT INTO activities (arn, account_id, name, tags) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING *',
        [arnOf(p.accountId, p.name), p.accountId, p.name, JSON.stringify(p.tags ?? {})],
      );
      if (r.rows[0] === undefined) throw new ConflictError(`activity "${p.name}" already exists`);
      return toActivity(r.rows[0]);
    },
    async describe(p: { accountId: string; name: string }): Promise<Activity> {
      return toActivity(await find(deps.pool, p.accountId, p.name));
    },
    async list(p: { accountId: string }): Promise<{ activities: Activity[] }> {
      const r = await deps.pool.query<ActivityRow>(
        'SELECT * FROM activities WHERE account_id = $1 ORDER BY name',
        [p.accountId],
      );
      return { activities: r.rows.map(toActivity) };
    },
    async remove(tx: Db, p: { accountId: string; name: string }): Promise<Activity> {
      const row = await find(tx, p.accountId, p.name);
      await tx.query('DELETE FROM activities WHERE arn = $1', [row.arn]);
      return toActivity(row);
    },
    /** Long-polls up to `waitSeconds` for a task; `{}` when none came (as AWS answers). */
    async getTask(
      p: { accountId: string; name: string; workerName?: string | undefined; waitSeconds: number },
      signal?: AbortSignal,
    ): Promise<{ taskToken?: string; input?: string }> {
      const row = await find(deps.pool, p.accountId, p.name);
      const deadline = Date.now() + p.waitSeconds * 1000;
      for (;;) {
        const cursor = deps.notifier.cursor(ACTIVITY_CHANNEL);
        const task = await sql.claimActivityTask(deps.pool, {
          activityArn: row.arn,
          worker: p.workerName ?? '',
        });
        if (task !== undefined && task.task_token !== null)
          return { taskToken: task.task_token, input: JSON.stringify(task.input) };
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return {};
        await deps.notifier.wait(ACTIVITY_CHANNEL, Math.min(left, 1000), row.arn, signal, cursor);
      }
    },
  };
}

export type ActivitiesService = ReturnType<typeof createActivitiesService>;
