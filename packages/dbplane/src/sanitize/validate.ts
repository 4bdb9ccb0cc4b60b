import { DEFAULT_EMAIL_DOMAIN, fakeEmailLength, HASH_TEXT_CHARS, hashBits } from './expressions.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import { pointerToken, rulesOf } from './schemas.js';
import type {
  ColumnInfo,
  ColumnKind,
  Rule,
  RuleKind,
  RuleProblem,
  RulesDocument,
  SchemaInfo,
} from './types.js';

const ANY: ColumnKind[] = ['text', 'integer', 'number', 'date', 'timestamp', 'uuid', 'other'];
const APPLIES: Record<RuleKind, ColumnKind[]> = {
  null: ANY,
  constant: ANY,
  hash: ['text', 'integer', 'uuid'],
  fakeEmail: ['text'],
  fakeName: ['text'],
  fakePhone: ['text'],
  noise: ['integer', 'number', 'date', 'timestamp'],
  partial: ['text'],
};
/** Above this chance that two of a unique column's values collide, a rule is refused there. */
const MAX_COLLISION = 1e-6;

const error = (path: string, message: string): RuleProblem => ({ path, message, severity: 'error' });
const warning = (path: string, message: string): RuleProblem => ({ path, message, severity: 'warning' });

/** Bits of distinct outputs of a deterministic rule on `col`; undefined when unknown. */
function outputBits(rule: Rule, col: ColumnInfo): number | undefined {
  if (rule.rule === 'hash') {
    if (col.kind === 'integer') return hashBits(col.bits ?? 64);
    if (col.kind === 'uuid') return 128;
    return 4 * Math.min(HASH_TEXT_CHARS, col.maxLength ?? HASH_TEXT_CHARS);
  }
  if (rule.rule === 'fakeEmail') return 64;
  if (rule.rule === 'fakeName') return Math.log2(FIRST_NAMES.length * LAST_NAMES.length);
  return undefined;
}

/** The birthday bound: the chance that two of `n` values collide in a space of 2^bits. */
export const collisionChance = (n: number, bits: number) => Math.min(1, (n * (n - 1)) / 2 / 2 ** bits);

function uniqueProblems(rule: Rule, col: ColumnInfo, rows: number, path: string): RuleProblem[] {
  if (!col.unique || rule.rule === 'null') return [];
  if (rule.rule === 'constant' || rule.rule === 'partial' || rule.rule === 'noise')
    return [
      error(
        path,
        `"${col.name}" is a primary key or UNIQUE: rule ${rule.rule} can give two rows the same value`,
      ),
    ];
  if (rule.rule === 'fakePhone')
    return [
      warning(
        path,
        `"${col.name}" is UNIQUE: fake phone numbers keep the digit count, so short numbers can collide`,
      ),
    ];
  const bits = outputBits(rule, col);
  if (bits === undefined) return [];
  const p = collisionChance(Math.max(rows, 2), bits);
  if (p <= MAX_COLLISION) return [];
  return [
    error(
      path,
      `"${col.name}" is a primary key or UNIQUE: rule ${rule.rule} gives ${bits.toFixed(0)}-bit values here, ` +
        `so two of its ${rows} rows collide with probability ${p.toPrecision(2)}; use a wider column or another rule`,
    ),
  ];
}

function typeProblems(rule: Rule, col: ColumnInfo, path: string): RuleProblem[] {
  const kinds = APPLIES[rule.rule];
  if (!kinds.includes(col.kind))
    return [
      error(
        path,
        `rule ${rule.rule} does not apply to "${col.name}" of type ${col.type} (it applies to ${kinds.join(', ')} columns)`,
      ),
    ];
  const out: RuleProblem[] = [];
  if (rule.rule === 'null' && !col.nullable)
    out.push(error(path, `"${col.name}" is NOT NULL: rule null cannot apply`));
  if (rule.rule === 'constant') out.push(...constantProblems(rule.value, col, path));
  const len = col.maxLength;
  if (rule.rule === 'fakeEmail' && len !== null && len < fakeEmailLength(rule.domain ?? DEFAULT_EMAIL_DOMAIN))
    out.push(
      error(
        path,
        `"${col.name}" holds ${len} characters; a fake email needs ${fakeEmailLength(rule.domain ?? DEFAULT_EMAIL_DOMAIN)}`,
      ),
    );
  if (rule.rule === 'hash' && col.kind === 'text' && len !== null && len < 16)
    out.push(warning(path, `"${col.name}" holds ${len} characters: its hash keeps only ${len} hex digits`));
  if (rule.rule === 'noise') out.push(...noiseProblems(rule, col, path));
  return out;
}

function constantProblems(value: string | number | boolean, col: ColumnInfo, path: string): RuleProblem[] {
  const p = `${path}/value`;
  if ((col.kind === 'integer' || col.kind === 'number') && typeof value !== 'number')
    return [error(p, `"${col.name}" is ${col.type}: the constant must be a number`)];
  if (col.kind === 'integer' && !Number.isInteger(value))
    return [error(p, `"${col.name}" is ${col.type}: the constant must be an integer`)];
  if (['text', 'date', 'timestamp', 'uuid'].includes(col.kind) && typeof value !== 'string')
    return [error(p, `"${col.name}" is ${col.type}: the constant must be a string`)];
  if (typeof value === 'string' && col.maxLength !== null && [...value].length > col.maxLength)
    return [error(p, `"${col.name}" holds at most ${col.maxLength} characters`)];
  return [];
}

function noiseProblems(rule: Extract<Rule, { rule: 'noise' }>, col: ColumnInfo, path: string): RuleProblem[] {
  const dated = col.kind === 'date' || col.kind === 'timestamp';
  if (dated && rule.amount !== undefined)
    return [error(`${path}/amount`, `"${col.name}" is ${col.type}: give days, not amount`)];
  if (dated && rule.days === undefined) return [error(path, `noise on ${col.type} "${col.name}" needs days`)];
  if (!dated && rule.days !== undefined)
    return [error(`${path}/days`, `"${col.name}" is ${col.type}: give amount, not days`)];
  if (!dated && rule.amount === undefined)
    return [error(path, `noise on ${col.type} "${col.name}" needs amount`)];
  if (col.kind === 'integer' && (rule.amount ?? 0) < 1)
    return [error(`${path}/amount`, `"${col.name}" is ${col.type}: amount must be at least 1`)];
  return [];
}

const canonical = (r: Rule | undefined) =>
  r === undefined
    ? 'none'
    : JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))));

/** Every foreign key column and the key it references carry the same rule (a child may also be set NULL). */
function keyProblems(doc: RulesDocument, schema: SchemaInfo): RuleProblem[] {
  const rules = new Map<string, Rule>();
  for (const r of rulesOf(doc)) rules.set(`${r.table}\u0000${r.column}`, r.rule);
  const pathOf = (t: string, c: string) => `/tables/${pointerToken(t)}/columns/${pointerToken(c)}`;
  const out: RuleProblem[] = [];
  for (const fk of schema.foreignKeys)
    fk.columns.forEach((column, i) => {
      const refColumn = fk.refColumns[i] ?? '';
      const child = rules.get(`${fk.table}\u0000${column}`);
      const parent = rules.get(`${fk.refTable}\u0000${refColumn}`);
      if (canonical(child) === canonical(parent) || (child?.rule === 'null' && parent === undefined)) return;
      const at = parent === undefined ? pathOf(fk.refTable, refColumn) : pathOf(fk.table, column);
      out.push(
        error(
          at,
          `${fk.table}.${column} references ${fk.refTable}.${refColumn}: both need the same rule ` +
            `(${fk.refTable}.${refColumn} has ${canonical(parent)}, ${fk.table}.${column} has ${canonical(child)})`,
        ),
      );
    });
  return out;
}

/**
 * Every problem of a (well-shaped) rules document against a database's
 * schema, each with its JSON pointer: unknown tables and columns, rules that
 * do not fit a column's type, rules that can collide on a unique column,
 * and keys whose rule differs from their foreign keys'.
 *
 * @example
 * validateRules({ tables: { users: { columns: { id: 'partial' } } } }, schema)
 * // [{ path: '/tables/users/columns/id', severity: 'error', message: '... rule partial does not apply ...' }]
 */
export function validateRules(doc: RulesDocument, schema: SchemaInfo): RuleProblem[] {
  const tables = new Map(schema.tables.map((t) => [t.name, t]));
  const out: RuleProblem[] = [];
  for (const name of Object.keys(doc.tables))
    if (!tables.has(name))
      out.push(
        error(
          `/tables/${pointerToken(name)}`,
          `no table "${name}" in the database (it has ${[...tables.keys()].join(', ') || 'none'})`,
        ),
      );
  for (const r of rulesOf(doc)) {
    const table = tables.get(r.table);
    if (table === undefined) continue;
    const col = table.columns.find((c) => c.name === r.column);
    if (col === undefined) {
      out.push(error(r.path, `no column "${r.column}" in table "${r.table}"`));
      continue;
    }
    const typed = typeProblems(r.rule, col, r.path);
    out.push(
      ...typed,
      ...(typed.some((p) => p.severity === 'error') ? [] : uniqueProblems(r.rule, col, table.rows, r.path)),
    );
  }
  return [...out, ...keyProblems(doc, schema)];
}
