import type { EventsService } from '../bus/events-service.js';
import { DbplaneError } from '../errors/index.js';
import { asOutcome } from '../executions/outcome.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { ExecutionsService } from '../executions/service.js';
import type { Instance } from '../instances/types.js';
import { type Pool, withTransaction } from '../store/db.js';
import type { Change, SpecProblem } from './index.js';
import type { BootstrapRunner } from './runner.js';
import { BOOTSTRAP_MACHINE, DRIFT_DETAIL_TYPE } from './service-types.js';
import * as sql from './sql.js';

interface Deps {
  pool: Pool;
  runner: BootstrapRunner;
  executions: ExecutionsService;
  events: EventsService;
}

type Input = { instance: string; executionArn?: string };
const PREFIX = 'arn:dbplane:states:::bootstrap';
/** How many changes a task output (the execution history) shows; the stored result keeps them all. */
const SHOWN = 100;

/** Changes as a task output shows them: passwords are already `'***'`; long plans are cut. */
const summary = (changes: Change[], problems: SpecProblem[]) => ({
  count: changes.length,
  changes: changes.slice(0, SHOWN),
  ...(changes.length > SHOWN ? { truncated: true } : {}),
  problems,
});

const specProblems = (problems: SpecProblem[]) =>
  new DbplaneError(
    'Dbplane.SpecProblems',
    `the spec cannot be applied to this server: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`.slice(
      0,
      2000,
    ),
  );

/**
 * A server error whose message quotes the statement (MySQL's "near '...'")
 * could quote a password: the quote is cut before the message reaches the
 * execution history.
 */
function scrubbed(err: unknown): never {
  if (err instanceof Error) {
    const at = err.message.indexOf(" near '");
    if (at >= 0) err.message = `${err.message.slice(0, at)} (statement not shown)`;
    delete (err as { sql?: unknown }).sql;
  }
  throw err;
}

const loadSpec = async (deps: Deps, accountId: string, instance: string) => {
  const { row } = await deps.runner.load({ accountId, instance });
  if (row === undefined)
    throw new DbplaneError('Dbplane.NoSpec', `instance "${instance}" has no bootstrap spec`);
  return row;
};

/**
 * The Task resources of bootstrap (`arn:dbplane:states:::bootstrap:*`):
 * `validateTarget`, `plan`, `apply`, `verify`, `recordFailure`,
 * `checkDrift` and `startForFunction`. Each is idempotent (an apply of a
 * converged instance changes nothing); errors reach Retry and Catch as
 * `Dbplane.*` names, connection failures as `Dbplane.Transient`.
 */
export function registerBootstrapIntegrations(registry: TaskRegistry, deps: Deps): void {
  const on = (action: string, body: (accountId: string, input: Input) => Promise<unknown>) =>
    registry.register(`${PREFIX}:${action}`, (t) =>
      asOutcome(() => body(t.accountId, t.input as Input).catch(scrubbed)),
    );

  on('validateTarget', async (accountId, p) => {
    const { row, instance } = await deps.runner.load({ accountId, instance: p.instance });
    if (row !== undefined && instance.status !== 'available')
      throw new DbplaneError(
        'Dbplane.InstanceNotReady',
        `instance "${instance.name}" is ${instance.status}`,
        {
          retryable: true,
        },
      );
    return {
      instance: instance.name,
      engine: instance.engine,
      hasSpec: row !== undefined,
      specVersion: row?.version ?? null,
    };
  });
  on('plan', async (accountId, p) => {
    const row = await loadSpec(deps, accountId, p.instance);
    const plan = await deps.runner.plan({ accountId, instance: p.instance }, row.spec);
    await record(deps, row, 'plan', plan.changes, plan.problems, p.executionArn);
    if (plan.problems.length > 0) throw specProblems(plan.problems);
    return { specVersion: row.version, ...summary(plan.changes, []) };
  });
  on('apply', async (accountId, p) => {
    const row = await loadSpec(deps, accountId, p.instance);
    const applied = await deps.runner.apply({ accountId, instance: p.instance }, row.spec);
    if (applied.problems.length > 0) throw specProblems(applied.problems);
    await sql.putResult(deps.pool, {
      specId: row.id,
      kind: 'apply',
      status: 'applied',
      specVersion: row.version,
      changes: applied.changes,
      problems: [],
      executionArn: p.executionArn ?? null,
    });
    return { specVersion: row.version, ...summary(applied.changes, []) };
  });
  on('verify', async (accountId, p) => {
    const row = await loadSpec(deps, accountId, p.instance);
    const plan = await deps.runner.plan({ accountId, instance: p.instance }, row.spec);
    await record(deps, row, 'drift', plan.changes, plan.problems, p.executionArn);
    if (plan.changes.length > 0)
      throw new DbplaneError(
        'Dbplane.NotConverged',
        `${plan.changes.length} change(s) remain after the apply, first: ${plan.changes[0]?.action} ${plan.changes[0]?.object}`,
      );
    return { converged: true, specVersion: row.version };
  });
  on('recordFailure', async (accountId, p) => {
    const f = p as Input & { error?: string; cause?: string };
    const { row } = await deps.runner
      .load({ accountId, instance: p.instance })
      .catch(() => ({ row: undefined }));
    if (row === undefined) return { recorded: false };
    await sql.putResult(deps.pool, {
      specId: row.id,
      kind: 'apply',
      status: 'failed',
      specVersion: row.version,
      changes: [],
      problems: [],
      error: `${f.error ?? 'Error'}: ${f.cause ?? ''}`.slice(0, 2000),
      executionArn: p.executionArn ?? null,
    });
    return { recorded: true };
  });
  on('checkDrift', async (accountId, p) => {
    const given = (p as unknown as { input?: { instance?: string } }).input?.instance;
    const instances = given === undefined ? await sql.specInstances(deps.pool, { accountId }) : [given];
    const checked = [];
    for (const instance of instances)
      checked.push(await checkDrift(deps, accountId, instance, p.executionArn));
    return { checked };
  });
  on('startForFunction', async (accountId, p) => {
    const fn = (p as unknown as { function: string }).function;
    return withTransaction(deps.pool, async (tx) => {
      const started = [];
      for (const instance of await sql.specInstances(tx, { accountId, triggerFunction: fn })) {
        const s = await deps.executions.start(tx, {
          accountId,
          stateMachine: BOOTSTRAP_MACHINE,
          input: { instance },
        });
        started.push({ instance, executionArn: s.executionArn });
      }
      return { function: fn, started };
    });
  });
}

async function record(
  deps: Deps,
  row: sql.SpecRow,
  kind: sql.ResultKind,
  changes: Change[],
  problems: SpecProblem[],
  executionArn: string | undefined,
) {
  await sql.putResult(deps.pool, {
    specId: row.id,
    kind,
    status: changes.length === 0 && problems.length === 0 ? 'converged' : 'changes',
    specVersion: row.version,
    changes,
    problems,
    executionArn: executionArn ?? null,
  });
}

/** Plans one spec, records the drift check and publishes a drift event when the plan is not empty. */
async function checkDrift(deps: Deps, accountId: string, instanceName: string, executionArn?: string) {
  let instance: Instance;
  let row: sql.SpecRow | undefined;
  try {
    ({ row, instance } = await deps.runner.load({ accountId, instance: instanceName }));
  } catch (err) {
    return { instance: instanceName, status: 'failed', error: (err as Error).message };
  }
  if (row === undefined) return { instance: instanceName, status: 'no spec' };
  const spec = row;
  try {
    const plan = await deps.runner.plan({ accountId, instance: instanceName }, spec.spec);
    const drifted = plan.changes.length > 0;
    await withTransaction(deps.pool, async (tx) => {
      await sql.putResult(tx, {
        specId: spec.id,
        kind: 'drift',
        status: drifted || plan.problems.length > 0 ? 'changes' : 'converged',
        specVersion: spec.version,
        changes: plan.changes,
        problems: plan.problems,
        executionArn: executionArn ?? null,
      });
      if (drifted) await publishDrift(deps, tx, accountId, instance, spec.version, plan.changes);
    });
    return {
      instance: instanceName,
      status: drifted ? 'drifted' : 'converged',
      changes: plan.changes.length,
    };
  } catch (err) {
    const error = (err as Error).message.slice(0, 2000);
    await sql.putResult(deps.pool, {
      specId: spec.id,
      kind: 'drift',
      status: 'failed',
      specVersion: spec.version,
      changes: [],
      problems: [],
      error,
      executionArn: executionArn ?? null,
    });
    return { instance: instanceName, status: 'failed', error };
  }
}

async function publishDrift(
  deps: Deps,
  tx: Parameters<EventsService['publish']>[0],
  accountId: string,
  instance: Instance,
  specVersion: number,
  changes: Change[],
) {
  await deps.events.publish(tx, {
    accountId,
    busName: 'default',
    envelope: {
      version: '0',
      'detail-type': DRIFT_DETAIL_TYPE,
      source: 'dbplane.bootstrap',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      resources: [instance.arn],
      detail: {
        instance: instance.name,
        specVersion,
        count: changes.length,
        changes: changes.slice(0, SHOWN).map((c) => ({ action: c.action, object: c.object })),
      },
    },
  });
}
