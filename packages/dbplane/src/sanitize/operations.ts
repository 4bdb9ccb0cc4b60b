import { DbplaneError } from '../errors/index.js';
import type { Target } from './connection.js';
import { dialectOf } from './dialect.js';
import { constantLiteral } from './expressions.js';
import { checkFreeSql } from './free-sql.js';
import { planMasking } from './plan.js';
import { rulesOf } from './schemas.js';
import type { RuleProblem, RulesDocument, SchemaInfo } from './types.js';
import { validateRules } from './validate.js';

/**
 * Every problem of `rules` on the connected database: the rules against its
 * schema, each PostgreSQL constant cast to its column's type, then the free SQL.
 */
export async function problemsOf(
  t: Target,
  schema: SchemaInfo,
  rules: RulesDocument,
): Promise<RuleProblem[]> {
  const found = validateRules(rules, schema);
  return [
    ...found,
    ...(await constantProblems(t, schema, rules, found)),
    ...(await checkFreeSql(t, rules.sql ?? [])),
  ];
}

/** PostgreSQL: a constant its column's type does not accept (`'2020-13-45'` for a date). */
async function constantProblems(
  t: Target,
  schema: SchemaInfo,
  rules: RulesDocument,
  found: readonly RuleProblem[],
) {
  const out: RuleProblem[] = [];
  if (t.engine !== 'postgres') return out;
  const d = dialectOf(t.engine);
  for (const r of rulesOf(rules)) {
    if (r.rule.rule !== 'constant' || found.some((p) => p.path.startsWith(r.path))) continue;
    const col = schema.tables.find((x) => x.name === r.table)?.columns.find((c) => c.name === r.column);
    if (col === undefined) continue;
    await t.query(`SELECT (${constantLiteral(d, r.rule.value)})::${col.type} AS v`).catch((err: Error) =>
      out.push({
        path: `${r.path}/value`,
        message: `not a ${col.type}: ${err.message}`,
        severity: 'error',
      }),
    );
  }
  return out;
}

/** Throws `Dbplane.SanitizeRulesInvalid` with every problem when one is an error. */
export function assertValid(problems: readonly RuleProblem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  throw new DbplaneError(
    'Dbplane.SanitizeRulesInvalid',
    `the rules do not fit the database: ${errors.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    { details: { problems } },
  );
}

export interface DryRunTable {
  table: string;
  columns: string[];
  rows: { before: Record<string, unknown>; after: Record<string, unknown> }[];
}

/**
 * Sample rows of each masked table, each masked column before and after,
 * from one read-only transaction (nothing is changed; free SQL is not run).
 */
export async function dryRun(
  t: Target,
  schema: SchemaInfo,
  rules: RulesDocument,
  salt: string,
  sampleRows: number,
): Promise<DryRunTable[]> {
  const plan = planMasking(rules, schema, salt);
  const d = plan.d;
  const out: DryRunTable[] = [];
  await t.query(t.engine === 'postgres' ? 'BEGIN READ ONLY' : 'START TRANSACTION READ ONLY');
  try {
    for (const table of plan.tables) {
      const cols = table.columns.flatMap((c, i) => [
        `${d.id(c.column.name)} AS ${d.id(`b${i}`)}`,
        `${c.expr} AS ${d.id(`a${i}`)}`,
      ]);
      const rows = await t.query(
        `SELECT ${cols.join(', ')} FROM ${table.ref} LIMIT ${Math.floor(sampleRows)}`,
      );
      const names = table.columns.map((c) => c.column.name);
      out.push({
        table: table.table.name,
        columns: names,
        rows: rows.map((r) => ({
          before: Object.fromEntries(names.map((n, i) => [n, r[`b${i}`] ?? null])),
          after: Object.fromEntries(names.map((n, i) => [n, r[`a${i}`] ?? null])),
        })),
      });
    }
  } finally {
    await t.query('ROLLBACK');
  }
  return out;
}
