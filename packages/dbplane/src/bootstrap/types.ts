/**
 * The bootstrap spec: the state dbplane converges inside a database server.
 *
 * Glossary:
 * - spec: the desired roles, databases, grants... of one instance (JSON or YAML).
 * - external: something the spec refers to but does not manage (it exists on
 *   the server already, e.g. `postgres`); never altered nor dropped.
 * - managed: an object the bootstrap created; only managed objects are
 *   dropped, and only when the spec says `prune: true`.
 * - authoritative grant: the role has exactly the listed privileges on the
 *   object (others are revoked). additive grant: at least the listed ones.
 * - plan: the list of changes that would converge the server; empty when converged.
 */

/** Where a password comes from: generated once into the secrets store, or read from a named secret. */
export type PasswordSpec = { generate: true; length?: number } | { secret: string };

/** `authoritative` (default): revoke what the spec does not list; `additive`: only grant. */
export type GrantMode = 'authoritative' | 'additive';

/** A PostgreSQL role (a user is a role with `login: true`). */
export interface PgRoleSpec {
  name: string;
  login?: boolean;
  inherit?: boolean;
  createdb?: boolean;
  createrole?: boolean;
  /** -1 is no limit. */
  connectionLimit?: number;
  /** An ISO 8601 timestamp or `infinity`. */
  validUntil?: string;
  /** When present, the role is a member of exactly these roles. */
  memberOf?: string[];
  password?: PasswordSpec;
}

export interface PgSchemaSpec {
  name: string;
  owner?: string;
}

export interface PgExtensionSpec {
  name: string;
  version?: string;
  schema?: string;
}

export interface PgDatabaseSpec {
  name: string;
  owner?: string;
  /** Only used when the database is created. */
  encoding?: string;
  /** Only used when the database is created. */
  template?: string;
  connectionLimit?: number;
  schemas?: PgSchemaSpec[];
  extensions?: PgExtensionSpec[];
}

/** `all`: every object of the kind in the schema (plus matching default privileges), or a list of names. */
export type ObjectSelector = 'all' | string[];

/** What a PostgreSQL grant is on: the keys present say the kind. */
export type PgGrantTarget =
  | { database: string }
  | { database: string; schema: string }
  | { database: string; schema: string; tables: ObjectSelector }
  | { database: string; schema: string; sequences: ObjectSelector }
  | { database: string; schema: string; functions: ObjectSelector };

export interface PgGrantSpec {
  /** A role of the spec, an external role, or `PUBLIC`. */
  role: string;
  /** An empty list with `authoritative` means "none": everything is revoked. */
  privileges: string[];
  on: PgGrantTarget;
  mode?: GrantMode;
}

/** Privileges given to `role` on objects `grantor` creates later (ALTER DEFAULT PRIVILEGES). */
export interface PgDefaultPrivilegeSpec {
  role: string;
  grantor: string;
  privileges: string[];
  on:
    | { database: string; schema?: string; tables: true }
    | { database: string; schema?: string; sequences: true }
    | { database: string; schema?: string; functions: true };
  mode?: GrantMode;
}

/** Names the spec may refer to without defining them. */
export interface PgExternalSpec {
  roles?: string[];
  databases?: string[];
  /** Schemas of external databases or not declared in the spec, as `{ database, name }`. */
  schemas?: { database: string; name: string }[];
}

/** What else starts a reconciliation of the spec (putting it and the instance becoming available always do). */
export interface SpecTriggers {
  /** dbplane functions whose code or configuration update re-applies the spec. */
  functions?: string[];
}

export interface PgBootstrapSpec {
  engine: 'postgres';
  roles?: PgRoleSpec[];
  databases?: PgDatabaseSpec[];
  grants?: PgGrantSpec[];
  defaultPrivileges?: PgDefaultPrivilegeSpec[];
  external?: PgExternalSpec;
  prune?: boolean;
  triggers?: SpecTriggers;
}

/** A MySQL/MariaDB account `'name'@'host'`. */
export interface MysqlUserSpec {
  name: string;
  /** `%` when absent. */
  host?: string;
  password?: PasswordSpec;
  /** When present, the user is granted exactly these roles. */
  roles?: string[];
  /** The role active at login (MariaDB `SET DEFAULT ROLE`). */
  defaultRole?: string;
  maxUserConnections?: number;
}

export interface MysqlRoleSpec {
  name: string;
}

export interface MysqlDatabaseSpec {
  name: string;
  charset?: string;
  collation?: string;
}

/** A grantee: a user (host `%` when absent) or a role. */
export type MysqlGrantee = { user: string; host?: string } | { role: string };

export type MysqlGrantTarget = { global: true } | { database: string } | { database: string; table: string };

export type MysqlGrantSpec = MysqlGrantee & {
  privileges: string[];
  on: MysqlGrantTarget;
  mode?: GrantMode;
};

export interface MysqlExternalSpec {
  users?: { name: string; host?: string }[];
  roles?: string[];
  databases?: string[];
}

export interface MysqlBootstrapSpec {
  engine: 'mysql' | 'mariadb';
  users?: MysqlUserSpec[];
  roles?: MysqlRoleSpec[];
  databases?: MysqlDatabaseSpec[];
  grants?: MysqlGrantSpec[];
  external?: MysqlExternalSpec;
  prune?: boolean;
  triggers?: SpecTriggers;
}

/** A bootstrap spec for one instance. */
export type BootstrapSpec = PgBootstrapSpec | MysqlBootstrapSpec;

/** One thing wrong with a spec: `path` is a JSON pointer into it. */
export interface SpecProblem {
  path: string;
  message: string;
}
