import { type Dialect, dialectOf } from './dialect.js';
import { maskExpression } from './expressions.js';
import { rulesOf } from './schemas.js';
import type { ColumnInfo, Rule, RulesDocument, SchemaInfo, TableInfo } from './types.js';

export interface MaskedColumn {
  column: ColumnInfo;
  rule: Rule;
  /** The masking expression over the column's current value. */
  expr: string;
  path: string;
}

export interface TablePlan {
  table: TableInfo;
  /** The quoted table. */
  ref: string;
  columns: MaskedColumn[];
}

/**
 * The masking of a validated rules document: per table, each column's
 * expression (the salt given as a literal).
 */
export function planMasking(
  doc: RulesDocument,
  schema: SchemaInfo,
  salt: string,
): { d: Dialect; tables: TablePlan[] } {
  const d = dialectOf(schema.engine);
  const saltLit = d.lit(salt);
  const plans = new Map<string, TablePlan>();
  for (const r of rulesOf(doc)) {
    const table = schema.tables.find((t) => t.name === r.table);
    const column = table?.columns.find((c) => c.name === r.column);
    if (table === undefined || column === undefined) throw new Error(`${r.path} was not validated`);
    const plan = plans.get(table.name) ?? { table, ref: d.table(table.schema, table.table), columns: [] };
    plan.columns.push({
      column,
      rule: r.rule,
      expr: maskExpression(d, column, r.rule, saltLit),
      path: r.path,
    });
    plans.set(table.name, plan);
  }
  return { d, tables: [...plans.values()] };
}

/** One set-based statement per table: `UPDATE t SET c = <expr>, ...` (each expression reads only its own column). */
export function updateStatement(d: Dialect, plan: TablePlan): string {
  return `UPDATE ${plan.ref} SET ${plan.columns.map((c) => `${d.id(c.column.name)} = ${c.expr}`).join(', ')}`;
}
