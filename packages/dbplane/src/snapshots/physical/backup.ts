import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import tar, { type Pack } from 'tar-stream';
import { clientConfig } from '../../engines/admin/pg-config.js';
import { DbplaneError } from '../../errors/index.js';
import { WAL_SEGMENT } from './exclude.js';
import { addBytes, addFile, addTree, CONTROL_FILE } from './tree.js';

/** The cluster state dbplane's local PostgreSQL keeps in the data directory (engines/postgres-local). */
export const STATE_FILE = 'dbplane-postgres.json';

export interface BackupParams {
  /** Superuser URL of the running server. */
  adminUrl: string;
  /** Its data directory (readable by this process). */
  dataDir: string;
  label: string;
  /** Written into the copy as the cluster state: the admin login that works today. */
  superuser: string;
  password: string;
}

export interface BackupResult {
  startLsn: string;
  stopLsn: string;
  walSegments: number;
}

/** The low-level backup functions of the server's version (renamed in PostgreSQL 15). */
function functionsFor(versionNum: number) {
  if (versionNum >= 150000)
    return {
      start: 'SELECT lsn::text AS lsn, pg_walfile_name(lsn) AS wal FROM pg_backup_start($1, true) AS lsn',
      stop: 'SELECT s.lsn::text AS lsn, s.labelfile, s.spcmapfile, pg_walfile_name(s.lsn) AS wal FROM pg_backup_stop(false) s',
    };
  return {
    start:
      'SELECT lsn::text AS lsn, pg_walfile_name(lsn) AS wal FROM pg_start_backup($1, true, false) AS lsn',
    stop: 'SELECT s.lsn::text AS lsn, s.labelfile, s.spcmapfile, pg_walfile_name(s.lsn) AS wal FROM pg_stop_backup(false, false) s',
  };
}

interface Stopped {
  lsn: string;
  labelfile: string;
  spcmapfile: string | null;
  wal: string;
}

/**
 * A consistent copy of a running PostgreSQL server's data directory, as a tar
 * stream: a non-exclusive low-level backup held in one session (a temporary
 * replication slot made first keeps every WAL segment from the start on),
 * the files copied while the server runs, then the `backup_label` (and
 * `tablespace_map`) that the stop returns and the WAL segments from the
 * start's to the stop's, so that a server started on the copy replays to a
 * consistent state. `done` settles when the tar is complete (or failed; the
 * server then ends the backup with the session).
 *
 * @example
 * const b = physicalBackup({ adminUrl, dataDir, label: 'nightly', superuser, password });
 * await Promise.all([pipeline(b.stream, createWriteStream('copy.tar')), b.done]);
 */
export function physicalBackup(p: BackupParams): { stream: Readable; done: Promise<BackupResult> } {
  const pack = tar.pack();
  const done = run(pack, p).catch((err: unknown) => {
    pack.destroy(err as Error);
    throw err;
  });
  done.catch(() => {});
  return { stream: Readable.from(pack), done };
}

async function run(pack: Pack, p: BackupParams): Promise<BackupResult> {
  const client = new pg.Client(clientConfig(p.adminUrl, 'postgres', 'dbplane-physical-backup'));
  client.on('error', () => {});
  await client.connect();
  try {
    const version = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num);
    const sql = functionsFor(version);
    const segmentBytes = Number(
      (
        await client.query(
          `SELECT setting::bigint * CASE unit WHEN '8kB' THEN 8192 WHEN 'MB' THEN 1048576 ELSE 1 END AS b
           FROM pg_settings WHERE name = 'wal_segment_size'`,
        )
      ).rows[0].b,
    );
    const slot = `dbplane_backup_${randomBytes(6).toString('hex')}`;
    await client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [slot]).catch((err) => {
      throw new DbplaneError(
        'Dbplane.PhysicalSnapshotUnsupported',
        `cannot reserve WAL for the backup (a temporary replication slot): ${(err as Error).message}; the server needs wal_level replica and max_replication_slots > 0`,
      );
    });
    const start = (await client.query<{ lsn: string; wal: string }>(sql.start, [p.label])).rows[0];
    if (start === undefined) throw new Error('the backup start answered nothing');
    await addTree(pack, p.dataDir);
    await addFile(pack, CONTROL_FILE, join(p.dataDir, CONTROL_FILE));
    const stop = (await client.query<Stopped>(sql.stop)).rows[0];
    if (stop === undefined) throw new Error('the backup stop answered nothing');
    await addBytes(pack, 'backup_label', Buffer.from(stop.labelfile));
    if (stop.spcmapfile !== null && stop.spcmapfile !== '')
      await addBytes(pack, 'tablespace_map', Buffer.from(stop.spcmapfile));
    const state = { superuser: p.superuser, password: p.password };
    await addBytes(pack, STATE_FILE, Buffer.from(`${JSON.stringify(state)}\n`));
    const walSegments = await addWal(pack, p.dataDir, { first: start.wal, last: stop.wal, segmentBytes });
    pack.finalize();
    return { startLsn: start.lsn, stopLsn: stop.lsn, walSegments };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The WAL segments from `first` to `last` (and the timeline history files), into pg_wal. */
async function addWal(
  pack: Pack,
  dataDir: string,
  range: { first: string; last: string; segmentBytes: number },
): Promise<number> {
  const { first, last } = range;
  const names = (await readdir(join(dataDir, 'pg_wal'))).sort();
  const wanted = names.filter(
    (n) => (WAL_SEGMENT.test(n) && n >= first && n <= last) || n.endsWith('.history'),
  );
  let segments = 0;
  for (const n of wanted) {
    const size = await addFile(pack, `pg_wal/${n}`, join(dataDir, 'pg_wal', n));
    if (WAL_SEGMENT.test(n) && size > 0) segments++;
  }
  const expected = segmentsBetween(range);
  if (segments !== expected)
    throw new DbplaneError(
      'Dbplane.PhysicalSnapshotIncomplete',
      `the backup needs ${expected} WAL segment(s) from ${first} to ${last} but found ${segments} in pg_wal`,
    );
  return segments;
}

/** How many segments there are from `first` to `last`, both included (a name is timeline, log, segment in the log). */
function segmentsBetween(r: { first: string; last: string; segmentBytes: number }): number {
  const perLog = 0x1_0000_0000n / BigInt(r.segmentBytes);
  const n = (name: string) => BigInt(`0x${name.slice(8, 16)}`) * perLog + BigInt(`0x${name.slice(16)}`);
  return Number(n(r.last) - n(r.first)) + 1;
}
