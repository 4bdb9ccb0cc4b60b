import type pg from 'pg';
import { MANAGED_MARKER } from './connect.js';

/**
 * Reading the real catalog of a PostgreSQL server: roles, memberships and
 * databases (shared catalogs, once), then per database its schemas,
 * extensions, the ACLs of its objects and its default privileges. ACLs are
 * read with `aclexplode` over the stored ACL or, when none is stored, the
 * built-in default (`acldefault`), so what is compared is what is in force.
 */

/** Privileges per `objectRef \0 grantee` (grantee `PUBLIC` for the pseudo-role). */
export type Acl = Map<string, Set<string>>;

/** The key of an ACL entry. */
export const aclKey = (ref: string, grantee: string): string => `${ref}\u0000${grantee}`;

export interface PgRoleRow {
  login: boolean;
  inherit: boolean;
  createdb: boolean;
  createrole: boolean;
  connlimit: number;
  /** Epoch seconds, Infinity for `infinity`, null for none. */
  validUntil: number | null;
  /** The stored hash; undefined when it cannot be read. */
  password: string | null | undefined;
  managed: boolean;
}

export interface PgCluster {
  major: number;
  currentUser: string;
  roles: Map<string, PgRoleRow>;
  /** member → the roles it is a member of. */
  memberships: Map<string, Set<string>>;
  databases: Map<string, { owner: string; connlimit: number; managed: boolean; allowConn: boolean }>;
}

export type PgObjectRowKind = 'table' | 'sequence' | 'function';

export interface PgObjectRow {
  kind: PgObjectRowKind;
  schema: string;
  name: string;
  /** Function identity arguments, as PostgreSQL prints them; '' otherwise. */
  args: string;
}

export interface PgDatabaseCatalog {
  /** The ACL of this database, keyed by grantee. */
  databaseAcl: Map<string, Set<string>>;
  schemas: Map<string, { owner: string }>;
  schemaAcl: Acl;
  extensions: Map<string, { version: string; schema: string }>;
  objects: PgObjectRow[];
  /** Keyed by `aclKey(objectKey(o), grantee)`. */
  objectAcl: Acl;
  /** Keyed by `grantor \0 schema ('' for all schemas) \0 objtype (r, S, f) \0 grantee`. */
  defaults: Map<string, Set<string>>;
}

/** The key of an object in `objectAcl`. */
export const objectKey = (o: PgObjectRow): string => [o.kind, o.schema, o.name, o.args].join('\u0000');

function addAcl(acl: Acl, key: string, privilege: string): void {
  const set = acl.get(key) ?? new Set<string>();
  set.add(privilege);
  acl.set(key, set);
}

const GRANTEE = `coalesce((SELECT rolname FROM pg_roles WHERE oid = a.grantee), 'PUBLIC')`;

async function readRoles(c: pg.Client, marker: string): Promise<Map<string, PgRoleRow>> {
  const passwords = new Map<string, string | null>();
  const canRead = (
    await c.query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user')
  ).rows[0]?.s;
  if (canRead)
    for (const r of (
      await c.query<{ n: string; p: string | null }>('SELECT rolname AS n, rolpassword AS p FROM pg_authid')
    ).rows)
      passwords.set(r.n, r.p);
  const { rows } = await c.query(
    `SELECT rolname, rolcanlogin, rolinherit, rolcreatedb, rolcreaterole, rolconnlimit,
            extract(epoch FROM rolvaliduntil)::float8 AS valid_until,
            coalesce(shobj_description(oid, 'pg_authid'), '') AS comment
       FROM pg_roles`,
  );
  const roles = new Map<string, PgRoleRow>();
  for (const r of rows)
    roles.set(r.rolname, {
      login: r.rolcanlogin,
      inherit: r.rolinherit,
      createdb: r.rolcreatedb,
      createrole: r.rolcreaterole,
      connlimit: r.rolconnlimit,
      validUntil: r.valid_until === null ? null : Number(r.valid_until),
      password: canRead ? (passwords.get(r.rolname) ?? null) : undefined,
      managed: String(r.comment) === marker,
    });
  return roles;
}

/**
 * Reads the shared catalog: server version, roles, memberships, databases and their ACLs.
 *
 * @example
 * const cluster = await readCluster(adminClient);
 */
export async function readCluster(c: pg.Client, marker = MANAGED_MARKER): Promise<PgCluster> {
  const head = (
    await c.query<{ v: string; u: string }>(
      "SELECT current_setting('server_version_num') AS v, current_user AS u",
    )
  ).rows[0];
  const memberships = new Map<string, Set<string>>();
  const m = await c.query<{ role: string; member: string }>(
    `SELECT r.rolname AS role, u.rolname AS member FROM pg_auth_members a
       JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles u ON u.oid = a.member`,
  );
  for (const r of m.rows) memberships.set(r.member, (memberships.get(r.member) ?? new Set()).add(r.role));
  const databases = new Map<
    string,
    { owner: string; connlimit: number; managed: boolean; allowConn: boolean }
  >();
  const d = await c.query(
    `SELECT datname, pg_get_userbyid(datdba) AS owner, datconnlimit, datallowconn,
            coalesce(shobj_description(oid, 'pg_database'), '') AS comment FROM pg_database`,
  );
  for (const r of d.rows)
    databases.set(r.datname, {
      owner: r.owner,
      connlimit: r.datconnlimit,
      allowConn: r.datallowconn,
      managed: String(r.comment) === marker,
    });
  return {
    major: Math.floor(Number(head?.v ?? 0) / 10000),
    currentUser: head?.u ?? '',
    roles: await readRoles(c, marker),
    memberships,
    databases,
  };
}

const OBJECTS = `
  SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name, '' AS args,
         coalesce(c.relacl, acldefault('r', c.relowner)) AS acl
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = ANY($1)
  UNION ALL
  SELECT 'sequence', n.nspname, c.relname, '', coalesce(c.relacl, acldefault('s', c.relowner))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'S' AND n.nspname = ANY($1)
  UNION ALL
  SELECT 'function', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
         coalesce(p.proacl, acldefault('f', p.proowner))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE p.prokind IN ('f', 'a', 'w') AND n.nspname = ANY($1)`;

async function readObjects(c: pg.Client, schemas: string[]): Promise<{ objects: PgObjectRow[]; acl: Acl }> {
  const { rows } = await c.query<PgObjectRow & { grantee: string | null; privilege: string | null }>(
    `SELECT o.kind, o.schema, o.name, o.args, ${GRANTEE} AS grantee, a.privilege_type AS privilege
       FROM (${OBJECTS}) o LEFT JOIN LATERAL aclexplode(o.acl) a ON true`,
    [schemas],
  );
  const objects = new Map<string, PgObjectRow>();
  const acl: Acl = new Map();
  for (const r of rows) {
    const o: PgObjectRow = { kind: r.kind, schema: r.schema, name: r.name, args: r.args };
    objects.set(objectKey(o), o);
    if (r.privilege !== null && r.grantee !== null) addAcl(acl, aclKey(objectKey(o), r.grantee), r.privilege);
  }
  return { objects: [...objects.values()], acl };
}

/**
 * Reads what one database holds: schemas, extensions, and the ACLs of the
 * objects in `schemas` (the schemas grants name) and its default privileges.
 */
export async function readDatabase(c: pg.Client, schemas: string[]): Promise<PgDatabaseCatalog> {
  const s = await c.query<{ name: string; owner: string; grantee: string; privilege: string }>(
    `SELECT n.nspname AS name, pg_get_userbyid(n.nspowner) AS owner, ${GRANTEE} AS grantee, a.privilege_type AS privilege
       FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a`,
  );
  const schemaMap = new Map<string, { owner: string }>();
  const schemaAcl: Acl = new Map();
  for (const r of s.rows) {
    schemaMap.set(r.name, { owner: r.owner });
    addAcl(schemaAcl, aclKey(r.name, r.grantee), r.privilege);
  }
  // a schema whose ACL is empty has no aclexplode row: read the names too
  for (const r of (
    await c.query<{ name: string; owner: string }>(
      'SELECT nspname AS name, pg_get_userbyid(nspowner) AS owner FROM pg_namespace',
    )
  ).rows)
    schemaMap.set(r.name, { owner: r.owner });
  const e = await c.query<{ name: string; version: string; schema: string }>(
    'SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace',
  );
  const { objects, acl } = await readObjects(c, schemas);
  const defaults = new Map<string, Set<string>>();
  const d = await c.query<{
    grantor: string;
    schema: string;
    objtype: string;
    grantee: string;
    privilege: string;
  }>(
    `SELECT pg_get_userbyid(d.defaclrole) AS grantor, coalesce(n.nspname, '') AS schema, d.defaclobjtype AS objtype,
            ${GRANTEE} AS grantee, a.privilege_type AS privilege
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a`,
  );
  for (const r of d.rows)
    addAcl(defaults, [r.grantor, r.schema, r.objtype, r.grantee].join('\u0000'), r.privilege);
  const databaseAcl = new Map<string, Set<string>>();
  const da = await c.query<{ grantee: string; privilege: string }>(
    `SELECT ${GRANTEE} AS grantee, a.privilege_type AS privilege
       FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
      WHERE d.datname = current_database()`,
  );
  for (const r of da.rows) addAcl(databaseAcl, r.grantee, r.privilege);
  return {
    databaseAcl,
    schemas: schemaMap,
    schemaAcl,
    extensions: new Map(e.rows.map((r) => [r.name, { version: r.version, schema: r.schema }])),
    objects,
    objectAcl: acl,
    defaults,
  };
}

/**
 * What a database about to be created is expected to hold (for a plan only:
 * an apply reads the real catalog once the database exists).
 */
export function newDatabaseCatalog(major: number, owner: string): PgDatabaseCatalog {
  const publicOwner = major >= 15 ? 'pg_database_owner' : 'postgres';
  const schemaAcl: Acl = new Map([
    [aclKey('public', publicOwner), new Set(['USAGE', 'CREATE'])],
    [aclKey('public', 'PUBLIC'), new Set(major >= 15 ? ['USAGE'] : ['USAGE', 'CREATE'])],
  ]);
  return {
    databaseAcl: new Map([
      [owner, new Set(['CREATE', 'CONNECT', 'TEMPORARY'])],
      ['PUBLIC', new Set(['CONNECT', 'TEMPORARY'])],
    ]),
    schemas: new Map([['public', { owner: publicOwner }]]),
    schemaAcl,
    extensions: new Map([['plpgsql', { version: '1.0', schema: 'pg_catalog' }]]),
    objects: [],
    objectAcl: new Map(),
    defaults: new Map(),
  };
}
