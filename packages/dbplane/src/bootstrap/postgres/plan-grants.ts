import { step } from '../plan-types.js';
import { expandPgPrivileges, pgPrivileges } from '../privileges.js';
import type { PgGrantSpec } from '../types.js';
import { pgGrantKind } from '../validate-postgres.js';
import { aclKey, objectKey, type PgObjectRow, type PgObjectRowKind } from './catalog.js';
import { grantee, ident } from './connect.js';
import type { DatabaseContext } from './plan-database.js';

/**
 * Grants and default privileges, diffed against the ACLs in force: only what
 * is missing is granted, and an authoritative entry revokes only what is
 * there and not listed. Nothing is ever revoked to be granted again.
 */

/** One (object, grantee) pair the spec has an opinion on. */
interface Desired {
  /** `table "s"."t"`: for people. */
  label: string;
  grantSql: (privileges: string) => string;
  revokeSql: (privileges: string) => string;
  phase: 'grants' | 'defaults';
  grantee: string;
  want: Set<string>;
  have: Set<string>;
  authoritative: boolean;
}

const KEYWORD: Record<PgObjectRowKind, string> = {
  table: 'TABLE',
  sequence: 'SEQUENCE',
  function: 'FUNCTION',
};

function objectName(o: PgObjectRow): string {
  return `${ident(o.schema)}.${ident(o.name)}${o.kind === 'function' ? `(${o.args})` : ''}`;
}

/** A grant on `ref` (an object clause such as `TABLE "s"."t"`). */
function onObject(ref: string, label: string, role: string, authoritative: boolean) {
  return {
    label,
    grantee: role,
    authoritative,
    phase: 'grants' as const,
    grantSql: (p: string) => `GRANT ${p} ON ${ref} TO ${grantee(role)}`,
    revokeSql: (p: string) => `REVOKE ${p} ON ${ref} FROM ${grantee(role)}`,
  };
}

function merge(into: Map<string, Desired>, key: string, d: Desired): void {
  const prev = into.get(key);
  if (!prev) into.set(key, d);
  else {
    for (const p of d.want) prev.want.add(p);
    prev.authoritative ||= d.authoritative;
  }
}

/** The owner a schema has or will have once the plan is applied. */
function schemaOwner(ctx: DatabaseContext, schema: string): string {
  const spec = ctx.spec.databases
    ?.find((d) => d.name === ctx.database)
    ?.schemas?.find((s) => s.name === schema);
  return spec?.owner ?? ctx.catalog.schemas.get(schema)?.owner ?? ctx.currentUser;
}

function selectedObjects(
  ctx: DatabaseContext,
  g: PgGrantSpec,
  i: number,
  kind: PgObjectRowKind,
): PgObjectRow[] {
  if (!('schema' in g.on)) return [];
  const schema = g.on.schema;
  const sel =
    'tables' in g.on
      ? g.on.tables
      : 'sequences' in g.on
        ? g.on.sequences
        : 'functions' in g.on
          ? g.on.functions
          : 'all';
  const inSchema = ctx.catalog.objects.filter((o) => o.kind === kind && o.schema === schema);
  if (sel === 'all') return inSchema;
  return sel.flatMap((name, j) => {
    const found = inSchema.filter((o) => o.name === name);
    if (found.length === 0)
      ctx.problems.push({
        path: `/grants/${i}/on/${kind}s/${j}`,
        message: `${kind} ${JSON.stringify(name)} does not exist in schema ${JSON.stringify(schema)} of database ${JSON.stringify(ctx.database)}`,
      });
    return found;
  });
}

function desiredFor(ctx: DatabaseContext, g: PgGrantSpec, i: number, out: Map<string, Desired>): void {
  const kind = pgGrantKind(g.on);
  const want = () => new Set(expandPgPrivileges(kind, g.privileges, ctx.major));
  const authoritative = g.mode !== 'additive';
  if (kind === 'database') {
    const have = new Set(ctx.catalog.databaseAcl.get(g.role) ?? []);
    const db = ident(ctx.database);
    merge(out, `d\u0000${g.role}`, {
      ...onObject(`DATABASE ${db}`, `database ${db}`, g.role, authoritative),
      want: want(),
      have,
    });
    return;
  }
  if (kind === 'schema' && 'schema' in g.on) {
    const s = g.on.schema;
    const exists = ctx.catalog.schemas.has(s);
    const have = exists
      ? new Set(ctx.catalog.schemaAcl.get(aclKey(s, g.role)) ?? [])
      : new Set(schemaOwner(ctx, s) === g.role ? pgPrivileges('schema') : []);
    const ref = onObject(`SCHEMA ${ident(s)}`, `schema ${ident(s)}`, g.role, authoritative);
    merge(out, `n\u0000${s}\u0000${g.role}`, { ...ref, want: want(), have });
    return;
  }
  for (const o of selectedObjects(ctx, g, i, kind as PgObjectRowKind)) {
    const have = new Set(ctx.catalog.objectAcl.get(aclKey(objectKey(o), g.role)) ?? []);
    const ref = onObject(
      `${KEYWORD[o.kind]} ${objectName(o)}`,
      `${o.kind} ${objectName(o)}`,
      g.role,
      authoritative,
    );
    merge(out, aclKey(objectKey(o), g.role), { ...ref, want: want(), have });
  }
}

function emit(ctx: DatabaseContext, d: Desired): void {
  const missing = [...d.want].filter((p) => !d.have.has(p));
  const extra = d.authoritative ? [...d.have].filter((p) => !d.want.has(p)) : [];
  const where = { database: ctx.database, transactional: true };
  const label = `${d.label} in ${ident(ctx.database)} to ${grantee(d.grantee)}`;
  if (missing.length > 0)
    ctx.steps.push(step('grant', label, d.phase, [{ sql: d.grantSql(missing.join(', ')), ...where }]));
  if (extra.length > 0)
    ctx.steps.push(step('revoke', label, 'revokes', [{ sql: d.revokeSql(extra.join(', ')), ...where }]));
}

/** Plans the grants of the spec on objects of `ctx.database`. */
export function planGrants(ctx: DatabaseContext): void {
  const out = new Map<string, Desired>();
  (ctx.spec.grants ?? []).forEach((g, i) => {
    if (g.on.database === ctx.database) desiredFor(ctx, g, i, out);
  });
  for (const d of out.values()) emit(ctx, d);
}

const DEFAULT_KINDS = {
  tables: ['r', 'table', 'TABLES'],
  sequences: ['S', 'sequence', 'SEQUENCES'],
  functions: ['f', 'function', 'FUNCTIONS'],
} as const;
type DefaultKind = keyof typeof DEFAULT_KINDS;

function addDefault(
  ctx: DatabaseContext,
  out: Map<string, Desired>,
  e: {
    grantor: string;
    schema: string;
    kind: DefaultKind;
    role: string;
    privileges: string[];
    authoritative: boolean;
  },
) {
  const [objtype, kind, plural] = DEFAULT_KINDS[e.kind];
  const key = [e.grantor, e.schema, objtype, e.role].join('\u0000');
  const inSchema = e.schema === '' ? '' : ` IN SCHEMA ${ident(e.schema)}`;
  const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(e.grantor)}${inSchema}`;
  merge(out, key, {
    phase: 'defaults',
    grantSql: (p) => `${prefix} GRANT ${p} ON ${plural} TO ${grantee(e.role)}`,
    revokeSql: (p) => `${prefix} REVOKE ${p} ON ${plural} FROM ${grantee(e.role)}`,
    label: `default privileges on ${plural.toLowerCase()} of ${ident(e.grantor)}${e.schema === '' ? '' : ` in schema ${ident(e.schema)}`}`,
    grantee: e.role,
    want: new Set(expandPgPrivileges(kind, e.privileges, ctx.major)),
    have: new Set(ctx.catalog.defaults.get(key) ?? []),
    authoritative: e.authoritative,
  });
}

/**
 * Plans default privileges in `ctx.database`: the spec's own, plus, for each
 * grant on all tables/sequences/functions of a schema, the same privileges
 * by default on what the schema's owner creates there later.
 */
export function planDefaultPrivileges(ctx: DatabaseContext): void {
  const out = new Map<string, Desired>();
  for (const d of ctx.spec.defaultPrivileges ?? []) {
    if (d.on.database !== ctx.database) continue;
    const kind: DefaultKind = 'tables' in d.on ? 'tables' : 'sequences' in d.on ? 'sequences' : 'functions';
    addDefault(ctx, out, {
      grantor: d.grantor,
      schema: d.on.schema ?? '',
      kind,
      role: d.role,
      privileges: d.privileges,
      authoritative: d.mode !== 'additive',
    });
  }
  for (const g of ctx.spec.grants ?? []) {
    if (g.on.database !== ctx.database || !('schema' in g.on)) continue;
    const kind = (['tables', 'sequences', 'functions'] as const).find(
      (k) => k in g.on && (g.on as Record<string, unknown>)[k] === 'all',
    );
    if (!kind) continue;
    const grantor = schemaOwner(ctx, g.on.schema);
    if (grantor === g.role) continue;
    addDefault(ctx, out, {
      grantor,
      schema: g.on.schema,
      kind,
      role: g.role,
      privileges: g.privileges,
      authoritative: g.mode !== 'additive',
    });
  }
  for (const d of out.values()) emit(ctx, d);
}
