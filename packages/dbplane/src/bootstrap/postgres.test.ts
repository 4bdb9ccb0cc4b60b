import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clientConfig } from '../engines/admin/pg-config.js';
import { applyBootstrap, type PasswordSource, type PgBootstrapSpec, planBootstrap } from './index.js';
import { pgPasswordMatches } from './passwords.js';

/**
 * Integration tests against the machine's PostgreSQL (slow: real servers).
 * Every role and database has a random suffix; afterAll removes them all.
 */
const sfx = randomBytes(4).toString('hex');
const n = (base: string) => `bt_${base}_${sfx}`;
const OWNER = n('owner');
const RW = n('rw');
const RO = n('ro');
const READERS = n('readers');
const EXTRA = n('extra');
const NOBODY = n('nobody');
const APP = n('app');
const LOGS = n('logs');
const HAND_ROLE = n('hand');
const HAND_DB = n('handdb');
const HOSTILE_ROLE = `bt"q;DROP ROLE postgres;--'ü ${sfx}`;
const HOSTILE_DB = `bt;db "x'ñ ${sfx}`;
const HOSTILE_SCHEMA = `s"; DROP SCHEMA public;--`;
const ALL_ROLES = [OWNER, RW, RO, READERS, EXTRA, NOBODY, HAND_ROLE, HOSTILE_ROLE, n('never')];
const ALL_DBS = [APP, LOGS, HAND_DB, HOSTILE_DB];

const SECRETS: Record<string, string> = {
  'ro-secret': `ro-pass-${sfx}`,
  'nobody-secret': `nobody'pass"${sfx}`,
  hostile: `h'o"s\\t;${sfx}`,
};
/** A password source standing in for the secrets domain: named secrets, and the generated passwords kept. */
function passwordStore(): PasswordSource & { kept: Map<string, string> } {
  const kept = new Map<string, string>();
  return {
    kept,
    async secret(name) {
      const v = SECRETS[name];
      if (v === undefined) throw new Error(`no secret ${name}`);
      return v;
    },
    async generated(role) {
      return kept.get(role);
    },
  };
}

function baseSpec(): PgBootstrapSpec {
  return {
    engine: 'postgres',
    roles: [
      { name: OWNER },
      { name: READERS },
      { name: EXTRA },
      { name: RW, login: true, password: { generate: true }, connectionLimit: 5, memberOf: [READERS] },
      { name: RO, login: true, password: { secret: 'ro-secret' }, validUntil: '2099-01-01T00:00:00Z' },
      { name: NOBODY, login: true, password: { secret: 'nobody-secret' } },
    ],
    databases: [
      {
        name: APP,
        owner: OWNER,
        schemas: [
          { name: 'app', owner: OWNER },
          { name: 'audit', owner: OWNER },
        ],
        extensions: [{ name: 'pgcrypto', schema: 'app' }],
      },
      { name: LOGS, owner: OWNER, connectionLimit: 10 },
    ],
    grants: [
      { role: 'PUBLIC', privileges: [], on: { database: APP } },
      { role: RW, privileges: ['CONNECT'], on: { database: APP } },
      { role: RO, privileges: ['CONNECT', 'TEMP'], on: { database: APP } },
      { role: RW, privileges: ['USAGE'], on: { schema: 'app', database: APP } },
      {
        role: RW,
        privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
        on: { tables: 'all', schema: 'app', database: APP },
      },
      { role: RW, privileges: ['USAGE', 'SELECT'], on: { sequences: 'all', schema: 'app', database: APP } },
      { role: RW, privileges: ['EXECUTE'], on: { functions: 'all', schema: 'app', database: APP } },
      { role: RW, privileges: ['USAGE'], on: { schema: 'audit', database: APP }, mode: 'additive' },
      { role: READERS, privileges: ['USAGE'], on: { schema: 'app', database: APP } },
      { role: RO, privileges: ['USAGE'], on: { schema: 'app', database: APP } },
    ],
    defaultPrivileges: [
      {
        role: RO,
        grantor: OWNER,
        privileges: ['SELECT'],
        on: { tables: true, schema: 'app', database: APP },
      },
    ],
    prune: false,
  };
}

const serverUrl = () => inject('pgUrl');
async function admin<T>(database: string | undefined, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(clientConfig(serverUrl(), database));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
/** Connects as a login with its password; the caller's `fn` runs statements as that login. */
async function asLogin<T>(
  user: string,
  password: string,
  database: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const u = new URL(serverUrl());
  const c = new pg.Client({ host: u.hostname, port: Number(u.port), user, password, database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const id = (s: string) => pg.escapeIdentifier(s);
const storedHash = (role: string) =>
  admin(
    undefined,
    async (c) =>
      (await c.query<{ p: string }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [role]))
        .rows[0]?.p ?? null,
  );
/** Whether the server checks passwords at login over TCP (not `trust`). */
const passwordsEnforced = () =>
  asLogin(NOBODY, 'surely-wrong', LOGS, async () => false).catch((err: Error) =>
    /password authentication failed/.test(err.message),
  );

describe('bootstrap on PostgreSQL', () => {
  const passwords = passwordStore();
  const target = (spec: PgBootstrapSpec) => ({
    url: serverUrl(),
    engine: 'postgres' as const,
    spec,
    passwords,
    scope: `test-${sfx}`,
  });

  afterAll(async () => {
    await admin(undefined, async (c) => {
      for (const d of ALL_DBS) await c.query(`DROP DATABASE IF EXISTS ${id(d)} WITH (FORCE)`);
      for (const r of ALL_ROLES) {
        const exists = (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [r])).rowCount;
        if (!exists) continue;
        await c.query(`DROP OWNED BY ${id(r)}`);
        await c.query(`DROP ROLE ${id(r)}`);
      }
    });
  });

  it('plans a new spec with passwords redacted, then applies it; the second plan and apply are empty', async () => {
    const plan = await planBootstrap(target(baseSpec()));
    expect(plan.problems).toEqual([]);
    const text = JSON.stringify(plan);
    for (const v of Object.values(SECRETS)) expect(text).not.toContain(v);
    expect(plan.changes).toContainEqual({
      action: 'create',
      object: `role "${RO}"`,
      sql: expect.stringContaining(`PASSWORD '***'`),
    });
    expect(plan.changes[0]?.action).toBe('create');

    const applied = await applyBootstrap(target(baseSpec()));
    expect(applied.problems).toEqual([]);
    expect(applied.passwords.map((p) => p.role)).toEqual([RW]);
    for (const p of applied.passwords) passwords.kept.set(p.role, p.password);
    const actions = applied.changes.map((c) => c.action);
    expect(actions.indexOf('revoke')).toBeGreaterThan(actions.lastIndexOf('create'));
    expect(JSON.stringify(applied.changes)).not.toContain(applied.passwords[0]?.password);

    expect((await planBootstrap(target(baseSpec()))).changes).toEqual([]);
    expect((await applyBootstrap(target(baseSpec()))).changes).toEqual([]);

    const facts = await admin(APP, async (c) => ({
      ext: (
        await c.query(
          "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgcrypto'",
        )
      ).rows,
      owners: (
        await c.query(
          "SELECT nspname, pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname IN ('app', 'audit') ORDER BY 1",
        )
      ).rows,
      conn: (await c.query('SELECT rolconnlimit FROM pg_roles WHERE rolname = $1', [RW])).rows[0],
    }));
    expect(facts.ext).toEqual([{ nspname: 'app' }]);
    expect(facts.owners).toEqual([
      { nspname: 'app', o: OWNER },
      { nspname: 'audit', o: OWNER },
    ]);
    expect(facts.conn).toEqual({ rolconnlimit: 5 });
  });

  it('treats tables created later as covered (default privileges), not as drift', async () => {
    await admin(APP, async (c) => {
      await c.query(`SET ROLE ${id(OWNER)}`);
      await c.query('CREATE TABLE app.items (id serial PRIMARY KEY, name text)');
      await c.query("INSERT INTO app.items (name) VALUES ('first')");
    });
    expect((await planBootstrap(target(baseSpec()))).changes).toEqual([]);
  });

  it('lets a login do exactly what is granted', async () => {
    const rwPassword = passwords.kept.get(RW) ?? '';
    await asLogin(RW, rwPassword, APP, async (c) => {
      await c.query("INSERT INTO app.items (name) VALUES ('by rw')");
      expect((await c.query('SELECT count(*)::int AS n FROM app.items')).rows[0]).toEqual({ n: 2 });
      expect((await c.query("SELECT encode(app.digest('x', 'sha256'), 'hex') AS h")).rows[0].h).toHaveLength(
        64,
      );
      await expect(c.query('TRUNCATE app.items')).rejects.toThrow(/permission denied/);
      await expect(c.query('CREATE TABLE app.mine (id int)')).rejects.toThrow(/permission denied/);
      await expect(c.query('CREATE TEMP TABLE t (id int)')).rejects.toThrow(/permission denied/);
    });
    await asLogin(RO, SECRETS['ro-secret'] ?? '', APP, async (c) => {
      expect((await c.query('SELECT count(*)::int AS n FROM app.items')).rows[0]).toEqual({ n: 2 });
      await expect(c.query("INSERT INTO app.items (name) VALUES ('ro')")).rejects.toThrow(
        /permission denied/,
      );
      await c.query('CREATE TEMP TABLE t (id int)');
    });
    // the stored verifier is of the password handed to the caller (a trust-auth server accepts any at login)
    expect(pgPasswordMatches(await storedHash(RW), RW, rwPassword)).toBe(true);
    expect(pgPasswordMatches(await storedHash(RO), RO, SECRETS['ro-secret'] ?? '')).toBe(true);
    if (await passwordsEnforced())
      await expect(asLogin(RW, 'wrong-password', APP, async () => {})).rejects.toThrow(
        /password authentication failed/,
      );
    // NOBODY has no CONNECT on APP (PUBLIC's was revoked) but PUBLIC keeps it on LOGS
    await expect(asLogin(NOBODY, SECRETS['nobody-secret'] ?? '', APP, async () => {})).rejects.toThrow(
      /permission denied for database/,
    );
    await asLogin(NOBODY, SECRETS['nobody-secret'] ?? '', LOGS, async (c) => {
      expect((await c.query('SELECT current_user AS u')).rows[0].u).toBe(NOBODY);
    });
  });

  it('shows hand-made drift in the plan and repairs it with apply, leaving additive grants alone', async () => {
    await admin(APP, async (c) => {
      await c.query(`GRANT TRUNCATE ON app.items TO ${id(RW)}`);
      await c.query(`REVOKE INSERT ON app.items FROM ${id(RW)}`);
      await c.query(`GRANT CREATE ON SCHEMA app TO ${id(RW)}`);
      await c.query(`GRANT CREATE ON SCHEMA audit TO ${id(RW)}`); // additive: not drift
      await c.query(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(OWNER)} IN SCHEMA app REVOKE SELECT ON TABLES FROM ${id(RO)}`,
      );
      await c.query(`ALTER ROLE ${id(RO)} PASSWORD 'changed-by-hand'`);
      await c.query(`ALTER ROLE ${id(RW)} CONNECTION LIMIT 50`);
    });
    const plan = await planBootstrap(target(baseSpec()));
    const sqls = plan.changes.map((c) => c.sql);
    expect(sqls).toEqual(
      expect.arrayContaining([
        `GRANT INSERT ON TABLE "app"."items" TO ${id(RW)}`,
        `REVOKE TRUNCATE ON TABLE "app"."items" FROM ${id(RW)}`,
        `REVOKE CREATE ON SCHEMA "app" FROM ${id(RW)}`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(OWNER)} IN SCHEMA "app" GRANT SELECT ON TABLES TO ${id(RO)}`,
        `ALTER ROLE ${id(RO)} WITH PASSWORD '***'`,
        `ALTER ROLE ${id(RW)} WITH CONNECTION LIMIT 5`,
      ]),
    );
    expect(plan.changes).toHaveLength(6);
    expect(JSON.stringify(plan)).not.toContain(SECRETS['ro-secret']);
    await applyBootstrap(target(baseSpec()));
    expect((await planBootstrap(target(baseSpec()))).changes).toEqual([]);
    await asLogin(RO, SECRETS['ro-secret'] ?? '', APP, async (c) => {
      expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    });
  });

  it('ends the reconcile loop: a privilege removed from the spec is revoked once', async () => {
    const spec = baseSpec();
    spec.grants = (spec.grants ?? []).map((g) =>
      g.role === RW && 'tables' in g.on ? { ...g, privileges: ['SELECT', 'INSERT', 'UPDATE'] } : g,
    );
    const plan = await planBootstrap(target(spec));
    expect(plan.changes.map((c) => c.sql)).toEqual([
      `REVOKE DELETE ON TABLE "app"."items" FROM ${id(RW)}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(OWNER)} IN SCHEMA "app" REVOKE DELETE ON TABLES FROM ${id(RW)}`,
    ]);
    await applyBootstrap(target(spec));
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    await applyBootstrap(target(baseSpec()));
    expect((await planBootstrap(target(baseSpec()))).changes).toEqual([]);
  });

  it('reports what the server cannot do as problems, before changing anything', async () => {
    const spec = baseSpec();
    const major = await admin(undefined, async (c) =>
      Math.floor(Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) / 10000),
    );
    spec.grants?.push({
      role: RO,
      privileges: ['SELECT'],
      on: { tables: ['items', 'missing'], schema: 'app', database: APP },
    });
    if (major < 17)
      spec.grants?.push({
        role: RO,
        privileges: ['MAINTAIN'],
        on: { tables: ['items'], schema: 'audit', database: APP },
      });
    const plan = await planBootstrap(target(spec));
    expect(plan.problems.map((p) => p.path)).toEqual(
      major < 17 ? ['/grants/11/privileges/0'] : ['/grants/10/on/tables/1'],
    );
    if (major < 17) {
      spec.grants?.pop();
      expect((await planBootstrap(target(spec))).problems).toEqual([
        {
          path: '/grants/10/on/tables/1',
          message: `table "missing" does not exist in schema "app" of database "${APP}"`,
        },
      ]);
    }
  });

  it('prunes only the managed objects the spec no longer has, reassigning what a dropped role owns', async () => {
    await admin(undefined, async (c) => {
      await c.query(`CREATE ROLE ${id(HAND_ROLE)}`);
      await c.query(`CREATE DATABASE ${id(HAND_DB)}`);
    });
    await admin(APP, (c) =>
      c.query(`CREATE TABLE app.extra_t (id int); ALTER TABLE app.extra_t OWNER TO ${id(EXTRA)}`),
    );
    // a table made by someone the default privileges do not cover is granted by the next apply
    expect((await planBootstrap(target(baseSpec()))).changes.map((c) => c.action)).toEqual(['grant']);
    await applyBootstrap(target(baseSpec()));
    const spec = baseSpec();
    spec.roles = (spec.roles ?? []).filter((r) => r.name !== EXTRA);
    spec.databases = (spec.databases ?? []).filter((d) => d.name !== LOGS);
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    spec.prune = true;
    const plan = await planBootstrap(target(spec));
    expect(plan.changes.map((c) => [c.action, c.object])).toEqual([
      ['drop', `database "${LOGS}"`],
      ['drop', `role "${EXTRA}"`],
    ]);
    expect(plan.changes[1]?.sql).toMatch(/^REASSIGN OWNED BY .* TO CURRENT_USER;\nDROP OWNED BY/);
    await applyBootstrap(target(spec));
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    const left = await admin(APP, async (c) => ({
      roles: (
        await c.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1', [
          [EXTRA, HAND_ROLE, OWNER],
        ])
      ).rows.map((r) => r.rolname),
      dbs: (
        await c.query('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY 1', [
          [LOGS, HAND_DB, APP],
        ])
      ).rows.map((r) => r.datname),
      table: (await c.query("SELECT pg_get_userbyid(relowner) AS o FROM pg_class WHERE relname = 'extra_t'"))
        .rows[0]?.o,
    }));
    expect(left.roles).toEqual([HAND_ROLE, OWNER].sort());
    expect(left.dbs).toEqual([APP, HAND_DB].sort());
    expect(left.table).toBe('postgres');
  });

  it('serializes concurrent applies: one makes the changes, the other finds nothing to do', async () => {
    const spec = baseSpec();
    spec.grants = [
      ...(spec.grants ?? []),
      { role: RO, privileges: ['CREATE'], on: { schema: 'audit', database: APP } },
    ];
    const [a, b] = await Promise.all([applyBootstrap(target(spec)), applyBootstrap(target(spec))]);
    const [busy, idle] = a.changes.length > 0 ? [a, b] : [b, a];
    expect(idle.changes).toEqual([]);
    expect(busy.changes.map((c) => c.sql)).toContain(`GRANT CREATE ON SCHEMA "audit" TO ${id(RO)}`);
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
  });

  it('quotes hostile names and passwords by the engine rules', async () => {
    const spec: PgBootstrapSpec = {
      engine: 'postgres',
      roles: [{ name: HOSTILE_ROLE, login: true, password: { secret: 'hostile' } }],
      databases: [
        { name: HOSTILE_DB, owner: HOSTILE_ROLE, schemas: [{ name: HOSTILE_SCHEMA, owner: HOSTILE_ROLE }] },
      ],
      grants: [
        { role: 'PUBLIC', privileges: [], on: { database: HOSTILE_DB } },
        { role: HOSTILE_ROLE, privileges: ['CONNECT'], on: { database: HOSTILE_DB } },
        { role: 'PUBLIC', privileges: ['ALL'], on: { schema: HOSTILE_SCHEMA, database: HOSTILE_DB } },
      ],
    };
    const applied = await applyBootstrap(target(spec));
    expect(applied.problems).toEqual([]);
    expect(applied.changes.map((c) => c.sql)).toContain(
      `GRANT USAGE, CREATE ON SCHEMA ${id(HOSTILE_SCHEMA)} TO PUBLIC`,
    );
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    await asLogin(HOSTILE_ROLE, SECRETS.hostile ?? '', HOSTILE_DB, async (c) => {
      const r = await c.query('SELECT current_user AS u, current_database() AS d');
      expect(r.rows[0]).toEqual({ u: HOSTILE_ROLE, d: HOSTILE_DB });
      await c.query(`CREATE TABLE ${id(HOSTILE_SCHEMA)}.t (id int)`);
    });
    const schemas = await admin(
      HOSTILE_DB,
      async (c) =>
        (
          await c.query('SELECT nspname FROM pg_namespace WHERE nspname IN ($1, $2) ORDER BY 1', [
            HOSTILE_SCHEMA,
            'public',
          ])
        ).rows,
    );
    expect(schemas).toEqual(
      [{ nspname: 'public' }, { nspname: HOSTILE_SCHEMA }].sort((a, b) => (a.nspname < b.nspname ? -1 : 1)),
    );
    expect(
      await admin(
        undefined,
        async (c) => (await c.query("SELECT 1 FROM pg_roles WHERE rolname = 'postgres'")).rowCount,
      ),
    ).toBe(1);
  });
});
