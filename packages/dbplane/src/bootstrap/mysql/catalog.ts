import type mysql from 'mysql2/promise';
import { ident, literal, rows } from './sql.js';

/**
 * Reading the real state of a MySQL/MariaDB server: accounts and roles
 * (mysql.user), role grants (mysql.roles_mapping on MariaDB, role_edges on
 * MySQL 8), databases (information_schema.SCHEMATA), privileges at database
 * and table level (information_schema), global privileges (SHOW GRANTS, as
 * MariaDB's USER_PRIVILEGES leaves roles out) and the managed-objects table.
 */

export interface MysqlAccountRow {
  plugin: string;
  authString: string;
  maxUserConnections: number;
  defaultRole: string;
}

export interface MysqlCatalog {
  mariadb: boolean;
  /** `name@host` → row; roles are under `name@` (empty host). */
  accounts: Map<string, MysqlAccountRow>;
  /** `name@host` of a user → the roles granted to it. */
  roleGrants: Map<string, Set<string>>;
  databases: Map<string, { charset: string; collation: string }>;
  /** `database \0 table`: tables that exist. */
  tables: Set<string>;
  /** `grantee text \0 level \0 database \0 table` → privileges. */
  privileges: Map<string, Set<string>>;
  /** `kind \0 name \0 host` of the objects the bootstrap created. */
  managed: Set<string>;
}

/** The key of a privilege set in `MysqlCatalog.privileges`. */
export const privKey = (grantee: string, level: string, database = '', table = ''): string =>
  [grantee, level, database, table].join('\u0000');

/** The key of a managed object. */
export const managedKey = (kind: 'user' | 'role' | 'database', name: string, host = ''): string =>
  [kind, name, host].join('\u0000');

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  map.set(key, (map.get(key) ?? new Set<string>()).add(value));
}

async function readAccounts(c: mysql.Connection, mariadb: boolean, cat: MysqlCatalog): Promise<void> {
  const extra = mariadb
    ? ', default_role AS defaultRole, is_role AS isRole'
    : ", '' AS defaultRole, 'N' AS isRole";
  const users = await rows<{
    User: string;
    Host: string;
    plugin: string;
    auth: string;
    max: number;
    defaultRole: string;
    isRole: string;
  }>(
    c,
    `SELECT User, Host, plugin, authentication_string AS auth, max_user_connections AS max${extra} FROM mysql.user`,
  );
  for (const u of users)
    cat.accounts.set(`${u.User}@${u.isRole === 'Y' ? '' : u.Host}`, {
      plugin: String(u.plugin ?? ''),
      authString: String(u.auth ?? ''),
      maxUserConnections: Number(u.max ?? 0),
      defaultRole: String(u.defaultRole ?? ''),
    });
  const mapping = mariadb
    ? await rows<{ u: string; h: string; r: string }>(
        c,
        'SELECT User AS u, Host AS h, Role AS r FROM mysql.roles_mapping',
      )
    : await rows<{ u: string; h: string; r: string }>(
        c,
        'SELECT TO_USER AS u, TO_HOST AS h, FROM_USER AS r FROM mysql.role_edges',
      );
  for (const m of mapping) add(cat.roleGrants, `${m.u}@${m.h}`, m.r);
  if (!mariadb)
    for (const d of await rows<{ u: string; h: string; r: string }>(
      c,
      'SELECT USER AS u, HOST AS h, DEFAULT_ROLE_USER AS r FROM mysql.default_roles',
    )) {
      const a = cat.accounts.get(`${d.u}@${d.h}`);
      if (a) a.defaultRole = d.r;
    }
}

async function readPrivileges(c: mysql.Connection, cat: MysqlCatalog): Promise<void> {
  for (const r of await rows<{ g: string; s: string; p: string }>(
    c,
    'SELECT GRANTEE AS g, TABLE_SCHEMA AS s, PRIVILEGE_TYPE AS p FROM information_schema.SCHEMA_PRIVILEGES',
  ))
    add(cat.privileges, privKey(r.g, 'database', r.s), r.p);
  for (const r of await rows<{ g: string; s: string; t: string; p: string }>(
    c,
    'SELECT GRANTEE AS g, TABLE_SCHEMA AS s, TABLE_NAME AS t, PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES',
  ))
    add(cat.privileges, privKey(r.g, 'table', r.s, r.t), r.p);
}

/**
 * The global privileges of an account or role, from SHOW GRANTS (`ON *.*`
 * lines; USAGE means none). Only asked for the grantees a spec names.
 */
export async function readGlobalPrivileges(
  c: mysql.Connection,
  name: string,
  host: string | undefined,
): Promise<Set<string>> {
  const who = host === undefined ? ident(name) : `${ident(name)}@${ident(host)}`;
  const out = new Set<string>();
  for (const r of await rows<Record<string, string>>(c, `SHOW GRANTS FOR ${who}`)) {
    const line = Object.values(r)[0] ?? '';
    const m = /^GRANT (.+?) ON \*\.\* TO /.exec(line);
    for (const p of m?.[1]?.split(', ') ?? []) if (p !== 'USAGE') out.add(p);
  }
  return out;
}

/**
 * Reads the catalog; `metaDatabase` holds the table of managed objects.
 *
 * @example
 * const cat = await readMysqlCatalog(conn, '_dbplane');
 */
/** The table, in the meta database, of the objects each scope manages. */
export const MANAGED_TABLE = 'managed_objects';

export async function readMysqlCatalog(
  c: mysql.Connection,
  metaDatabase: string,
  scope = '',
): Promise<MysqlCatalog> {
  const version = (await rows<{ v: string }>(c, 'SELECT VERSION() AS v'))[0]?.v ?? '';
  const cat: MysqlCatalog = {
    mariadb: version.includes('MariaDB'),
    accounts: new Map(),
    roleGrants: new Map(),
    databases: new Map(),
    tables: new Set(),
    privileges: new Map(),
    managed: new Set(),
  };
  await readAccounts(c, cat.mariadb, cat);
  for (const d of await rows<{ n: string; cs: string; co: string }>(
    c,
    'SELECT SCHEMA_NAME AS n, DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA',
  ))
    cat.databases.set(d.n, { charset: d.cs, collation: d.co });
  for (const t of await rows<{ s: string; t: string }>(
    c,
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES',
  ))
    cat.tables.add(`${t.s}\u0000${t.t}`);
  await readPrivileges(c, cat);
  if (cat.tables.has(`${metaDatabase}\u0000${MANAGED_TABLE}`))
    for (const m of await rows<{ k: 'user'; n: string; h: string }>(
      c,
      `SELECT kind AS k, name AS n, host AS h FROM ${ident(metaDatabase)}.${MANAGED_TABLE} WHERE scope = ${literal(scope)}`,
    ))
      cat.managed.add(managedKey(m.k, m.n, m.h));
  return cat;
}
