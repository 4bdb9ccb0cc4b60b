/**
 * The privilege sets of each engine, per kind of object and server version.
 */

/** Kinds of PostgreSQL objects a grant can be on. */
export type PgObjectKind = 'database' | 'schema' | 'table' | 'sequence' | 'function';

const PG_PRIVILEGES: Record<PgObjectKind, readonly string[]> = {
  database: ['CREATE', 'CONNECT', 'TEMPORARY'],
  schema: ['USAGE', 'CREATE'],
  table: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'],
  sequence: ['USAGE', 'SELECT', 'UPDATE'],
  function: ['EXECUTE'],
};

/** Privileges that exist only from a PostgreSQL major version on. */
const PG_SINCE: Record<string, number> = { MAINTAIN: 17 };

/**
 * The privileges of `kind` on a PostgreSQL server of major version `major`
 * (every known privilege when `major` is undefined).
 *
 * @example
 * pgPrivileges('table', 15).includes('MAINTAIN') // false
 */
export function pgPrivileges(kind: PgObjectKind, major?: number): string[] {
  return PG_PRIVILEGES[kind].filter((p) => major === undefined || (PG_SINCE[p] ?? 0) <= major);
}

/**
 * The canonical (upper-case, unaliased) name of a PostgreSQL privilege.
 *
 * @example
 * normalizePgPrivilege('temp') // 'TEMPORARY'
 */
export function normalizePgPrivilege(p: string): string {
  const up = p.trim().toUpperCase().replace(/\s+/g, ' ');
  if (up === 'TEMP') return 'TEMPORARY';
  if (up === 'ALL PRIVILEGES') return 'ALL';
  return up;
}

/** Expands `ALL` into the kind's privileges for the version; other names are normalized. */
export function expandPgPrivileges(
  kind: PgObjectKind,
  privileges: readonly string[],
  major?: number,
): string[] {
  const names = privileges.map(normalizePgPrivilege);
  return names.includes('ALL') ? pgPrivileges(kind, major) : [...new Set(names)];
}

/** Levels of MySQL/MariaDB grants. */
export type MysqlLevel = 'global' | 'database' | 'table';

const MYSQL_TABLE = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE VIEW',
  'SHOW VIEW',
  'TRIGGER',
];
const MYSQL_DATABASE = [
  ...MYSQL_TABLE,
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
];
const MYSQL_GLOBAL_STATIC = [
  ...MYSQL_DATABASE,
  'RELOAD',
  'SHUTDOWN',
  'PROCESS',
  'FILE',
  'SHOW DATABASES',
  'SUPER',
  'REPLICATION SLAVE',
  'REPLICATION CLIENT',
  'CREATE USER',
  'CREATE TABLESPACE',
];
/** MariaDB 10.5+ split SUPER into these, and added DELETE HISTORY (system-versioned tables). */
const MARIADB_GLOBAL = [
  'BINLOG ADMIN',
  'BINLOG MONITOR',
  'BINLOG REPLAY',
  'CONNECTION ADMIN',
  'FEDERATED ADMIN',
  'READ_ONLY ADMIN',
  'REPLICATION MASTER ADMIN',
  'REPLICATION SLAVE ADMIN',
  'SET USER',
  'SLAVE MONITOR',
];
/** MySQL 8 dynamic privileges: global only, granted by name, listed in mysql.global_grants. */
const MYSQL8_DYNAMIC = [
  'APPLICATION_PASSWORD_ADMIN',
  'AUDIT_ADMIN',
  'BACKUP_ADMIN',
  'BINLOG_ADMIN',
  'CONNECTION_ADMIN',
  'ENCRYPTION_KEY_ADMIN',
  'FLUSH_OPTIMIZER_COSTS',
  'FLUSH_STATUS',
  'FLUSH_TABLES',
  'FLUSH_USER_RESOURCES',
  'PERSIST_RO_VARIABLES_ADMIN',
  'REPLICATION_APPLIER',
  'REPLICATION_SLAVE_ADMIN',
  'RESOURCE_GROUP_ADMIN',
  'RESOURCE_GROUP_USER',
  'ROLE_ADMIN',
  'SESSION_VARIABLES_ADMIN',
  'SET_USER_ID',
  'SHOW_ROUTINE',
  'SYSTEM_USER',
  'SYSTEM_VARIABLES_ADMIN',
  'TABLE_ENCRYPTION_ADMIN',
  'XA_RECOVER_ADMIN',
];

/**
 * The privileges grantable at `level` on `engine` (`mysql` is MySQL 8, `mariadb` MariaDB 10.5+).
 *
 * @example
 * mysqlPrivileges('mariadb', 'table').includes('DELETE HISTORY') // true
 */
export function mysqlPrivileges(engine: 'mysql' | 'mariadb', level: MysqlLevel): string[] {
  const maria = engine === 'mariadb';
  if (level === 'table') return maria ? [...MYSQL_TABLE, 'DELETE HISTORY'] : MYSQL_TABLE;
  if (level === 'database') return maria ? [...MYSQL_DATABASE, 'DELETE HISTORY'] : MYSQL_DATABASE;
  return maria
    ? [...MYSQL_GLOBAL_STATIC, 'DELETE HISTORY', ...MARIADB_GLOBAL]
    : [...MYSQL_GLOBAL_STATIC, 'CREATE ROLE', 'DROP ROLE', ...MYSQL8_DYNAMIC];
}

/**
 * The canonical name of a MySQL privilege (upper case, single spaces).
 *
 * @example
 * normalizeMysqlPrivilege(' create  view') // 'CREATE VIEW'
 */
export function normalizeMysqlPrivilege(p: string): string {
  return p.trim().toUpperCase().replace(/\s+/g, ' ');
}
