import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSpecText } from './parse.js';
import { bootstrapSpecJsonSchema } from './spec-schema.js';
import { validateSpec } from './validate.js';

/** The example of issue 8, verbatim. */
const ISSUE_EXAMPLE = `{ "engine": "postgres",
  "roles": [ { "name": "app_owner" }, { "name": "app_rw", "login": true, "password": { "generate": true } } ],
  "databases": [ { "name": "appdb", "owner": "app_owner",
                   "schemas": [ { "name": "app", "owner": "app_owner" } ],
                   "extensions": [ { "name": "pgcrypto" } ] } ],
  "grants": [ { "role": "app_rw", "privileges": ["USAGE"], "on": { "schema": "app", "database": "appdb" } },
              { "role": "app_rw", "privileges": ["SELECT","INSERT","UPDATE","DELETE"], "on": { "tables": "all", "schema": "app", "database": "appdb" } } ],
  "defaultPrivileges": [ { "role": "app_rw", "grantor": "app_owner", "privileges": ["SELECT"], "on": { "tables": true, "schema": "app", "database": "appdb" } } ],
  "prune": false }`;

const paths = (r: { problems: { path: string }[] }) => r.problems.map((p) => p.path).sort();

describe('validateSpec: PostgreSQL', () => {
  it('accepts the example of issue 8 exactly', () => {
    const r = validateSpec(JSON.parse(ISSUE_EXAMPLE));
    expect(r.problems).toEqual([]);
    expect(r.spec?.engine).toBe('postgres');
  });

  it('reports every problem at once, each with its JSON pointer', () => {
    const r = validateSpec({
      engine: 'postgres',
      roles: [
        { name: 'a', login: 'yes', colour: 'red' },
        { name: 'a', memberOf: ['ghost'] },
        { name: 'pg_mine', validUntil: 'next tuesday', password: { generate: false } },
      ],
      databases: [{ name: 'db', owner: 'nobody', schemas: [{ name: 's', owner: 'a' }, { name: 's' }] }],
      grants: [
        { role: 'a', privileges: ['SELEKT'], on: { schema: 's', database: 'db' } },
        {
          role: 'a',
          privileges: [],
          on: { tables: 'all', schema: 'nope', database: 'db' },
          mode: 'additive',
        },
        { role: 'a', privileges: ['CONNECT'], on: { database: 'other' } },
        { role: 'a', privileges: ['SELECT'], on: { tabels: 'all', schema: 's', database: 'db' } },
      ],
      defaultPrivileges: [
        {
          role: 'PUBLIC',
          grantor: 'PUBLIC',
          privileges: ['EXECUTE'],
          on: { functions: true, database: 'db' },
        },
      ],
      prune: 'no',
    });
    expect(r.spec).toBeUndefined();
    expect(paths(r)).toEqual(
      [
        '/roles/0/login',
        '/roles/0/colour',
        '/roles/1/name',
        '/roles/1/memberOf/0',
        '/roles/2/name',
        '/roles/2/validUntil',
        '/roles/2/password/generate',
        '/databases/0/owner',
        '/databases/0/schemas/1/name',
        '/grants/0/privileges/0',
        '/grants/1/privileges',
        '/grants/1/on/schema',
        '/grants/2/on/database',
        '/grants/3/on/tabels',
        '/defaultPrivileges/0/grantor',
        '/prune',
      ].sort(),
    );
    const byPath = new Map(r.problems.map((p) => [p.path, p.message]));
    expect(byPath.get('/roles/0/colour')).toBe('is not a known field');
    expect(byPath.get('/roles/1/memberOf/0')).toMatch(/"ghost" is not defined/);
    expect(byPath.get('/grants/0/privileges/0')).toMatch(
      /unknown privilege "SELEKT"; expected one of USAGE, CREATE/,
    );
  });

  it('knows the privileges of each server version (MAINTAIN since 17)', () => {
    const spec = {
      engine: 'postgres',
      roles: [{ name: 'r' }],
      databases: [{ name: 'd', schemas: [{ name: 's' }] }],
      grants: [
        { role: 'r', privileges: ['maintain', 'ALL'], on: { tables: 'all', schema: 's', database: 'd' } },
      ],
    };
    expect(paths(validateSpec(spec, { pgMajor: 15 }))).toEqual([
      '/grants/0/privileges/0',
      '/grants/0/privileges/1',
    ]);
    expect(validateSpec(spec, { pgMajor: 17 }).problems).toEqual([
      { path: '/grants/0/privileges/1', message: 'ALL must be alone' },
    ]);
  });

  it('accepts references to external and built-in roles, and to what the server has', () => {
    const spec = {
      engine: 'postgres',
      external: { roles: ['legacy'], databases: ['old'], schemas: [{ database: 'old', name: 'v1' }] },
      grants: [
        { role: 'legacy', privileges: ['CONNECT'], on: { database: 'old' } },
        { role: 'PUBLIC', privileges: [], on: { database: 'postgres' } },
        { role: 'pg_read_all_data', privileges: ['USAGE'], on: { schema: 'v1', database: 'old' } },
        { role: 'ops', privileges: ['USAGE'], on: { schema: 'public', database: 'old' } },
      ],
    };
    expect(paths(validateSpec(spec))).toEqual(['/grants/3/role']);
    expect(validateSpec(spec, { existing: { roles: ['ops'] } }).problems).toEqual([]);
  });

  it('refuses names the server would truncate', () => {
    const r = validateSpec({ engine: 'postgres', roles: [{ name: 'é'.repeat(40) }] });
    expect(r.problems).toEqual([{ path: '/roles/0/name', message: 'must be at most 63 bytes in UTF-8' }]);
  });
});

describe('validateSpec: MySQL/MariaDB', () => {
  it('accepts users with hosts, roles, databases and grants at every level', () => {
    const r = validateSpec({
      engine: 'mariadb',
      roles: [{ name: 'reader' }],
      users: [
        {
          name: 'app',
          host: '10.%',
          password: { secret: 'db/app' },
          roles: ['reader'],
          defaultRole: 'reader',
        },
      ],
      databases: [{ name: 'shop', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' }],
      grants: [
        { user: 'app', host: '10.%', privileges: ['PROCESS'], on: { global: true } },
        { role: 'reader', privileges: ['select', 'show view'], on: { database: 'shop' } },
        { user: 'app', host: '10.%', privileges: ['INSERT'], on: { database: 'shop', table: 'orders' } },
      ],
    });
    expect(r.problems).toEqual([]);
  });

  it('reports unknown grantees, databases and privileges with their paths', () => {
    const r = validateSpec({
      engine: 'mysql',
      users: [{ name: 'app' }, { name: 'app', host: '%' }],
      grants: [
        { user: 'app', host: 'localhost', privileges: ['SELECT'], on: { database: 'nope' } },
        { role: 'ghost', privileges: ['ALL'], on: { global: true } },
        { user: 'app', privileges: ['DELETE HISTORY'], on: { database: 'mysql' } },
      ],
    });
    expect(paths(r)).toEqual(
      [
        '/users/1/name',
        '/grants/0/user',
        '/grants/0/on/database',
        '/grants/1/role',
        '/grants/1/privileges/0',
        '/grants/2/privileges/0',
      ].sort(),
    );
  });
});

describe('parseSpecText', () => {
  it('reads YAML and JSON into the same spec', () => {
    const yaml = `
engine: postgres
roles:
  - name: app_owner
  - { name: app_rw, login: true, password: { generate: true } }
databases:
  - name: appdb
    owner: app_owner
    schemas: [{ name: app, owner: app_owner }]
    extensions: [{ name: pgcrypto }]
grants:
  - { role: app_rw, privileges: [USAGE], on: { schema: app, database: appdb } }
  - role: app_rw
    privileges: [SELECT, INSERT, UPDATE, DELETE]
    on: { tables: all, schema: app, database: appdb }
defaultPrivileges:
  - { role: app_rw, grantor: app_owner, privileges: [SELECT], on: { tables: true, schema: app, database: appdb } }
prune: false
`;
    expect(parseSpecText(yaml).spec).toEqual(JSON.parse(ISSUE_EXAMPLE));
    expect(parseSpecText(ISSUE_EXAMPLE).spec).toEqual(JSON.parse(ISSUE_EXAMPLE));
  });

  it('answers a syntax error as a problem with its line', () => {
    const r = parseSpecText('engine: postgres\nroles: [ { name: a }\n');
    expect(r.spec).toBeUndefined();
    expect(r.problems[0]?.path).toBe('');
    expect(r.problems[0]?.message).toMatch(/^line \d+, column \d+: /);
    expect(parseSpecText('engine: postgres\nengine: mysql\n').problems[0]?.message).toMatch(/unique/i);
  });

  it('reports structural problems of a YAML spec with pointers', () => {
    expect(paths(parseSpecText('engine: postgres\nroles: { name: a }\n'))).toEqual(['/roles']);
  });
});

describe('bootstrapSpecJsonSchema', () => {
  it('is plain JSON with one closed branch per engine', () => {
    const schema = JSON.parse(JSON.stringify(bootstrapSpecJsonSchema));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.anyOf).toHaveLength(2);
    expect(schema.anyOf.map((b: { additionalProperties: unknown }) => b.additionalProperties)).toEqual([
      false,
      false,
    ]);
    expect(Object.keys(schema.anyOf[0].properties)).toEqual(
      expect.arrayContaining(['roles', 'databases', 'grants', 'defaultPrivileges', 'prune', 'external']),
    );
  });
});

describe('validateSpec: properties', () => {
  it('never throws on arbitrary JSON, and answers a spec exactly when there is no problem', () => {
    const section = fc.oneof(
      fc.jsonValue(),
      fc.array(
        fc.dictionary(
          fc.constantFrom(
            'name',
            'role',
            'on',
            'privileges',
            'owner',
            'schemas',
            'memberOf',
            'user',
            'host',
            'password',
          ),
          fc.jsonValue(),
        ),
      ),
    );
    const spec = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          engine: fc.constantFrom('postgres', 'mysql', 'mariadb', 'oracle'),
          roles: section,
          users: section,
          databases: section,
          grants: section,
          defaultPrivileges: section,
          external: fc.jsonValue(),
          prune: fc.jsonValue(),
        },
        { requiredKeys: ['engine'] },
      ),
    );
    fc.assert(
      fc.property(spec, (input) => {
        const r = validateSpec(input);
        expect(Array.isArray(r.problems)).toBe(true);
        expect(r.spec !== undefined).toBe(r.problems.length === 0);
        for (const p of r.problems) expect(p.path === '' || p.path.startsWith('/')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(Array.isArray(parseSpecText(text).problems)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
