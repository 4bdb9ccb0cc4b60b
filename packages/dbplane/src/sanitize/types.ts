import type { EngineName } from '../engines/admin/index.js';

/**
 * Sanitizing: masking personal data in a copy of a database before it goes
 * to QA.
 *
 * Glossary:
 * - rules document: `{ tables: { <table>: { columns: { <column>: rule } } }, sql?: [...] }`,
 *   JSON or YAML; a table is `name` (PostgreSQL: in schema `public`) or `schema.name`.
 * - rule: how one column is masked (`null`, `constant`, `hash`, `fakeEmail`,
 *   `fakeName`, `fakePhone`, `noise`, `partial`); a bare string names a rule
 *   without options.
 * - salt: the account's secret `dbplane/sanitize/salt` (made on first use);
 *   deterministic rules hash `salt || value`, so the same input maps to the
 *   same output in every table and joins still match.
 * - free SQL: statements run after the column rules, in the same transaction.
 * - problem: one thing wrong with the rules against the restored schema, with
 *   a JSON pointer into the rules document (`/tables/users/columns/email`).
 * - sample: salted hashes of up to 1,000 original values per masked column,
 *   taken before masking; verification counts rows that still carry one.
 * - run: one execution of `dbplane-sanitized-snapshot`.
 */
export const RuleKinds = [
  'null',
  'constant',
  'hash',
  'fakeEmail',
  'fakeName',
  'fakePhone',
  'noise',
  'partial',
] as const;
export type RuleKind = (typeof RuleKinds)[number];

export type Rule =
  | { rule: 'null' }
  | { rule: 'constant'; value: string | number | boolean }
  | { rule: 'hash' }
  | { rule: 'fakeEmail'; domain?: string }
  | { rule: 'fakeName' }
  | { rule: 'fakePhone' }
  | { rule: 'noise'; amount?: number; days?: number; deterministic?: boolean }
  | { rule: 'partial'; keepFirst?: number; keepLast?: number; maskChar?: string };

export interface RulesDocument {
  tables: Record<string, { columns: Record<string, Rule | RuleKind> }>;
  sql?: string[];
}

/** What a rule may be applied to. */
export type ColumnKind = 'text' | 'integer' | 'number' | 'date' | 'timestamp' | 'uuid' | 'other';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** The engine's own type name (`character varying`, `bigint`, ...). */
  type: string;
  /** Characters, for text columns with a limit. */
  maxLength: number | null;
  /** Bits of an integer column. */
  bits: number | null;
  nullable: boolean;
  /** Alone a primary key or UNIQUE. */
  unique: boolean;
}

export interface ForeignKey {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  /** As rules name it: `name` (PostgreSQL's `public`) or `schema.name`. */
  name: string;
  schema: string;
  table: string;
  columns: ColumnInfo[];
  rows: number;
}

export interface SchemaInfo {
  engine: EngineName;
  tables: TableInfo[];
  foreignKeys: ForeignKey[];
}

/** One problem of a rules document; warnings do not stop a run. */
export interface RuleProblem {
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** What masking a database did, and what verification found. */
export interface MaskReport {
  tables: { table: string; rows: number; columns: string[] }[];
  statements: number;
  /** The task was delivered again after its masking committed (PostgreSQL): nothing was done twice. */
  alreadyMasked?: boolean;
}

export interface VerifyReport {
  columns: {
    table: string;
    column: string;
    rule: RuleKind;
    checked: number;
    stillOriginal: number;
    note?: string;
  }[];
}

export const SANITIZE_MACHINE = 'dbplane-sanitized-snapshot';
/** Tag on every temporary resource of a run: the run's execution ARN. */
export const EXECUTION_TAG = 'dbplane:execution';
/** Tag on the snapshot a run made: the run's execution ARN. */
export const SANITIZED_BY_TAG = 'dbplane:sanitized-by';
export const SALT_SECRET = 'dbplane/sanitize/salt';
