import type { Db } from '../store/db.js';
import type { Change } from './plan-types.js';
import type { BootstrapSpec, SpecProblem } from './types.js';

/** The bootstrap domain's SQL: specs per instance and the last result of each kind. */

export interface SpecRow {
  id: string;
  account_id: string;
  instance: string;
  spec: BootstrapSpec;
  spec_hash: string;
  version: number;
  trigger_functions: string[];
  created_at: Date;
  updated_at: Date;
}

export type ResultKind = 'plan' | 'apply' | 'drift';
export type ResultStatus = 'converged' | 'changes' | 'applied' | 'failed';

export interface ResultRow {
  spec_id: string;
  kind: ResultKind;
  status: ResultStatus;
  spec_version: number;
  changes: Change[];
  problems: SpecProblem[];
  error: string | null;
  execution_arn: string | null;
  at: Date;
}

type Ref = Readonly<{ accountId: string; instance: string }>;

/** Inserts or replaces the spec of an instance; the version goes up only when the hash changes. */
export async function upsertSpec(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    instance: string;
    spec: BootstrapSpec;
    specHash: string;
    triggerFunctions: string[];
  }>,
): Promise<SpecRow> {
  const r = await db.query<SpecRow>(
    `INSERT INTO bootstrap_specs (id, account_id, instance, spec, spec_hash, trigger_functions)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (account_id, instance) DO UPDATE SET
       spec = EXCLUDED.spec, spec_hash = EXCLUDED.spec_hash, trigger_functions = EXCLUDED.trigger_functions,
       version = bootstrap_specs.version
         + CASE WHEN bootstrap_specs.spec_hash = EXCLUDED.spec_hash THEN 0 ELSE 1 END,
       updated_at = CASE WHEN bootstrap_specs.spec_hash = EXCLUDED.spec_hash
         THEN bootstrap_specs.updated_at ELSE now() END
     RETURNING *`,
    [p.id, p.accountId, p.instance, JSON.stringify(p.spec), p.specHash, p.triggerFunctions],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('upsert of a bootstrap spec returned no row');
  return row;
}

export async function findSpec(db: Db, p: Ref): Promise<SpecRow | undefined> {
  const r = await db.query<SpecRow>('SELECT * FROM bootstrap_specs WHERE account_id = $1 AND instance = $2', [
    p.accountId,
    p.instance,
  ]);
  return r.rows[0];
}

/** The instances of the account that have a spec, in name order. */
export async function specInstances(
  db: Db,
  p: Readonly<{ accountId: string; triggerFunction?: string }>,
): Promise<string[]> {
  const r = await db.query<{ instance: string }>(
    `SELECT instance FROM bootstrap_specs WHERE account_id = $1
       AND ($2::text IS NULL OR trigger_functions @> ARRAY[$2::text]) ORDER BY instance`,
    [p.accountId, p.triggerFunction ?? null],
  );
  return r.rows.map((x) => x.instance);
}

/** Records the last result of a kind for a spec (replacing the previous one). */
export async function putResult(
  db: Db,
  p: Readonly<{
    specId: string;
    kind: ResultKind;
    status: ResultStatus;
    specVersion: number;
    changes: Change[];
    problems: SpecProblem[];
    error?: string | null;
    executionArn?: string | null;
  }>,
): Promise<ResultRow> {
  const r = await db.query<ResultRow>(
    `INSERT INTO bootstrap_results (spec_id, kind, status, spec_version, changes, problems, error, execution_arn, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (spec_id, kind) DO UPDATE SET status = EXCLUDED.status, spec_version = EXCLUDED.spec_version,
       changes = EXCLUDED.changes, problems = EXCLUDED.problems, error = EXCLUDED.error,
       execution_arn = EXCLUDED.execution_arn, at = EXCLUDED.at
     RETURNING *`,
    [
      p.specId,
      p.kind,
      p.status,
      p.specVersion,
      JSON.stringify(p.changes),
      JSON.stringify(p.problems),
      p.error ?? null,
      p.executionArn ?? null,
    ],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('insert of a bootstrap result returned no row');
  return row;
}

export async function findResult(
  db: Db,
  p: Readonly<{ specId: string; kind: ResultKind }>,
): Promise<ResultRow | undefined> {
  const r = await db.query<ResultRow>('SELECT * FROM bootstrap_results WHERE spec_id = $1 AND kind = $2', [
    p.specId,
    p.kind,
  ]);
  return r.rows[0];
}
