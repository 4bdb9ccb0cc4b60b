import { createHash, randomUUID } from 'node:crypto';
import type { BusService } from '../bus/service.js';
import { NotFoundError, ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import { canonicalJson } from '../json.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db, Pool } from '../store/db.js';
import { ensureBootstrapBuiltins } from './builtins.js';
import { type BootstrapPlan, type BootstrapSpec, parseSpecText, validateSpec } from './index.js';
import type { BootstrapRunner } from './runner.js';
import { BOOTSTRAP_MACHINE, type BootstrapResult, type StoredSpec } from './service-types.js';
import * as sql from './sql.js';

type Ref = Readonly<{ accountId: string; instance: string }>;

/** The spec's canonical hash: the same content in another key order or format is the same spec. */
export const specHash = (spec: BootstrapSpec) =>
  createHash('sha256').update(canonicalJson(spec)).digest('hex');

export function toStoredSpec(row: sql.SpecRow): StoredSpec {
  return {
    instance: row.instance,
    spec: row.spec,
    version: row.version,
    specHash: row.spec_hash,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toResult(instance: string, row: sql.ResultRow): BootstrapResult {
  return {
    instance,
    kind: row.kind,
    status: row.status,
    specVersion: row.spec_version,
    changes: row.changes,
    problems: row.problems,
    error: row.error,
    executionArn: row.execution_arn,
    at: row.at.toISOString(),
  };
}

/**
 * Bootstrap specs per instance: stored (validated, every problem with its
 * pointer), planned on demand, applied by the `dbplane-bootstrap` workflow
 * that rules start on the audit and instance events.
 *
 * @example
 * const stored = await bootstrap.put(tx, { accountId, instance: 'pg-main', body: yamlText });
 * const { changes } = await bootstrap.plan({ accountId, instance: 'pg-main' });
 */
export function createBootstrapService(deps: {
  pool: Pool;
  runner: BootstrapRunner;
  machines: StateMachinesService;
  bus: BusService;
  executions: ExecutionsService;
}) {
  const loadSpec = async (db: Db, ref: Ref) => {
    const row = await sql.findSpec(db, ref);
    if (row === undefined) throw new NotFoundError('bootstrap spec of instance', ref.instance);
    return row;
  };

  /** The spec of a request body (JSON value or YAML text) for the instance; every problem at once. */
  const specFor = async (ref: Ref, body: unknown): Promise<BootstrapSpec> => {
    const { instance } = await deps.runner.load(ref);
    const { spec, problems } = typeof body === 'string' ? parseSpecText(body) : validateSpec(body);
    if (spec === undefined) throw new ValidationError(problems);
    if ((spec.engine === 'postgres') !== (instance.engine === 'postgres'))
      throw new ValidationError([
        { path: '/engine', message: `instance "${instance.name}" runs ${instance.engine}` },
      ]);
    return spec;
  };

  return {
    /** PutBootstrapSpec: a JSON value or YAML/JSON text; nothing is stored when it is invalid. */
    async put(tx: Db, p: Ref & { body: unknown }): Promise<StoredSpec> {
      const spec = await specFor(p, p.body);
      await ensureBootstrapBuiltins(tx, deps, p.accountId);
      const row = await sql.upsertSpec(tx, {
        id: randomUUID(),
        accountId: p.accountId,
        instance: p.instance,
        spec,
        specHash: specHash(spec),
        triggerFunctions: spec.triggers?.functions ?? [],
      });
      return toStoredSpec(row);
    },

    async get(ref: Ref): Promise<StoredSpec> {
      return toStoredSpec(await loadSpec(deps.pool, ref));
    },

    /**
     * Plans against the instance now: the spec given (not stored: what
     * putting it would change), or the stored one (recorded as the last plan).
     */
    async plan(ref: Ref, body?: unknown): Promise<BootstrapPlan & { specVersion: number | null }> {
      if (body !== undefined) {
        const plan = await deps.runner.plan(ref, await specFor(ref, body));
        return { ...plan, specVersion: null };
      }
      const row = await loadSpec(deps.pool, ref);
      const plan = await deps.runner.plan(ref, row.spec);
      await sql.putResult(deps.pool, {
        specId: row.id,
        kind: 'plan',
        status: plan.changes.length === 0 && plan.problems.length === 0 ? 'converged' : 'changes',
        specVersion: row.version,
        changes: plan.changes,
        problems: plan.problems,
      });
      return { ...plan, specVersion: row.version };
    },

    /** Starts a `dbplane-bootstrap` execution for the instance (the API answers 202). */
    async startApply(tx: Db, ref: Ref): Promise<{ executionArn: string; startDate: string }> {
      await loadSpec(tx, ref);
      await ensureBootstrapBuiltins(tx, deps, ref.accountId);
      const started = await deps.executions.start(tx, {
        accountId: ref.accountId,
        stateMachine: BOOTSTRAP_MACHINE,
        input: { instance: ref.instance },
      });
      return { executionArn: started.executionArn, startDate: started.startDate };
    },

    /** The last result of a kind (`drift`: the last drift check). */
    async result(ref: Ref & { kind: sql.ResultKind }): Promise<BootstrapResult> {
      const row = await loadSpec(deps.pool, ref);
      const r = await sql.findResult(deps.pool, { specId: row.id, kind: ref.kind });
      if (r === undefined) throw new NotFoundError(`bootstrap ${ref.kind} result of instance`, ref.instance);
      return toResult(ref.instance, r);
    },
  };
}

export type BootstrapService = ReturnType<typeof createBootstrapService>;
