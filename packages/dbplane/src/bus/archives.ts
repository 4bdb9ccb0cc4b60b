import { randomUUID } from 'node:crypto';
import { validatePattern } from '@dbplane/events';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import type { Db } from '../store/db.js';
import type { BusesService } from './buses.js';
import { bumpRules } from './sql.js';

export interface ArchiveRow {
  id: string;
  name: string;
  arn: string;
  bus_id: string;
  bus_arn: string;
  event_pattern: unknown;
  retention_days: number;
  description: string | null;
  created_at: Date;
  event_count: string;
}

interface ReplayRow {
  name: string;
  arn: string;
  archive_name: string;
  state: string;
  replayed: number;
  state_reason: string | null;
  start_time: Date;
  end_time: Date;
  created_at: Date;
  ended_at: Date | null;
}

const ARCHIVE = `a.*, b.arn AS bus_arn, (SELECT count(*) FROM archived_events e WHERE e.archive_id = a.id) AS event_count
  FROM event_archives a JOIN event_buses b ON b.id = a.bus_id`;

/** Archives (events kept per bus, optionally filtered by a pattern) and replays. */
export function createArchivesService(deps: { region: string; buses: BusesService }) {
  const arnOf = (accountId: string, kind: string, name: string) =>
    buildArn({ service: 'events', region: deps.region, accountId, resource: `${kind}/${name}` });

  const find = async (db: Db, accountId: string, name: string) => {
    const r = await db.query<ArchiveRow>(`SELECT ${ARCHIVE} WHERE a.account_id = $1 AND a.name = $2`, [
      accountId,
      name,
    ]);
    if (r.rows[0] === undefined) throw new NotFoundError('archive', name);
    return r.rows[0];
  };

  return {
    find,
    async create(
      tx: Db,
      p: {
        accountId: string;
        name: string;
        eventBusName?: string | undefined;
        eventPattern?: unknown;
        retentionDays?: number | undefined;
        description?: string | undefined;
      },
    ) {
      if (p.eventPattern !== undefined) {
        const problems = validatePattern(p.eventPattern as never);
        if (problems.length > 0)
          throw new ValidationError(
            problems.map((x) => ({
              path: `/eventPattern${x.path.startsWith('/') || x.path === '' ? x.path : `/${x.path}`}`,
              message: x.message,
            })),
          );
      }
      const bus = await deps.buses.resolve(tx, p.accountId, p.eventBusName ?? 'default');
      const taken = await tx.query('SELECT 1 FROM event_archives WHERE account_id = $1 AND name = $2', [
        p.accountId,
        p.name,
      ]);
      if (taken.rowCount) throw new ConflictError(`archive "${p.name}" already exists`);
      await tx.query(
        `INSERT INTO event_archives (id, account_id, name, arn, bus_id, event_pattern, retention_days, description)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [
          randomUUID(),
          p.accountId,
          p.name,
          arnOf(p.accountId, 'archive', p.name),
          bus.id,
          p.eventPattern === undefined ? null : JSON.stringify(p.eventPattern),
          p.retentionDays ?? 0,
          p.description ?? null,
        ],
      );
      await bumpRules(tx, bus.id);
      return toArchive(await find(tx, p.accountId, p.name));
    },
    async describe(db: Db, accountId: string, name: string) {
      return toArchive(await find(db, accountId, name));
    },
    async list(db: Db, accountId: string) {
      const r = await db.query<ArchiveRow>(`SELECT ${ARCHIVE} WHERE a.account_id = $1 ORDER BY a.name`, [
        accountId,
      ]);
      return r.rows.map(toArchive);
    },
    async remove(tx: Db, accountId: string, name: string) {
      const row = await find(tx, accountId, name);
      await tx.query('DELETE FROM event_archives WHERE id = $1', [row.id]);
      await bumpRules(tx, row.bus_id);
      return row.arn;
    },
    async startReplay(
      tx: Db,
      p: {
        accountId: string;
        name: string;
        archiveName: string;
        eventStartTime: string;
        eventEndTime: string;
        destinationBusName?: string | undefined;
        destinationRules?: string[] | undefined;
        description?: string | undefined;
      },
    ) {
      const archive = await find(tx, p.accountId, p.archiveName);
      const bus =
        p.destinationBusName === undefined
          ? { id: archive.bus_id }
          : await deps.buses.resolve(tx, p.accountId, p.destinationBusName);
      if (new Date(p.eventEndTime) <= new Date(p.eventStartTime))
        throw new ValidationError([{ path: '/eventEndTime', message: 'must be after eventStartTime' }]);
      const taken = await tx.query('SELECT 1 FROM event_replays WHERE account_id = $1 AND name = $2', [
        p.accountId,
        p.name,
      ]);
      if (taken.rowCount) throw new ConflictError(`replay "${p.name}" already exists`);
      await tx.query(
        `INSERT INTO event_replays (id, account_id, name, arn, archive_id, destination_bus_id, destination_rules, start_time, end_time, state)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'STARTING')`,
        [
          randomUUID(),
          p.accountId,
          p.name,
          arnOf(p.accountId, 'replay', p.name),
          archive.id,
          bus.id,
          p.destinationRules ?? null,
          p.eventStartTime,
          p.eventEndTime,
        ],
      );
      await tx.query("SELECT pg_notify('dbplane_event_replays', '')");
      return this.describeReplay(tx, p.accountId, p.name);
    },
    async describeReplay(db: Db, accountId: string, name: string) {
      const r = await db.query<ReplayRow>(
        `SELECT r.*, a.name AS archive_name FROM event_replays r JOIN event_archives a ON a.id = r.archive_id
         WHERE r.account_id = $1 AND r.name = $2`,
        [accountId, name],
      );
      if (r.rows[0] === undefined) throw new NotFoundError('replay', name);
      return toReplay(r.rows[0]);
    },
    async listReplays(db: Db, accountId: string) {
      const r = await db.query<ReplayRow>(
        `SELECT r.*, a.name AS archive_name FROM event_replays r JOIN event_archives a ON a.id = r.archive_id
         WHERE r.account_id = $1 ORDER BY r.created_at DESC`,
        [accountId],
      );
      return r.rows.map(toReplay);
    },
    async cancelReplay(tx: Db, accountId: string, name: string) {
      const r = await tx.query(
        `UPDATE event_replays SET state = 'CANCELLED', ended_at = now(), state_reason = 'cancelled by the caller'
         WHERE account_id = $1 AND name = $2 AND state IN ('STARTING', 'RUNNING') RETURNING arn`,
        [accountId, name],
      );
      if (!r.rowCount) throw new ConflictError(`replay "${name}" is not running`);
      return (r.rows[0] as { arn: string }).arn;
    },
  };
}

function toArchive(r: ArchiveRow) {
  return {
    name: r.name,
    arn: r.arn,
    eventSourceArn: r.bus_arn,
    ...(r.event_pattern === null ? {} : { eventPattern: r.event_pattern }),
    retentionDays: r.retention_days,
    eventCount: Number(r.event_count),
    ...(r.description === null ? {} : { description: r.description }),
    state: 'ENABLED',
    createdAt: r.created_at.toISOString(),
  };
}

function toReplay(r: ReplayRow) {
  return {
    name: r.name,
    arn: r.arn,
    archiveName: r.archive_name,
    state: r.state,
    eventsReplayed: r.replayed,
    ...(r.state_reason === null ? {} : { stateReason: r.state_reason }),
    eventStartTime: r.start_time.toISOString(),
    eventEndTime: r.end_time.toISOString(),
    replayStartTime: r.created_at.toISOString(),
    ...(r.ended_at === null ? {} : { replayEndTime: r.ended_at.toISOString() }),
  };
}
