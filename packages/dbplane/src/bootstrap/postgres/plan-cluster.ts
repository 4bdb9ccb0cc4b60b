import { passwordToSet } from '../password-plan.js';
import { pgPasswordMatches } from '../passwords.js';
import type { GeneratedPassword, PasswordSource, Step } from '../plan-types.js';
import { step } from '../plan-types.js';
import type { PgBootstrapSpec, PgRoleSpec, SpecProblem } from '../types.js';
import type { PgCluster, PgRoleRow } from './catalog.js';
import { ident, literal } from './connect.js';

/**
 * Planning what lives in the shared catalogs: roles, memberships, databases,
 * and the drops of managed roles and databases the spec no longer has.
 */

/** What the cluster planner takes and fills. */
export interface ClusterContext {
  spec: PgBootstrapSpec;
  cluster: PgCluster;
  passwords: PasswordSource;
  steps: Step[];
  problems: SpecProblem[];
  generated: GeneratedPassword[];
  /** The COMMENT that marks the objects this scope manages. */
  marker: string;
}

function validUntilEpoch(v: string): number {
  return v === 'infinity' ? Number.POSITIVE_INFINITY : Date.parse(v) / 1000;
}

/** The attribute clauses of `r` that differ from `row` (all of them when the role is new). */
function roleOptions(r: PgRoleSpec, row: PgRoleRow | undefined): string[] {
  const out: string[] = [];
  const flag = (want: boolean | undefined, have: boolean | undefined, word: string) => {
    if (want !== undefined && want !== have) out.push(want ? word : `NO${word}`);
  };
  flag(r.login, row?.login, 'LOGIN');
  flag(r.inherit, row?.inherit, 'INHERIT');
  flag(r.createdb, row?.createdb, 'CREATEDB');
  flag(r.createrole, row?.createrole, 'CREATEROLE');
  if (r.connectionLimit !== undefined && r.connectionLimit !== row?.connlimit)
    out.push(`CONNECTION LIMIT ${r.connectionLimit}`);
  if (r.validUntil !== undefined) {
    const want = validUntilEpoch(r.validUntil);
    const have = row?.validUntil;
    const same = have !== undefined && have !== null && (have === want || Math.abs(have - want) < 0.001);
    if (!same)
      out.push(
        `VALID UNTIL ${literal(r.validUntil === 'infinity' ? 'infinity' : new Date(want * 1000).toISOString())}`,
      );
  }
  return out;
}

async function planRole(ctx: ClusterContext, r: PgRoleSpec, i: number): Promise<void> {
  const row = ctx.cluster.roles.get(r.name);
  const password = await passwordToSet({
    source: ctx.passwords,
    spec: r.password,
    role: r.name,
    exists: row !== undefined,
    matches: (pw) => pgPasswordMatches(row?.password, r.name, pw),
    path: `/roles/${i}/password`,
    problems: ctx.problems,
    generated: ctx.generated,
  });
  const options = roleOptions(r, row);
  const secrets: string[] = [];
  if (password !== undefined) {
    secrets.push(literal(password));
    options.push(`PASSWORD ${literal(password)}`);
  }
  const name = ident(r.name);
  if (!row) {
    const sql = `CREATE ROLE ${name}${options.length ? ` WITH ${options.join(' ')}` : ''}`;
    const comment = `COMMENT ON ROLE ${name} IS ${literal(ctx.marker)}`;
    ctx.steps.push(
      step(
        'create',
        `role ${name}`,
        'roles',
        [
          { sql, transactional: true },
          { sql: comment, transactional: true },
        ],
        secrets,
      ),
    );
  } else if (options.length > 0) {
    ctx.steps.push(
      step(
        'alter',
        `role ${name}`,
        'roles',
        [{ sql: `ALTER ROLE ${name} WITH ${options.join(' ')}`, transactional: true }],
        secrets,
      ),
    );
  }
}

function planMemberships(ctx: ClusterContext, r: PgRoleSpec): void {
  if (r.memberOf === undefined) return;
  const have = ctx.cluster.memberships.get(r.name) ?? new Set<string>();
  const want = new Set(r.memberOf);
  const name = ident(r.name);
  for (const parent of want)
    if (!have.has(parent))
      ctx.steps.push(
        step('grant', `membership of ${name} in ${ident(parent)}`, 'memberships', [
          { sql: `GRANT ${ident(parent)} TO ${name}`, transactional: true },
        ]),
      );
  for (const parent of have)
    if (!want.has(parent))
      ctx.steps.push(
        step('revoke', `membership of ${name} in ${ident(parent)}`, 'memberships', [
          { sql: `REVOKE ${ident(parent)} FROM ${name}`, transactional: true },
        ]),
      );
}

function planDatabases(ctx: ClusterContext): void {
  for (const d of ctx.spec.databases ?? []) {
    const have = ctx.cluster.databases.get(d.name);
    const name = ident(d.name);
    if (!have) {
      const opts = [
        d.owner === undefined ? '' : ` OWNER ${ident(d.owner)}`,
        d.encoding === undefined ? '' : ` ENCODING ${literal(d.encoding)}`,
        d.template === undefined ? '' : ` TEMPLATE ${ident(d.template)}`,
        d.connectionLimit === undefined ? '' : ` CONNECTION LIMIT ${d.connectionLimit}`,
      ].join('');
      ctx.steps.push(
        step('create', `database ${name}`, 'databases', [
          { sql: `CREATE DATABASE ${name}${opts}`, transactional: false },
          { sql: `COMMENT ON DATABASE ${name} IS ${literal(ctx.marker)}`, transactional: true },
        ]),
      );
      continue;
    }
    if (d.owner !== undefined && d.owner !== have.owner)
      ctx.steps.push(
        step('alter', `owner of database ${name}`, 'databases', [
          { sql: `ALTER DATABASE ${name} OWNER TO ${ident(d.owner)}`, transactional: true },
        ]),
      );
    if (d.connectionLimit !== undefined && d.connectionLimit !== have.connlimit)
      ctx.steps.push(
        step('alter', `connection limit of database ${name}`, 'databases', [
          { sql: `ALTER DATABASE ${name} CONNECTION LIMIT ${d.connectionLimit}`, transactional: true },
        ]),
      );
  }
}

function planDrops(ctx: ClusterContext): void {
  if (ctx.spec.prune !== true) return;
  const wantDbs = new Set((ctx.spec.databases ?? []).map((d) => d.name));
  const dropped = new Set<string>();
  for (const [db, info] of ctx.cluster.databases)
    if (info.managed && !wantDbs.has(db)) {
      dropped.add(db);
      ctx.steps.push(
        step('drop', `database ${ident(db)}`, 'drop-databases', [
          { sql: `DROP DATABASE ${ident(db)} WITH (FORCE)`, transactional: false },
        ]),
      );
    }
  const wantRoles = new Set((ctx.spec.roles ?? []).map((r) => r.name));
  const inDbs = [...ctx.cluster.databases]
    .filter(([db, i]) => i.allowConn && !dropped.has(db))
    .map(([db]) => db);
  for (const [role, info] of ctx.cluster.roles) {
    if (!info.managed || wantRoles.has(role) || role === ctx.cluster.currentUser) continue;
    const r = ident(role);
    const perDb = inDbs.flatMap((database) => [
      { sql: `REASSIGN OWNED BY ${r} TO CURRENT_USER`, database, transactional: true },
      { sql: `DROP OWNED BY ${r}`, database, transactional: true },
    ]);
    ctx.steps.push(
      step('drop', `role ${r}`, 'drop-roles', [...perDb, { sql: `DROP ROLE ${r}`, transactional: true }]),
    );
  }
}

/**
 * Plans the shared-catalog changes: roles (attributes, passwords),
 * memberships, databases, and the drops `prune` asks for.
 */
export async function planCluster(ctx: ClusterContext): Promise<void> {
  const roles = ctx.spec.roles ?? [];
  for (const [i, r] of roles.entries()) await planRole(ctx, r, i);
  for (const r of roles) planMemberships(ctx, r);
  planDatabases(ctx);
  planDrops(ctx);
}
