import { describe, expect, it } from 'vitest';
import { excluded, WAL_SEGMENT } from './exclude.js';

describe('what a physical backup leaves out', () => {
  it('skips the files the PostgreSQL manual names, and dbplane’s own', () => {
    for (const rel of [
      'postmaster.pid',
      'postmaster.opts',
      'backup_label',
      'tablespace_map',
      'standby.signal',
      'server.log',
      'dbplane-postgres.json',
      '.s.PGSQL.5432',
      '.s.PGSQL.5432.lock',
      'pg_wal/000000010000000000000003',
      'pg_wal/archive_status/000000010000000000000002.done',
      'pg_replslot/dbplane_backup_1/state',
      'pg_stat_tmp/global.stat',
      'pg_subtrans/0000',
      'base/pgsql_tmp',
      'base/5/pgsql_tmp/pgsql_tmp123.0',
      'global/pg_internal.init',
      'base/5/pg_internal.init',
    ])
      expect(excluded(rel), rel).toBe(true);
  });

  it('keeps the data, the configuration and the emptied directories themselves', () => {
    for (const rel of [
      'PG_VERSION',
      'global/pg_control',
      'base/5/16384',
      'base/5/16384_fsm',
      'pg_xact/0000',
      'pg_multixact/offsets/0000',
      'postgresql.conf',
      'postgresql.auto.conf',
      'pg_hba.conf',
      'pg_wal',
      'pg_wal/archive_status',
      'pg_replslot',
      'pg_stat/pgstat.stat',
      'base/5/backup_label', // only the top-level one is the server's
    ])
      expect(excluded(rel), rel).toBe(false);
  });

  it('recognises WAL segment names', () => {
    expect(WAL_SEGMENT.test('000000010000000000000003')).toBe(true);
    expect(WAL_SEGMENT.test('00000002.history')).toBe(false);
    expect(WAL_SEGMENT.test('000000010000000000000003.partial')).toBe(false);
  });
});
