import { randomUUID } from 'node:crypto';
import { type Pool, withTransaction } from '../store/db.js';
import { insertEvent } from './sql.js';
import { EVENTS_CHANNEL, type EventEnvelope } from './types.js';

const BATCH = 100;

/**
 * Runs replays: re-sends a batch of a replay's archived events at a time
 * (new ids, a top-level `replay-name`) to its destination bus, advancing
 * `replayed` in the same transaction, until the range is done (COMPLETED).
 */
export function createReplayer(deps: { pool: Pool }) {
  return {
    async step(): Promise<number> {
      return withTransaction(deps.pool, async (tx) => {
        const r = await tx.query<{
          id: string;
          name: string;
          archive_id: string;
          destination_bus_id: string;
          start_time: Date;
          end_time: Date;
          replayed: number;
        }>(
          `SELECT * FROM event_replays WHERE state IN ('STARTING', 'RUNNING') ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        const replay = r.rows[0];
        if (replay === undefined) return 0;
        const events = await tx.query<{ envelope: EventEnvelope }>(
          `SELECT envelope FROM archived_events WHERE archive_id = $1 AND event_time >= $2 AND event_time < $3
           ORDER BY event_time, event_id OFFSET $4 LIMIT $5`,
          [replay.archive_id, replay.start_time, replay.end_time, replay.replayed, BATCH],
        );
        for (const { envelope } of events.rows) {
          const id = randomUUID();
          await insertEvent(tx, {
            id,
            busId: replay.destination_bus_id,
            envelope: { ...envelope, id, 'replay-name': replay.name },
            replayName: replay.name,
          });
        }
        const done = events.rows.length < BATCH;
        await tx.query(
          `UPDATE event_replays SET replayed = replayed + $2, state = $3, ended_at = CASE WHEN $4 THEN now() END WHERE id = $1`,
          [replay.id, events.rows.length, done ? 'COMPLETED' : 'RUNNING', done],
        );
        if (events.rows.length > 0)
          await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, replay.destination_bus_id]);
        return done ? 0 : 1;
      });
    },
  };
}
