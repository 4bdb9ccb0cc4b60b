import type mysql from 'mysql2/promise';
import { passwordToSet } from '../password-plan.js';
import { mysqlPasswordMatches } from '../passwords.js';
import type {
  BootstrapTarget,
  GeneratedPassword,
  InternalPlan,
  PasswordSource,
  Step,
} from '../plan-types.js';
import { byPhase, step } from '../plan-types.js';
import { normalizeMysqlPrivilege } from '../privileges.js';
import type { MysqlBootstrapSpec, MysqlGrantSpec, SpecProblem } from '../types.js';
import { validateSpec } from '../validate.js';
import { mysqlGrantLevel } from '../validate-mysql.js';
import {
  MANAGED_TABLE,
  type MysqlCatalog,
  privKey,
  readGlobalPrivileges,
  readMysqlCatalog,
} from './catalog.js';
import { account, dbPattern, granteeText, ident, literal } from './sql.js';

/**
 * Planning a MySQL/MariaDB spec against the server: accounts, roles, role
 * grants, databases, privileges at global/database/table level, and the
 * drops of managed objects. Objects the bootstrap creates are recorded in
 * `<metaDatabase>.managed_objects` under the target's scope; only those are ever dropped.
 */

export const DEFAULT_META_DATABASE = '_dbplane';

interface Ctx {
  spec: MysqlBootstrapSpec;
  cat: MysqlCatalog;
  conn: mysql.Connection;
  passwords: PasswordSource;
  meta: string;
  /** Whose objects these are: rows of other scopes are neither read nor dropped. */
  scope: string;
  steps: Step[];
  problems: SpecProblem[];
  generated: GeneratedPassword[];
}

const sql = (text: string) => ({ sql: text, transactional: false });

function remember(ctx: Ctx, kind: 'user' | 'role' | 'database', name: string, host = '') {
  return sql(
    `INSERT IGNORE INTO ${ident(ctx.meta)}.${MANAGED_TABLE} (scope, kind, name, host) VALUES (${literal(ctx.scope)}, ${literal(kind)}, ${literal(name)}, ${literal(host)})`,
  );
}

function forget(ctx: Ctx, kind: 'user' | 'role' | 'database', name: string, host = '') {
  return sql(
    `DELETE FROM ${ident(ctx.meta)}.${MANAGED_TABLE} WHERE scope = ${literal(ctx.scope)} AND kind = ${literal(kind)} AND name = ${literal(name)} AND host = ${literal(host)}`,
  );
}

/** The host of role accounts: '' on MariaDB, '%' on MySQL 8. */
const roleHost = (ctx: Ctx) => (ctx.cat.mariadb ? '' : '%');

function planRoles(ctx: Ctx): void {
  for (const r of ctx.spec.roles ?? [])
    if (!ctx.cat.accounts.has(`${r.name}@${roleHost(ctx)}`))
      ctx.steps.push(
        step('create', `role ${literal(r.name)}`, 'roles', [
          sql(`CREATE ROLE ${literal(r.name)}`),
          remember(ctx, 'role', r.name),
        ]),
      );
}

async function planUsers(ctx: Ctx): Promise<void> {
  for (const [i, u] of (ctx.spec.users ?? []).entries()) {
    const host = u.host ?? '%';
    const row = ctx.cat.accounts.get(`${u.name}@${host}`);
    const acct = account(u.name, host);
    const password = await passwordToSet({
      source: ctx.passwords,
      spec: u.password,
      role: `${u.name}@${host}`,
      exists: row !== undefined,
      matches: (pw) => (row ? mysqlPasswordMatches(row.plugin, row.authString, pw) : undefined),
      path: `/users/${i}/password`,
      problems: ctx.problems,
      generated: ctx.generated,
    });
    const secrets = password === undefined ? [] : [literal(password)];
    const identified = password === undefined ? '' : ` IDENTIFIED BY ${literal(password)}`;
    const limit =
      u.maxUserConnections === undefined ? '' : ` WITH MAX_USER_CONNECTIONS ${u.maxUserConnections}`;
    if (!row) {
      ctx.steps.push(
        step(
          'create',
          `user ${acct}`,
          'roles',
          [sql(`CREATE USER ${acct}${identified}${limit}`), remember(ctx, 'user', u.name, host)],
          secrets,
        ),
      );
      continue;
    }
    if (password !== undefined)
      ctx.steps.push(
        step('alter', `password of user ${acct}`, 'roles', [sql(`ALTER USER ${acct}${identified}`)], secrets),
      );
    if (u.maxUserConnections !== undefined && u.maxUserConnections !== row.maxUserConnections)
      ctx.steps.push(
        step('alter', `connection limit of user ${acct}`, 'roles', [sql(`ALTER USER ${acct}${limit}`)]),
      );
  }
}

function planRoleGrants(ctx: Ctx): void {
  for (const u of ctx.spec.users ?? []) {
    const host = u.host ?? '%';
    const acct = account(u.name, host);
    const have = ctx.cat.roleGrants.get(`${u.name}@${host}`) ?? new Set<string>();
    const want = new Set(u.roles ?? have);
    for (const r of want)
      if (!have.has(r))
        ctx.steps.push(
          step('grant', `role ${literal(r)} to ${acct}`, 'memberships', [
            sql(`GRANT ${literal(r)} TO ${acct}`),
          ]),
        );
    for (const r of have)
      if (!want.has(r))
        ctx.steps.push(
          step('revoke', `role ${literal(r)} from ${acct}`, 'memberships', [
            sql(`REVOKE ${literal(r)} FROM ${acct}`),
          ]),
        );
    const current = ctx.cat.accounts.get(`${u.name}@${host}`)?.defaultRole ?? '';
    if (u.defaultRole !== undefined && u.defaultRole !== current) {
      const text = ctx.cat.mariadb
        ? `SET DEFAULT ROLE ${literal(u.defaultRole)} FOR ${acct}`
        : `SET DEFAULT ROLE ${literal(u.defaultRole)} TO ${acct}`;
      ctx.steps.push(step('alter', `default role of ${acct}`, 'memberships', [sql(text)]));
    }
  }
}

function planDatabases(ctx: Ctx): void {
  for (const d of ctx.spec.databases ?? []) {
    const have = ctx.cat.databases.get(d.name);
    const cs =
      d.charset !== undefined && d.charset !== have?.charset ? ` CHARACTER SET ${ident(d.charset)}` : '';
    const co =
      d.collation !== undefined && d.collation !== have?.collation ? ` COLLATE ${ident(d.collation)}` : '';
    if (!have)
      ctx.steps.push(
        step('create', `database ${ident(d.name)}`, 'databases', [
          sql(`CREATE DATABASE ${ident(d.name)}${cs}${co}`),
          remember(ctx, 'database', d.name),
        ]),
      );
    else if (cs || co)
      ctx.steps.push(
        step('alter', `database ${ident(d.name)}`, 'databases', [
          sql(`ALTER DATABASE ${ident(d.name)}${cs}${co}`),
        ]),
      );
  }
}

/** The grantee of a grant: its SQL, its information_schema text, and its SHOW GRANTS arguments. */
function grantee(ctx: Ctx, g: MysqlGrantSpec) {
  if ('role' in g)
    return {
      sql: literal(g.role),
      text: granteeText(g.role, roleHost(ctx)),
      name: g.role,
      host: ctx.cat.mariadb ? undefined : '%',
    };
  const host = g.host ?? '%';
  return { sql: account(g.user, host), text: granteeText(g.user, host), name: g.user, host };
}

async function currentPrivileges(
  ctx: Ctx,
  g: MysqlGrantSpec,
  i: number,
): Promise<{ on: string; have: Set<string> } | undefined> {
  const who = grantee(ctx, g);
  const level = mysqlGrantLevel(g.on);
  const exists = ctx.cat.accounts.has(`${who.name}@${who.host ?? ''}`);
  if ('table' in g.on) {
    if (!ctx.cat.tables.has(`${g.on.database}\u0000${g.on.table}`)) {
      ctx.problems.push({
        path: `/grants/${i}/on/table`,
        message: `table ${JSON.stringify(g.on.table)} does not exist in database ${JSON.stringify(g.on.database)}`,
      });
      return undefined;
    }
    return {
      on: `${ident(g.on.database)}.${ident(g.on.table)}`,
      have: new Set(ctx.cat.privileges.get(privKey(who.text, level, g.on.database, g.on.table))),
    };
  }
  if ('database' in g.on) {
    const pattern = dbPattern(g.on.database);
    return {
      on: `${ident(pattern)}.*`,
      have: new Set(ctx.cat.privileges.get(privKey(who.text, level, pattern))),
    };
  }
  return { on: '*.*', have: exists ? await readGlobalPrivileges(ctx.conn, who.name, who.host) : new Set() };
}

async function planGrants(ctx: Ctx): Promise<void> {
  for (const [i, g] of (ctx.spec.grants ?? []).entries()) {
    const current = await currentPrivileges(ctx, g, i);
    if (!current) continue;
    const who = grantee(ctx, g);
    const want = new Set(g.privileges.map(normalizeMysqlPrivilege));
    const missing = [...want].filter((p) => !current.have.has(p));
    const extra = g.mode === 'additive' ? [] : [...current.have].filter((p) => !want.has(p));
    const label = `${current.on} to ${who.sql}`;
    if (missing.length)
      ctx.steps.push(
        step('grant', label, 'grants', [sql(`GRANT ${missing.join(', ')} ON ${current.on} TO ${who.sql}`)]),
      );
    if (extra.length)
      ctx.steps.push(
        step('revoke', label, 'revokes', [
          sql(`REVOKE ${extra.join(', ')} ON ${current.on} FROM ${who.sql}`),
        ]),
      );
  }
}

function planDrops(ctx: Ctx): void {
  if (ctx.spec.prune !== true) return;
  const dbs = new Set((ctx.spec.databases ?? []).map((d) => d.name));
  const users = new Set((ctx.spec.users ?? []).map((u) => `${u.name}@${u.host ?? '%'}`));
  const roles = new Set((ctx.spec.roles ?? []).map((r) => r.name));
  for (const key of ctx.cat.managed) {
    const [kind, name = '', host = ''] = key.split('\u0000') as [
      'user' | 'role' | 'database',
      string,
      string,
    ];
    if (kind === 'database' && !dbs.has(name) && ctx.cat.databases.has(name))
      ctx.steps.push(
        step('drop', `database ${ident(name)}`, 'drop-databases', [
          sql(`DROP DATABASE ${ident(name)}`),
          forget(ctx, kind, name),
        ]),
      );
    if (kind === 'user' && !users.has(`${name}@${host}`) && ctx.cat.accounts.has(`${name}@${host}`))
      ctx.steps.push(
        step('drop', `user ${account(name, host)}`, 'drop-roles', [
          sql(`DROP USER ${account(name, host)}`),
          forget(ctx, kind, name, host),
        ]),
      );
    if (kind === 'role' && !roles.has(name) && ctx.cat.accounts.has(`${name}@${roleHost(ctx)}`))
      ctx.steps.push(
        step('drop', `role ${literal(name)}`, 'drop-roles', [
          sql(`DROP ROLE ${literal(name)}`),
          forget(ctx, kind, name),
        ]),
      );
  }
}

function planMeta(ctx: Ctx): void {
  if (
    ctx.cat.tables.has(`${ctx.meta}\u0000${MANAGED_TABLE}`) ||
    !ctx.steps.some((s) => s.change.action === 'create')
  )
    return;
  const m = ident(ctx.meta);
  ctx.steps.unshift(
    step('create', `table ${m}.${MANAGED_TABLE} (the objects the bootstrap manages)`, 'roles', [
      sql(`CREATE DATABASE IF NOT EXISTS ${m} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
      sql(
        `CREATE TABLE IF NOT EXISTS ${m}.${MANAGED_TABLE} (scope VARCHAR(191) NOT NULL DEFAULT '', kind VARCHAR(16) NOT NULL, name VARCHAR(255) NOT NULL, host VARCHAR(255) NOT NULL DEFAULT '', PRIMARY KEY (scope, kind, name, host)) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
      ),
    ]),
  );
}

/** Plans `t` over an open admin connection; steps are in the order they must run. */
export async function planMysqlWith(conn: mysql.Connection, t: BootstrapTarget): Promise<InternalPlan> {
  const spec = t.spec as MysqlBootstrapSpec;
  const meta = t.metaDatabase ?? DEFAULT_META_DATABASE;
  const scope = t.scope ?? '';
  const cat = await readMysqlCatalog(conn, meta, scope);
  // MariaDB roles are accounts with host ''; MySQL 8 roles are accounts like any other (host '%')
  const suffix = cat.mariadb ? '@' : '@%';
  const existing = {
    users: [...cat.accounts.keys()].filter((k) => !k.endsWith('@')),
    roles: [...cat.accounts.keys()].filter((k) => k.endsWith(suffix)).map((k) => k.slice(0, -suffix.length)),
    databases: [...cat.databases.keys()],
  };
  const { problems } = validateSpec(spec, { existing });
  if (problems.length > 0) return { steps: [], problems, generated: [] };
  const ctx: Ctx = {
    spec,
    cat,
    conn,
    passwords: t.passwords,
    meta,
    scope,
    steps: [],
    problems,
    generated: [],
  };
  planRoles(ctx);
  await planUsers(ctx);
  planRoleGrants(ctx);
  planDatabases(ctx);
  await planGrants(ctx);
  planDrops(ctx);
  planMeta(ctx);
  return { steps: byPhase(ctx.steps), problems: ctx.problems, generated: ctx.generated };
}
