import { createHash } from 'node:crypto';
import type { DatabasesService } from '../databases/service.js';
import { DbplaneError } from '../errors/index.js';
import { asOutcome } from '../executions/outcome.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { ExecutionsService } from '../executions/service.js';
import type { SecretsService } from '../secrets/service.js';
import type { SnapshotsService } from '../snapshots/service.js';
import { type Pool, withTransaction } from '../store/db.js';
import { applyMasking, maskedBy } from './mask.js';
import { assertValid, problemsOf } from './operations.js';
import { planMasking } from './plan.js';
import { accountSalt } from './salt.js';
import { shapeProblems } from './schemas.js';
import * as sql from './sql.js';
import { type AdminUrl, onDatabase } from './target.js';
import { EXECUTION_TAG, type RulesDocument, SANITIZED_BY_TAG } from './types.js';
import { takeSamples, verifyMasking } from './verify.js';

export interface IntegrationDeps {
  pool: Pool;
  databases: DatabasesService;
  snapshots: SnapshotsService;
  secrets: SecretsService;
  executions: ExecutionsService;
  adminUrl: AdminUrl;
}

/** What a run is asked to do: the workflow's input (from `POST /v1/sanitize/runs`, a schedule or by hand). */
export interface RunInput {
  /** A fresh snapshot of `database`, its latest available one (`useLatestSnapshot`), or a given snapshot. */
  source: { database: string; useLatestSnapshot?: boolean } | { snapshot: string };
  rules: RulesDocument;
  snapshotName?: string;
  shareWith?: string[];
  copy?: { targetRegion: string; kmsKeyId?: string };
  /** Where the temporary database goes (default: the source's instance). */
  instance?: string;
}

type P = Record<string, unknown> & { executionArn: string };
const PREFIX = 'arn:dbplane:states:::sanitize';
const notReady = (what: string) => new DbplaneError('Dbplane.NotReady', what, { retryable: false });
/** 8 hex digits naming a run's resources, the same on every retry. */
export const runId = (executionArn: string) =>
  createHash('sha256').update(executionArn).digest('hex').slice(0, 8);

/**
 * The Task resources of sanitizing (`arn:dbplane:states:::sanitize:*`):
 * prepare, awaitSnapshot, restore, awaitDatabase, validate, mask, verify,
 * snapshot, share and cleanUp. Each is idempotent but `mask` (which the
 * workflow does not retry).
 */
export function registerSanitizeIntegrations(registry: TaskRegistry, deps: IntegrationDeps): void {
  const on = (name: string, fn: (accountId: string, p: P) => Promise<unknown>) =>
    registry.register(`${PREFIX}:${name}`, (t) => asOutcome(() => fn(t.accountId, t.input as P)));
  on('prepare', (a, p) => prepare(deps, a, p.input as RunInput, p.executionArn));
  on('awaitSnapshot', (a, p) => awaitSnapshot(deps, a, String(p.snapshot)));
  on('restore', (a, p) => restore(deps, a, p));
  on('awaitDatabase', (a, p) => awaitDatabase(deps, a, String(p.database)));
  on('validate', async (a, p) => {
    const rules = p.rules as RulesDocument;
    const problems = await onDatabase(deps, { accountId: a, database: String(p.database), rules }, (t, s) =>
      problemsOf(t, s, rules),
    );
    assertValid(problems);
    return { warnings: problems };
  });
  on('mask', (a, p) => mask(deps, a, p));
  on('verify', async (a, p) => {
    const rules = p.rules as RulesDocument;
    const salt = await accountSalt(deps, a);
    const samples = await sql.loadSamples(deps.pool, { accountId: a, executionArn: p.executionArn });
    return onDatabase(deps, { accountId: a, database: String(p.database), rules }, (t, s) =>
      verifyMasking(t, planMasking(rules, s, salt), salt, samples),
    );
  });
  on('snapshot', async (a, p) => {
    const r = await withTransaction(deps.pool, (tx) =>
      deps.snapshots.create(tx, {
        accountId: a,
        name: String(p.snapshot),
        database: String(p.database),
        tags: { [SANITIZED_BY_TAG]: p.executionArn },
      }),
    );
    return { name: r.snapshot.name, arn: r.snapshot.arn, status: r.snapshot.status };
  });
  on('share', async (a, p) => {
    const s = await withTransaction(deps.pool, (tx) =>
      deps.snapshots.share(tx, {
        accountId: a,
        name: String(p.snapshot),
        accountIds: p.accountIds as string[],
      }),
    );
    return { snapshot: s.name, sharedWith: s.sharedWith };
  });
  on('cleanUp', (a, p) => cleanUp(deps, a, p.executionArn));
}

async function prepare(deps: IntegrationDeps, accountId: string, input: RunInput, executionArn: string) {
  const problems = shapeProblems(input.rules).map((x) => ({
    ...x,
    path: `/rules${x.path === '/' ? '' : x.path}`,
  }));
  if (problems.length > 0)
    throw new DbplaneError(
      'Dbplane.SanitizeRulesInvalid',
      problems.map((x) => `${x.path}: ${x.message}`).join('; '),
    );
  const id = runId(executionArn);
  const tag = { [EXECUTION_TAG]: executionArn };
  let sourceSnapshot: string;
  let sourceDatabase: string;
  if ('database' in input.source && input.source.useLatestSnapshot === true) {
    sourceDatabase = input.source.database;
    sourceSnapshot = await latestSnapshot(deps, accountId, sourceDatabase);
  } else if ('database' in input.source) {
    sourceDatabase = input.source.database;
    sourceSnapshot = `sanitize-src-${id}`;
    const db = input.source.database;
    await withTransaction(deps.pool, (tx) =>
      deps.snapshots.create(tx, { accountId, name: sourceSnapshot, database: db, tags: tag }),
    );
  } else {
    const s = await deps.snapshots.describe({ accountId, ref: input.source.snapshot });
    sourceSnapshot = s.name;
    sourceDatabase = s.source.database ?? s.name;
  }
  return {
    sourceSnapshot,
    tempDatabase: `sanitize_tmp_${id}`,
    snapshotName: input.snapshotName ?? `sanitized-${sourceDatabase.replaceAll('_', '-').slice(0, 40)}-${id}`,
    shareWith: input.shareWith ?? [],
    copy: input.copy === undefined ? null : { kmsKeyId: null, ...input.copy },
    instance: input.instance ?? null,
  };
}

/** The newest available snapshot the account owns of `database`. */
async function latestSnapshot(deps: IntegrationDeps, accountId: string, database: string): Promise<string> {
  let best: { name: string; createdAt: string } | undefined;
  for await (const s of all((t) =>
    deps.snapshots.list({ accountId, limit: 100, nextToken: t }).then((r) => ({ ...r, items: r.snapshots })),
  ))
    if (s.ownerAccountId === accountId && s.source.database === database && s.status === 'available')
      if (best === undefined || s.createdAt > best.createdAt) best = s;
  if (best === undefined)
    throw new DbplaneError('Dbplane.SnapshotNotFound', `database "${database}" has no available snapshot`);
  return best.name;
}

/** Ready only when available; failed is fatal; anything else is not ready yet. */
async function awaitSnapshot(deps: IntegrationDeps, accountId: string, name: string) {
  const s = await deps.snapshots.describe({ accountId, ref: name });
  if (s.status === 'available') return { name: s.name, arn: s.arn, status: s.status, sizeBytes: s.sizeBytes };
  if (s.status === 'failed')
    throw new DbplaneError('Dbplane.SnapshotFailed', `snapshot "${name}" failed: ${s.statusReason ?? ''}`);
  throw notReady(`snapshot "${name}" is ${s.status} (${s.progress}%)`);
}

async function restore(deps: IntegrationDeps, accountId: string, p: P) {
  const r = await withTransaction(deps.pool, (tx) =>
    deps.snapshots.restore(tx, {
      accountId,
      ref: String(p.snapshot),
      databaseName: String(p.database),
      instance: typeof p.instance === 'string' ? p.instance : undefined,
      tags: { [EXECUTION_TAG]: p.executionArn },
    }),
  );
  return { database: String(p.database), executionArn: r.executionArn };
}

/** Ready once the database is available and its restore execution succeeded. */
async function awaitDatabase(deps: IntegrationDeps, accountId: string, name: string) {
  const db = await deps.databases.describe({ accountId, name });
  if (db.status === 'failed' || db.status === 'deleting')
    throw new DbplaneError(
      'Dbplane.RestoreFailed',
      `database "${name}" is ${db.status}: ${db.statusReason ?? ''}`,
    );
  if (db.status !== 'available' || db.executionArn === null)
    throw notReady(`database "${name}" is ${db.status}`);
  const e = await deps.executions.describe({ accountId, stateMachine: '', execution: db.executionArn });
  if (e.status === 'RUNNING') throw notReady(`database "${name}" is being loaded`);
  if (e.status !== 'SUCCEEDED')
    throw new DbplaneError(
      'Dbplane.RestoreFailed',
      `the restore of "${name}" ended ${e.status}: ${e.cause ?? ''}`,
    );
  return { database: name, status: 'available' };
}

async function mask(deps: IntegrationDeps, accountId: string, p: P) {
  const rules = p.rules as RulesDocument;
  const salt = await accountSalt(deps, accountId);
  return onDatabase(deps, { accountId, database: String(p.database), rules }, async (t, s) => {
    if (await maskedBy(t, p.executionArn)) return { tables: [], statements: 0, alreadyMasked: true };
    const plan = planMasking(rules, s, salt);
    const samples = await takeSamples(t, plan, salt);
    await sql.saveSamples(deps.pool, { accountId, executionArn: p.executionArn, samples });
    return applyMasking(t, plan, rules.sql ?? [], { database: String(p.database), by: p.executionArn });
  });
}

async function* all<T>(
  page: (token: string | undefined) => Promise<{ items: T[]; nextToken?: string | undefined }>,
) {
  let token: string | undefined;
  do {
    const r = await page(token);
    yield* r.items;
    token = r.nextToken;
  } while (token !== undefined);
}

/**
 * Finds the run's leftovers by their `dbplane:execution` tag: marks its
 * temporary databases deleting (answered for the workflow's Map to drop),
 * removes its temporary snapshots and samples. Not ready while one is still
 * being created.
 */
async function cleanUp(deps: IntegrationDeps, accountId: string, executionArn: string) {
  const databases: string[] = [];
  const snapshots: string[] = [];
  for await (const db of all((t) =>
    deps.databases.list({ accountId, limit: 100, nextToken: t }).then((r) => ({ ...r, items: r.databases })),
  )) {
    if (db.tags[EXECUTION_TAG] !== executionArn) continue;
    if (db.status === 'creating') throw notReady(`temporary database "${db.name}" is still being created`);
    await withTransaction(deps.pool, (tx) => deps.databases.remove(tx, { accountId, name: db.name }));
    databases.push(db.name);
  }
  for await (const s of all((t) =>
    deps.snapshots.list({ accountId, limit: 100, nextToken: t }).then((r) => ({ ...r, items: r.snapshots })),
  )) {
    if (s.ownerAccountId !== accountId || s.tags[EXECUTION_TAG] !== executionArn) continue;
    if (s.status === 'creating') throw notReady(`temporary snapshot "${s.name}" is still being created`);
    await withTransaction(deps.pool, (tx) => deps.snapshots.remove(tx, { accountId, name: s.name }));
    snapshots.push(s.name);
  }
  await sql.deleteSamples(deps.pool, { accountId, executionArn });
  return { databases, snapshots };
}
