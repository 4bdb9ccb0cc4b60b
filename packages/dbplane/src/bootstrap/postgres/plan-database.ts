import type { Step } from '../plan-types.js';
import { step } from '../plan-types.js';
import type { PgBootstrapSpec, SpecProblem } from '../types.js';
import type { PgDatabaseCatalog } from './catalog.js';
import { ident, literal } from './connect.js';
import { planDefaultPrivileges, planGrants } from './plan-grants.js';

/**
 * Planning inside one database: schemas, extensions, grants, default
 * privileges and the revokes of what authoritative entries do not list.
 */

/** What the database planner takes and fills. */
export interface DatabaseContext {
  spec: PgBootstrapSpec;
  database: string;
  catalog: PgDatabaseCatalog;
  major: number;
  /** Who runs the apply: the owner of what it creates without an owner. */
  currentUser: string;
  steps: Step[];
  problems: SpecProblem[];
}

function planSchemas(ctx: DatabaseContext): void {
  const db = ctx.spec.databases?.find((d) => d.name === ctx.database);
  for (const s of db?.schemas ?? []) {
    const have = ctx.catalog.schemas.get(s.name);
    const name = ident(s.name);
    const on = { database: ctx.database, transactional: true };
    if (!have) {
      const sql = `CREATE SCHEMA ${name}${s.owner === undefined ? '' : ` AUTHORIZATION ${ident(s.owner)}`}`;
      ctx.steps.push(step('create', `schema ${name} in ${ident(ctx.database)}`, 'schemas', [{ sql, ...on }]));
    } else if (s.owner !== undefined && s.owner !== have.owner) {
      const sql = `ALTER SCHEMA ${name} OWNER TO ${ident(s.owner)}`;
      ctx.steps.push(
        step('alter', `owner of schema ${name} in ${ident(ctx.database)}`, 'schemas', [{ sql, ...on }]),
      );
    }
  }
}

function planExtensions(ctx: DatabaseContext): void {
  const db = ctx.spec.databases?.find((d) => d.name === ctx.database);
  for (const e of db?.extensions ?? []) {
    const have = ctx.catalog.extensions.get(e.name);
    const name = ident(e.name);
    const where = `extension ${name} in ${ident(ctx.database)}`;
    const add = (action: 'create' | 'alter', sql: string) =>
      ctx.steps.push(
        step(action, where, 'extensions', [{ sql, database: ctx.database, transactional: true }]),
      );
    if (!have) {
      const schema = e.schema === undefined ? '' : ` SCHEMA ${ident(e.schema)}`;
      const version = e.version === undefined ? '' : ` VERSION ${literal(e.version)}`;
      add('create', `CREATE EXTENSION IF NOT EXISTS ${name} WITH${schema}${version}`);
      continue;
    }
    if (e.schema !== undefined && e.schema !== have.schema)
      add('alter', `ALTER EXTENSION ${name} SET SCHEMA ${ident(e.schema)}`);
    if (e.version !== undefined && e.version !== have.version)
      add('alter', `ALTER EXTENSION ${name} UPDATE TO ${literal(e.version)}`);
  }
}

/**
 * Plans everything inside `ctx.database` against `ctx.catalog`.
 *
 * @example
 * planDatabase({ spec, database: 'appdb', catalog: await readDatabase(c, ['app']), major: 15, currentUser: 'postgres', steps, problems });
 */
export function planDatabase(ctx: DatabaseContext): void {
  planSchemas(ctx);
  planExtensions(ctx);
  planGrants(ctx);
  planDefaultPrivileges(ctx);
}

/** The schemas whose objects the spec's grants name in `database` (the catalog reads their ACLs). */
export function grantedSchemas(spec: PgBootstrapSpec, database: string): string[] {
  const out = new Set<string>();
  for (const g of spec.grants ?? []) if (g.on.database === database && 'schema' in g.on) out.add(g.on.schema);
  return [...out];
}

/** The databases the spec reaches into: its own and those its grants name. */
export function targetDatabases(spec: PgBootstrapSpec): string[] {
  const out = new Set((spec.databases ?? []).map((d) => d.name));
  for (const g of [...(spec.grants ?? []), ...(spec.defaultPrivileges ?? [])]) out.add(g.on.database);
  return [...out];
}
