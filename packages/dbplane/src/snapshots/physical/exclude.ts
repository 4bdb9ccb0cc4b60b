/**
 * What a physical backup leaves out of a PostgreSQL data directory, after the
 * PostgreSQL manual ("Making a Base Backup Using the Low Level API"): files
 * the server recreates or must not find in a restored copy, and dbplane's own
 * files that the backup writes itself (the cluster state) or that do not
 * belong in a copy (the server log, sockets).
 */

/** Directories whose contents are skipped (the directory itself is kept, empty). */
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);

/** Files at the top of the data directory that are skipped. */
const TOP_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'backup_label',
  'backup_label.old',
  'tablespace_map',
  'tablespace_map.old',
  'recovery.signal',
  'standby.signal',
  'server.log',
  'dbplane-postgres.json',
]);

/**
 * Whether `rel` (a path relative to the data directory, `/`-separated) is
 * left out. `pg_wal/archive_status` is kept as an empty directory.
 *
 * @example
 * excluded('postmaster.pid'); // true
 * excluded('base/5/16384'); // false
 */
export function excluded(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts.at(-1) ?? '';
  if (name.startsWith('pgsql_tmp') || name === 'pg_internal.init') return true;
  if (parts.length === 1) return TOP_FILES.has(name) || name.startsWith('.s.PGSQL.');
  if (rel === 'pg_wal/archive_status') return false;
  return EMPTIED.has(parts[0] ?? '');
}

/** A WAL segment file name (timeline, log, segment: 24 hex digits). */
export const WAL_SEGMENT = /^[0-9A-F]{24}$/;
