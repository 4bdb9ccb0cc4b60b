import { normalizePgPrivilege, type PgObjectKind, pgPrivileges } from './privileges.js';
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

/** What the server is known to have, for references to things the spec does not define. */
export interface PgExisting {
  roles?: readonly string[];
  databases?: readonly string[];
}

/** Roles every PostgreSQL server has: the bootstrap superuser and the predefined `pg_*` roles. */
export function isBuiltinPgRole(name: string): boolean {
  return name === 'postgres' || name.startsWith('pg_');
}

interface Names {
  roles: Set<string>;
  databases: Set<string>;
  /** `database\u0000schema` of every schema the spec may refer to. */
  schemas: Set<string>;
  specDatabases: Set<string>;
}

const schemaKey = (database: string, schema: string) => `${database}\u0000${schema}`;

function collectNames(spec: unknown, existing: PgExisting): Names {
  const ext = field(spec, 'external');
  const roles = new Set([...arr(field(ext, 'roles')), ...(existing.roles ?? [])].map(String));
  for (const r of arr(field(spec, 'roles')))
    if (str(r, 'name') !== undefined) roles.add(String(str(r, 'name')));
  const specDatabases = new Set(arr(field(spec, 'databases')).map((d) => str(d, 'name') ?? ''));
  const databases = new Set([...specDatabases, ...arr(field(ext, 'databases')).map(String)]);
  for (const d of [...(existing.databases ?? []), 'template0', 'template1', 'postgres']) databases.add(d);
  const schemas = new Set<string>();
  for (const s of arr(field(ext, 'schemas')))
    schemas.add(schemaKey(str(s, 'database') ?? '', str(s, 'name') ?? ''));
  for (const d of arr(field(spec, 'databases'))) {
    const db = str(d, 'name') ?? '';
    schemas.add(schemaKey(db, 'public'));
    for (const s of arr(field(d, 'schemas'))) schemas.add(schemaKey(db, str(s, 'name') ?? ''));
  }
  return { roles, databases, schemas, specDatabases };
}

function checkRoleRef(p: Problems, n: Names, path: string, role: string | undefined, allowPublic: boolean) {
  if (role === undefined) return;
  if (role === 'PUBLIC' && allowPublic) return;
  if (!n.roles.has(role) && !isBuiltinPgRole(role))
    p.add(path, `role ${JSON.stringify(role)} is not defined in the spec nor listed in /external/roles`);
}

function checkDatabaseRef(p: Problems, n: Names, path: string, db: string | undefined) {
  if (db !== undefined && !n.databases.has(db))
    p.add(
      path,
      `database ${JSON.stringify(db)} is not defined in the spec nor listed in /external/databases`,
    );
}

function checkSchemaRef(
  p: Problems,
  n: Names,
  path: string,
  db: string | undefined,
  schema: string | undefined,
) {
  if (db === undefined || schema === undefined || !n.databases.has(db)) return;
  if (!n.schemas.has(schemaKey(db, schema)) && schema !== 'public')
    p.add(path, `schema ${JSON.stringify(schema)} is not defined in database ${JSON.stringify(db)}`);
}

function checkRoles(p: Problems, spec: unknown, n: Names) {
  const roles = arr(field(spec, 'roles'));
  checkUnique(
    p,
    roles.map((r, i) => ({ path: at('/roles', i, 'name'), key: str(r, 'name') })),
    'role name',
  );
  roles.forEach((r, i) => {
    const name = str(r, 'name');
    checkNameBytes(p, at('/roles', i, 'name'), name, 63);
    if (name !== undefined && (name.toLowerCase() === 'public' || name.startsWith('pg_')))
      p.add(at('/roles', i, 'name'), 'is a reserved role name');
    arr(field(r, 'memberOf')).forEach((m, j) => {
      if (typeof m !== 'string') return;
      if (m === name) p.add(at('/roles', i, 'memberOf', j), 'a role cannot be a member of itself');
      else checkRoleRef(p, n, at('/roles', i, 'memberOf', j), m, false);
    });
    const until = str(r, 'validUntil');
    if (until !== undefined && until !== 'infinity' && !Number.isFinite(Date.parse(until)))
      p.add(at('/roles', i, 'validUntil'), 'must be an ISO 8601 timestamp or "infinity"');
  });
}

function checkDatabases(p: Problems, spec: unknown, n: Names) {
  const dbs = arr(field(spec, 'databases'));
  checkUnique(
    p,
    dbs.map((d, i) => ({ path: at('/databases', i, 'name'), key: str(d, 'name') })),
    'database name',
  );
  dbs.forEach((d, i) => {
    const base = at('/databases', i);
    checkNameBytes(p, at(base, 'name'), str(d, 'name'), 63);
    checkRoleRef(p, n, at(base, 'owner'), str(d, 'owner'), false);
    checkDatabaseRef(p, n, at(base, 'template'), str(d, 'template'));
    const schemas = arr(field(d, 'schemas'));
    checkUnique(
      p,
      schemas.map((s, j) => ({ path: at(base, 'schemas', j, 'name'), key: str(s, 'name') })),
      'schema',
    );
    schemas.forEach((s, j) => {
      const name = str(s, 'name');
      checkNameBytes(p, at(base, 'schemas', j, 'name'), name, 63);
      if (name?.startsWith('pg_')) p.add(at(base, 'schemas', j, 'name'), 'is a reserved schema name');
      checkRoleRef(p, n, at(base, 'schemas', j, 'owner'), str(s, 'owner'), false);
    });
    const exts = arr(field(d, 'extensions'));
    checkUnique(
      p,
      exts.map((e, j) => ({ path: at(base, 'extensions', j, 'name'), key: str(e, 'name') })),
      'extension',
    );
    exts.forEach((e, j) => {
      checkSchemaRef(p, n, at(base, 'extensions', j, 'schema'), str(d, 'name'), str(e, 'schema'));
    });
  });
}

/** The kind of object a grant's `on` is about. */
export function pgGrantKind(on: unknown): PgObjectKind {
  if (field(on, 'tables') !== undefined) return 'table';
  if (field(on, 'sequences') !== undefined) return 'sequence';
  if (field(on, 'functions') !== undefined) return 'function';
  return field(on, 'schema') !== undefined ? 'schema' : 'database';
}

function checkOn(p: Problems, n: Names, path: string, on: unknown) {
  const db = str(on, 'database');
  checkDatabaseRef(p, n, at(path, 'database'), db);
  checkSchemaRef(p, n, at(path, 'schema'), db, str(on, 'schema'));
}

function checkGrantList(
  p: Problems,
  spec: unknown,
  n: Names,
  key: 'grants' | 'defaultPrivileges',
  major?: number,
) {
  const seen = new Set<string>();
  arr(field(spec, key)).forEach((g, i) => {
    const base = at(`/${key}`, i);
    checkRoleRef(p, n, at(base, 'role'), str(g, 'role'), true);
    if (key === 'defaultPrivileges') checkRoleRef(p, n, at(base, 'grantor'), str(g, 'grantor'), false);
    const on = field(g, 'on');
    checkOn(p, n, at(base, 'on'), on);
    if (p.hasStructural(at(base, 'on'))) return;
    const kind = pgGrantKind(on);
    checkPrivilegeList(p, at(base, 'privileges'), field(g, 'privileges'), {
      allowed: pgPrivileges(kind, major),
      normalize: normalizePgPrivilege,
      allowAll: true,
      additive: str(g, 'mode') === 'additive',
    });
    const target = JSON.stringify([
      str(g, 'role'),
      str(g, 'grantor'),
      kind,
      str(on, 'database'),
      str(on, 'schema'),
      field(on, 'tables') ?? field(on, 'sequences') ?? field(on, 'functions'),
    ]);
    if (seen.has(target))
      p.add(base, 'duplicate: another entry targets the same role and object; merge them');
    seen.add(target);
  });
}

/**
 * The reference and name checks of a PostgreSQL spec (the structure is
 * checked by the JSON Schema). `major` is the server's major version when known.
 */
export function checkPgSpec(p: Problems, spec: unknown, existing: PgExisting, major?: number): void {
  const n = collectNames(spec, existing);
  checkRoles(p, spec, n);
  checkDatabases(p, spec, n);
  checkGrantList(p, spec, n, 'grants', major);
  checkGrantList(p, spec, n, 'defaultPrivileges', major);
}
