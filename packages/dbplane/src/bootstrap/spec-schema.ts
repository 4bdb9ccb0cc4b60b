import type { Schema } from './json-schema.js';

/**
 * The JSON Schema of the bootstrap spec, one branch per engine. Names are
 * checked further (byte lengths, references, privileges) by `validateSpec`.
 */

const name = (max: number): Schema => ({ type: 'string', minLength: 1, maxLength: max });
const bool: Schema = { type: 'boolean' };
const names = (max: number): Schema => ({ type: 'array', items: name(max) });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const mode: Schema = {
  enum: ['authoritative', 'additive'],
  description: 'authoritative (default): revoke what is not listed; additive: only grant',
};
const privileges: Schema = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 } };
const password: Schema = {
  anyOf: [
    obj({ generate: { const: true }, length: { type: 'integer', minimum: 16, maximum: 128 } }, ['generate']),
    obj({ secret: name(256) }, ['secret']),
  ],
};
const selector: Schema = { anyOf: [{ const: 'all' }, names(63)] };
/** What else starts a reconciliation: an update of one of these dbplane functions. */
const triggers = obj({
  functions: { type: 'array', items: name(64), description: 'functions whose update re-applies the spec' },
});

const pgRole = obj(
  {
    name: name(63),
    login: bool,
    inherit: bool,
    createdb: bool,
    createrole: bool,
    connectionLimit: { type: 'integer', minimum: -1 },
    validUntil: { type: 'string', minLength: 1, description: 'ISO 8601 timestamp or "infinity"' },
    memberOf: names(63),
    password,
  },
  ['name'],
);
const pgDatabase = obj(
  {
    name: name(63),
    owner: name(63),
    encoding: name(32),
    template: name(63),
    connectionLimit: { type: 'integer', minimum: -1 },
    schemas: { type: 'array', items: obj({ name: name(63), owner: name(63) }, ['name']) },
    extensions: {
      type: 'array',
      items: obj({ name: name(63), version: name(64), schema: name(63) }, ['name']),
    },
  },
  ['name'],
);
const inSchema = { database: name(63), schema: name(63) };
const pgGrantTarget: Schema = {
  anyOf: [
    obj({ database: name(63) }, ['database']),
    obj(inSchema, ['database', 'schema']),
    obj({ ...inSchema, tables: selector }, ['database', 'schema', 'tables']),
    obj({ ...inSchema, sequences: selector }, ['database', 'schema', 'sequences']),
    obj({ ...inSchema, functions: selector }, ['database', 'schema', 'functions']),
  ],
};
const pgDefaultTarget: Schema = {
  anyOf: ['tables', 'sequences', 'functions'].map((kind) =>
    obj({ ...inSchema, [kind]: { const: true } }, ['database', kind]),
  ),
};
const pgSpec = obj(
  {
    engine: { const: 'postgres' },
    roles: { type: 'array', items: pgRole },
    databases: { type: 'array', items: pgDatabase },
    grants: {
      type: 'array',
      items: obj({ role: name(63), privileges, on: pgGrantTarget, mode }, ['role', 'privileges', 'on']),
    },
    defaultPrivileges: {
      type: 'array',
      items: obj({ role: name(63), grantor: name(63), privileges, on: pgDefaultTarget, mode }, [
        'role',
        'grantor',
        'privileges',
        'on',
      ]),
    },
    external: obj({
      roles: names(63),
      databases: names(63),
      schemas: { type: 'array', items: obj({ database: name(63), name: name(63) }, ['database', 'name']) },
    }),
    prune: bool,
    triggers,
  },
  ['engine'],
);

const host: Schema = { type: 'string', minLength: 1, maxLength: 255 };
const mysqlUser = obj(
  {
    name: name(80),
    host,
    password,
    roles: names(80),
    defaultRole: name(80),
    maxUserConnections: { type: 'integer', minimum: 0 },
  },
  ['name'],
);
const mysqlTarget: Schema = {
  anyOf: [
    obj({ global: { const: true } }, ['global']),
    obj({ database: name(64) }, ['database']),
    obj({ database: name(64), table: name(64) }, ['database', 'table']),
  ],
};
const grantBody = { privileges, on: mysqlTarget, mode };
const mysqlGrant: Schema = {
  anyOf: [
    obj({ user: name(80), host, ...grantBody }, ['user', 'privileges', 'on']),
    obj({ role: name(80), ...grantBody }, ['role', 'privileges', 'on']),
  ],
};
const mysqlSpec = obj(
  {
    engine: { enum: ['mysql', 'mariadb'] },
    users: { type: 'array', items: mysqlUser },
    roles: { type: 'array', items: obj({ name: name(80) }, ['name']) },
    databases: {
      type: 'array',
      items: obj({ name: name(64), charset: name(32), collation: name(64) }, ['name']),
    },
    grants: { type: 'array', items: mysqlGrant },
    external: obj({
      users: { type: 'array', items: obj({ name: name(80), host }, ['name']) },
      roles: names(80),
      databases: names(64),
    }),
    prune: bool,
    triggers,
  },
  ['engine'],
);

/** The schema of a PostgreSQL spec (engine `postgres`). */
export const pgSpecSchema: Schema = pgSpec;
/** The schema of a MySQL/MariaDB spec (engine `mysql` or `mariadb`). */
export const mysqlSpecSchema: Schema = mysqlSpec;

/**
 * The published JSON Schema of a bootstrap spec.
 *
 * @example
 * reply.send(bootstrapSpecJsonSchema); // GET .../bootstrap/schema
 */
export const bootstrapSpecJsonSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dbplane.dev/schemas/bootstrap-spec.json',
  title: 'dbplane bootstrap spec',
  anyOf: [pgSpec, mysqlSpec],
};
