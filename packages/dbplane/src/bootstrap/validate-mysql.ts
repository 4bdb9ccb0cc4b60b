import { type MysqlLevel, mysqlPrivileges, normalizeMysqlPrivilege } from './privileges.js';
import {
  arr,
  at,
  checkNameBytes,
  checkPrivilegeList,
  checkUnique,
  field,
  type Problems,
  str,
} from './validate-common.js';

/** What a MySQL/MariaDB server is known to have: users as `name@host`. */
export interface MysqlExisting {
  users?: readonly string[];
  roles?: readonly string[];
  databases?: readonly string[];
}

/** The key of an account: `name@host`, host `%` by default. */
export function accountKey(name: string, host?: string): string {
  return `${name}@${host ?? '%'}`;
}

/** Databases every server has. */
const SYSTEM_DATABASES = ['mysql', 'information_schema', 'performance_schema', 'sys'];

interface Names {
  users: Set<string>;
  roles: Set<string>;
  databases: Set<string>;
}

function collect(spec: unknown, existing: MysqlExisting): Names {
  const ext = field(spec, 'external');
  const users = new Set(existing.users ?? []);
  for (const u of [...arr(field(spec, 'users')), ...arr(field(ext, 'users'))])
    users.add(accountKey(str(u, 'name') ?? '', str(u, 'host')));
  const roles = new Set([...(existing.roles ?? []), ...arr(field(ext, 'roles')).map(String)]);
  for (const r of arr(field(spec, 'roles'))) roles.add(str(r, 'name') ?? '');
  const databases = new Set([
    ...(existing.databases ?? []),
    ...SYSTEM_DATABASES,
    ...arr(field(ext, 'databases')).map(String),
  ]);
  for (const d of arr(field(spec, 'databases'))) databases.add(str(d, 'name') ?? '');
  return { users, roles, databases };
}

function checkRoleRef(p: Problems, n: Names, path: string, role: string | undefined) {
  if (role !== undefined && !n.roles.has(role))
    p.add(path, `role ${JSON.stringify(role)} is not defined in the spec nor listed in /external/roles`);
}

function checkUsers(p: Problems, spec: unknown, n: Names) {
  const users = arr(field(spec, 'users'));
  const key = (u: unknown) =>
    str(u, 'name') === undefined ? undefined : accountKey(str(u, 'name') ?? '', str(u, 'host'));
  checkUnique(
    p,
    users.map((u, i) => ({ path: at('/users', i, 'name'), key: key(u) })),
    'user (name and host)',
  );
  users.forEach((u, i) => {
    checkNameBytes(p, at('/users', i, 'name'), str(u, 'name'), 80);
    arr(field(u, 'roles')).forEach((r, j) => {
      checkRoleRef(p, n, at('/users', i, 'roles', j), typeof r === 'string' ? r : undefined);
    });
    const def = str(u, 'defaultRole');
    const granted = field(u, 'roles');
    if (def !== undefined && Array.isArray(granted) && !granted.includes(def))
      p.add(at('/users', i, 'defaultRole'), "must be one of the user's roles");
    else checkRoleRef(p, n, at('/users', i, 'defaultRole'), def);
  });
  const roles = arr(field(spec, 'roles'));
  checkUnique(
    p,
    roles.map((r, i) => ({ path: at('/roles', i, 'name'), key: str(r, 'name') })),
    'role name',
  );
  roles.forEach((r, i) => {
    const name = str(r, 'name');
    checkNameBytes(p, at('/roles', i, 'name'), name, 80);
    if (name !== undefined && ['public', 'none'].includes(name.toLowerCase()))
      p.add(at('/roles', i, 'name'), 'is a reserved role name');
  });
  const dbs = arr(field(spec, 'databases'));
  checkUnique(
    p,
    dbs.map((d, i) => ({ path: at('/databases', i, 'name'), key: str(d, 'name') })),
    'database name',
  );
  dbs.forEach((d, i) => {
    checkNameBytes(p, at('/databases', i, 'name'), str(d, 'name'), 64);
  });
}

/** The level of a grant's `on`. */
export function mysqlGrantLevel(on: unknown): MysqlLevel {
  if (field(on, 'table') !== undefined) return 'table';
  return field(on, 'database') !== undefined ? 'database' : 'global';
}

function checkGrants(p: Problems, spec: unknown, n: Names, engine: 'mysql' | 'mariadb') {
  const seen = new Set<string>();
  arr(field(spec, 'grants')).forEach((g, i) => {
    const base = at('/grants', i);
    const user = str(g, 'user');
    if (user !== undefined && !n.users.has(accountKey(user, str(g, 'host'))))
      p.add(
        at(base, 'user'),
        `user ${accountKey(user, str(g, 'host'))} is not defined in the spec nor listed in /external/users`,
      );
    checkRoleRef(p, n, at(base, 'role'), str(g, 'role'));
    const on = field(g, 'on');
    const db = str(on, 'database');
    if (db !== undefined && !n.databases.has(db))
      p.add(
        at(base, 'on', 'database'),
        `database ${JSON.stringify(db)} is not defined in the spec nor listed in /external/databases`,
      );
    if (p.hasStructural(at(base, 'on'))) return;
    const level = mysqlGrantLevel(on);
    checkPrivilegeList(p, at(base, 'privileges'), field(g, 'privileges'), {
      allowed: mysqlPrivileges(engine, level),
      normalize: normalizeMysqlPrivilege,
      allowAll: false,
      additive: str(g, 'mode') === 'additive',
    });
    const target = JSON.stringify([user, str(g, 'host'), str(g, 'role'), level, db, str(on, 'table')]);
    if (seen.has(target))
      p.add(base, 'duplicate: another entry targets the same grantee and object; merge them');
    seen.add(target);
  });
}

/** The reference and name checks of a MySQL/MariaDB spec (the structure is checked by the JSON Schema). */
export function checkMysqlSpec(p: Problems, spec: unknown, existing: MysqlExisting): void {
  const engine = str(spec, 'engine') === 'mysql' ? 'mysql' : 'mariadb';
  const n = collect(spec, existing);
  checkUsers(p, spec, n);
  checkGrants(p, spec, n, engine);
}
