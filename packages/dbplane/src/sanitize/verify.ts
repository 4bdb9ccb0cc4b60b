import { DbplaneError } from '../errors/index.js';
import type { Target } from './connection.js';
import type { Dialect } from './dialect.js';
import { constantLiteral } from './expressions.js';
import type { MaskedColumn, TablePlan } from './plan.js';
import type { RuleKind, VerifyReport } from './types.js';

/** Salted hashes of some original values of one masked column. */
export interface Sample {
  table: string;
  column: string;
  rule: RuleKind;
  hashes: string[];
}

const SAMPLE_SIZE = 1000;
/** Rules whose every output differs from its input: their column is compared with a sample of originals. */
const SAMPLED: ReadonlySet<RuleKind> = new Set(['hash', 'fakeEmail', 'fakeName', 'fakePhone', 'partial']);

const hashOf = (d: Dialect, salt: string, c: MaskedColumn) =>
  d.sha256Hex(d.lit(salt), d.text(d.id(c.column.name)));

/**
 * Before masking: salted hashes of up to 1,000 distinct original values per
 * sampled column, leaving out values that the rule maps to themselves.
 */
export async function takeSamples(
  t: Target,
  plan: { d: Dialect; tables: TablePlan[] },
  salt: string,
): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const table of plan.tables)
    for (const c of table.columns) {
      if (!SAMPLED.has(c.rule.rule)) continue;
      const v = plan.d.id(c.column.name);
      const rows = await t.query<{ h: string }>(
        `SELECT DISTINCT h FROM (SELECT ${hashOf(plan.d, salt, c)} AS h FROM ${table.ref} WHERE ${v} IS NOT NULL AND ${plan.d.distinct(c.expr, v)} LIMIT ${SAMPLE_SIZE * 5}) s LIMIT ${SAMPLE_SIZE}`,
      );
      out.push({
        table: table.table.name,
        column: c.column.name,
        rule: c.rule.rule,
        hashes: rows.map((r) => r.h),
      });
    }
  return out;
}

async function count(t: Target, sql: string): Promise<number> {
  const [row] = await t.query<{ n: string | number }>(sql);
  return Number(row?.n ?? 0);
}

async function checkColumn(
  t: Target,
  d: Dialect,
  table: TablePlan,
  c: MaskedColumn,
  salt: string,
  samples: Sample[],
) {
  const v = d.id(c.column.name);
  const base = { table: table.table.name, column: c.column.name, rule: c.rule.rule };
  if (c.rule.rule === 'null')
    return {
      ...base,
      checked: table.table.rows,
      stillOriginal: await count(t, `SELECT count(*) AS n FROM ${table.ref} WHERE ${v} IS NOT NULL`),
    };
  if (c.rule.rule === 'constant') {
    const lit = constantLiteral(d, c.rule.value);
    return {
      ...base,
      checked: table.table.rows,
      stillOriginal: await count(t, `SELECT count(*) AS n FROM ${table.ref} WHERE ${d.distinct(v, lit)}`),
    };
  }
  if (c.rule.rule === 'noise')
    return {
      ...base,
      checked: 0,
      stillOriginal: 0,
      note: 'not scanned: noise moves every value by a non-zero offset',
    };
  const hashes = samples.find((s) => s.table === base.table && s.column === base.column)?.hashes ?? [];
  if (hashes.length === 0)
    return { ...base, checked: 0, stillOriginal: 0, note: 'no original value to compare with' };
  const list = hashes.map((h) => d.lit(h)).join(', ');
  const still = await count(
    t,
    `SELECT count(*) AS n FROM ${table.ref} WHERE ${hashOf(d, salt, c)} IN (${list})`,
  );
  return { ...base, checked: hashes.length, stillOriginal: still };
}

/**
 * After masking: counts, per masked column, the rows that still look
 * original (a sampled original value, a non-NULL value under `null`, another
 * value than the constant) and fails with `Dbplane.SanitizeVerificationFailed`
 * naming each such column and its count.
 */
export async function verifyMasking(
  t: Target,
  plan: { d: Dialect; tables: TablePlan[] },
  salt: string,
  samples: Sample[],
): Promise<VerifyReport> {
  const columns: VerifyReport['columns'] = [];
  for (const table of plan.tables)
    for (const c of table.columns) columns.push(await checkColumn(t, plan.d, table, c, salt, samples));
  const bad = columns.filter((c) => c.stillOriginal > 0);
  if (bad.length > 0)
    throw new DbplaneError(
      'Dbplane.SanitizeVerificationFailed',
      `values still look like the originals: ${bad.map((b) => `${b.table}.${b.column} (${b.rule}): ${b.stillOriginal} rows`).join('; ')}`,
      { details: { columns: bad } },
    );
  return { columns };
}
