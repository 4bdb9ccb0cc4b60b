import { createHash, randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import { ConflictError, DbplaneError, ErrorCode, NotFoundError, ValidationError } from '../errors/index.js';
import { canonicalJson } from '../json.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { StateMachinesService } from '../states/service.js';
import type { ResolvedMachine } from '../states/types.js';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import { applyStep, EXEC_CHANNEL, type StepObserver } from './apply.js';
import type { DefinitionCache } from './definitions.js';
import type { Engine, EngineInput, HistoryEvent, StartContext } from './engine-types.js';
import { notExpress, runExpress } from './express.js';
import { stripData } from './logs.js';
import type { TaskRegistry } from './registry.js';
import * as sql from './sql.js';
import { type Execution, MAX_PAYLOAD_BYTES, type StartedExecution } from './types.js';

type Ref = Readonly<{ accountId: string; stateMachine: string }>;

export interface ExecutionsDeps<M> {
  pool: Pool;
  region: string;
  machines: StateMachinesService;
  engine: Engine<M>;
  definitions: DefinitionCache<M>;
  clock?: () => number;
  observer?: StepObserver;
  registry: TaskRegistry;
}

/**
 * Starting, reading, stopping and redriving executions, and completing their
 * tasks by token. The first engine step runs inside StartExecution's
 * transaction, so the first task is queued by the time the call answers.
 */
export function createExecutionsService<M>(deps: ExecutionsDeps<M>) {
  const clock = deps.clock ?? Date.now;
  const { pool, region } = deps;

  const executionArn = (accountId: string, machine: string, name: string) =>
    buildArn({ service: 'states', region, accountId, resource: `execution:${machine}:${name}` });

  const load = async (db: Db, arn: string, accountId: string, lock?: 'update') => {
    const row = await sql.findExecution(db, arn, lock);
    if (row === undefined || row.account_id !== accountId) throw new NotFoundError('execution', arn);
    return row;
  };

  const arnFor = async (ref: Ref & { execution: string }) => {
    if (ref.execution.startsWith('arn:')) return ref.execution;
    const machine = await deps.machines.describe({ accountId: ref.accountId, name: ref.stateMachine });
    return executionArn(ref.accountId, machine.name, ref.execution);
  };

  const deliver = async (tx: Db, arn: string, input: EngineInput) => {
    await sql.enqueueInput(tx, { arn, input });
    await sql.notify(tx, EXEC_CHANNEL, arn);
  };

  return {
    executionArn,

    async start(
      tx: Db,
      p: Ref & { name?: string | undefined; input?: unknown },
    ): Promise<StartedExecution & { existing: boolean }> {
      const input = p.input === undefined ? {} : p.input;
      checkSize(input, '/input');
      const machine = await deps.machines.resolve(tx, { accountId: p.accountId, name: p.stateMachine });
      if (machine.type === 'EXPRESS') return startExpressInBackground(machine, p, input);
      const name = p.name ?? randomUUID();
      const arn = executionArn(p.accountId, machine.name, name);
      const inputHash = createHash('sha256').update(canonicalJson(input)).digest('hex');
      const row = await sql.insertExecution(tx, {
        arn,
        accountId: p.accountId,
        machineId: machine.machineId,
        stateMachineArn: machine.stateMachineArn,
        revision: machine.revision,
        version: machine.version ?? null,
        alias: machine.alias ?? null,
        name,
        input,
        inputHash,
        logging: machine.logging,
      });
      if (row === undefined) return existing(tx, machine.stateMachineArn, name, inputHash);
      const compiled = await deps.definitions.get(tx, machine.machineId, machine.revision);
      const now = clock();
      const context = {
        executionArn: arn,
        executionName: name,
        startTime: now,
        stateMachineArn: machine.stateMachineArn,
        stateMachineName: machine.name,
        roleArn: machine.roleArn,
        redriveCount: 0,
      };
      deps.observer?.onInput?.(arn, { now, start: { input, context } });
      const result = await deps.engine.start(compiled, input, context, now);
      await deps.observer?.onStatus?.(tx, { executionArn: arn, status: 'RUNNING', row });
      await applyStep(tx, { ...target(row), current: row }, result, deps.observer);
      return { executionArn: arn, name, startDate: row.start_date.toISOString(), existing: false };
    },

    /** An execution by ARN inside `db`'s transaction, with its account (for status-change events). */
    async byArn(db: Db, arn: string, known?: sql.ExecutionRow): Promise<Execution & { accountId: string }> {
      const row = known ?? (await sql.findExecution(db, arn));
      if (row === undefined) throw new NotFoundError('execution', arn);
      return { ...toExecution(row), accountId: row.account_id };
    },

    async describe(p: Ref & { execution: string }): Promise<Execution> {
      return toExecution(await load(pool, await arnFor(p), p.accountId));
    },

    async list(p: Ref & { status?: string | undefined; limit: number; nextToken?: string | undefined }) {
      const machine = await deps.machines.describe({ accountId: p.accountId, name: p.stateMachine });
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listExecutions(pool, {
        stateMachineArn: machine.arn,
        status: p.status,
        limit: p.limit,
        before: token === undefined ? undefined : { startUs: String(token.s), arn: String(token.a) },
      });
      const { page, more } = takePage(rows, p.limit);
      const result: { executions: Execution[]; nextToken?: string } = { executions: page.map(toExecution) };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ s: last.start_us, a: last.arn });
      return result;
    },

    async history(
      p: Ref & {
        execution: string;
        limit: number;
        nextToken?: string | undefined;
        reverse: boolean;
        includeExecutionData: boolean;
      },
    ): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
      const row = await load(pool, await arnFor(p), p.accountId);
      const token = decodePageToken(p.nextToken);
      const afterId = token === undefined ? (p.reverse ? row.last_event_id + 1 : 0) : Number(token.id);
      const events = await sql.listEvents(pool, {
        arn: row.arn,
        afterId,
        limit: p.limit,
        reverse: p.reverse,
      });
      const { page, more } = takePage(events, p.limit);
      const result: { events: HistoryEvent[]; nextToken?: string } = {
        events: p.includeExecutionData ? page : page.map(stripData),
      };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ id: last.id });
      return result;
    },

    async stop(
      tx: Db,
      p: Ref & { execution: string; error?: string | undefined; cause?: string | undefined },
    ): Promise<{ stopDate: string }> {
      const row = await load(tx, await arnFor(p), p.accountId, 'update');
      if (row.status !== 'RUNNING') {
        throw new DbplaneError(
          ErrorCode.ExecutionNotRunning,
          `execution ${row.arn} is ${row.status}, not RUNNING`,
          { details: { status: row.status } },
        );
      }
      const compiled = await deps.definitions.get(tx, row.machine_id, row.revision);
      const stop = { type: 'stop' as const, error: p.error ?? null, cause: p.cause ?? null };
      const now = clock();
      deps.observer?.onInput?.(row.arn, { now, input: stop });
      const result = await deps.engine.step(compiled, row.engine_state, stop, now);
      await applyStep(tx, { ...target(row), current: row }, result, deps.observer);
      return { stopDate: new Date(clock()).toISOString() };
    },

    async redrive(tx: Db, p: Ref & { execution: string }): Promise<{ redriveDate: string }> {
      const row = await load(tx, await arnFor(p), p.accountId, 'update');
      if (row.status === 'RUNNING' || row.status === 'SUCCEEDED') {
        throw new DbplaneError(
          ErrorCode.ExecutionNotRedrivable,
          `execution ${row.arn} is ${row.status}; only a failed, timed out or aborted execution can be redriven`,
        );
      }
      const compiled = await deps.definitions.get(tx, row.machine_id, row.revision);
      const result = await deps.engine.redrive(compiled, row.engine_state, clock());
      if (result === undefined)
        throw new DbplaneError(ErrorCode.ExecutionNotRedrivable, `execution ${row.arn} cannot be redriven`);
      await sql.reopenForRedrive(tx, {
        arn: row.arn,
        engineState: row.engine_state,
        lastEventId: row.last_event_id,
      });
      await deps.observer?.onStatus?.(tx, { executionArn: row.arn, status: 'RUNNING' });
      await applyStep(tx, target(row), result, deps.observer);
      return { redriveDate: new Date(clock()).toISOString() };
    },

    /** StartSyncExecution: runs an EXPRESS machine in memory and answers with its result. */
    async startSync(p: Ref & { name?: string | undefined; input?: unknown }) {
      const input = p.input === undefined ? {} : p.input;
      checkSize(input, '/input');
      const machine = await deps.machines.resolve(pool, { accountId: p.accountId, name: p.stateMachine });
      if (machine.type !== 'EXPRESS') throw notExpress(machine.name);
      const name = p.name ?? randomUUID();
      const context = expressContext(machine, p.accountId, name);
      const compiled = await deps.definitions.get(pool, machine.machineId, machine.revision);
      const result = await runExpress({
        engine: deps.engine,
        machine: compiled,
        registry: deps.registry,
        input,
        context,
        accountId: p.accountId,
      });
      const { history: _history, ...rest } = result;
      return {
        executionArn: context.executionArn,
        stateMachineArn: machine.stateMachineArn,
        name,
        startDate: new Date(context.startTime).toISOString(),
        stopDate: new Date(clock()).toISOString(),
        input,
        ...rest,
      };
    },

    /** SendTaskSuccess / SendTaskFailure: completes a callback or activity task by its token. */
    async completeTask(
      tx: Db,
      p: { accountId: string; taskToken: string } & ({ output: unknown } | { error: string; cause: string }),
    ): Promise<void> {
      const task = await sql.takeByTaskToken(tx, p.taskToken);
      if (task === undefined || task.account_id !== p.accountId) throw invalidToken();
      if ('output' in p) checkSize(p.output, '/output');
      const input: EngineInput =
        'output' in p
          ? { type: 'taskSucceeded', taskId: task.task_id, output: p.output }
          : { type: 'taskFailed', taskId: task.task_id, error: p.error, cause: p.cause };
      await deliver(tx, task.execution_arn, input);
    },

    async heartbeat(p: { accountId: string; taskToken: string }): Promise<void> {
      await withTransaction(pool, async (tx) => {
        const task = await sql.findByTaskToken(tx, p.taskToken);
        if (task === undefined || task.account_id !== p.accountId) throw invalidToken();
        await sql.touchHeartbeat(tx, p.taskToken);
        await deliver(tx, task.execution_arn, { type: 'taskHeartbeat', taskId: task.task_id });
      });
    },

    /** The machine's execution logs (by its logging level), oldest first. */
    async logs(p: Ref & { limit: number; nextToken?: string | undefined; execution?: string | undefined }) {
      const machine = await deps.machines.describe({ accountId: p.accountId, name: p.stateMachine });
      const token = decodePageToken(p.nextToken);
      const r = await pool.query<{ seq: string; execution_arn: string; event: HistoryEvent }>(
        `SELECT seq, execution_arn, event FROM execution_logs WHERE state_machine_arn = $1 AND seq > $2
           AND ($3::text IS NULL OR execution_arn = $3) ORDER BY seq LIMIT $4`,
        [machine.arn, token === undefined ? 0 : Number(token.seq), p.execution ?? null, p.limit + 1],
      );
      const { page, more } = takePage(r.rows, p.limit);
      const result: { logs: { executionArn: string; event: HistoryEvent }[]; nextToken?: string } = {
        logs: page.map((row) => ({ executionArn: row.execution_arn, event: row.event })),
      };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ seq: last.seq });
      return result;
    },

    /** Waits until the execution is no longer RUNNING (tests, CLI `exec watch`). */
    async waitForEnd(p: Ref & { execution: string; timeoutMs: number }): Promise<Execution> {
      const deadline = Date.now() + p.timeoutMs;
      for (;;) {
        const e = await this.describe(p);
        if (e.status !== 'RUNNING' || Date.now() > deadline) return e;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };

  function expressContext(machine: ResolvedMachine, accountId: string, name: string): StartContext {
    return {
      executionArn: buildArn({
        service: 'states',
        region,
        accountId,
        resource: `express:${machine.name}:${name}:${randomUUID()}`,
      }),
      executionName: name,
      startTime: clock(),
      stateMachineArn: machine.stateMachineArn,
      stateMachineName: machine.name,
      roleArn: machine.roleArn,
      redriveCount: 0,
    };
  }

  /** StartExecution on an EXPRESS machine: runs in memory, at most once, nothing kept. */
  async function startExpressInBackground(
    machine: ResolvedMachine,
    p: Ref & { name?: string | undefined },
    input: unknown,
  ) {
    const name = p.name ?? randomUUID();
    const context = expressContext(machine, p.accountId, name);
    const compiled = await deps.definitions.get(pool, machine.machineId, machine.revision);
    void runExpress({
      engine: deps.engine,
      machine: compiled,
      registry: deps.registry,
      input,
      context,
      accountId: p.accountId,
    }).catch(() => {});
    return {
      executionArn: context.executionArn,
      name,
      startDate: new Date(context.startTime).toISOString(),
      existing: false,
    };
  }

  async function existing(tx: Db, stateMachineArn: string, name: string, inputHash: string) {
    const row = await sql.findByName(tx, { stateMachineArn, name });
    if (row === undefined) throw new ConflictError(`execution ${name} is being created concurrently; retry`);
    if (row.input_hash !== inputHash) {
      throw new ConflictError(`an execution named "${name}" already exists with a different input`, {
        executionArn: row.arn,
      });
    }
    return { executionArn: row.arn, name: row.name, startDate: row.start_date.toISOString(), existing: true };
  }
}

export type ExecutionsService = ReturnType<typeof createExecutionsService>;

function checkSize(value: unknown, path: string): void {
  const size = Buffer.byteLength(JSON.stringify(value) ?? '');
  if (size > MAX_PAYLOAD_BYTES) {
    throw new ValidationError([
      { path, message: `is ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES} (States.DataLimitExceeded)` },
    ]);
  }
}

function invalidToken(): DbplaneError {
  return new DbplaneError(
    ErrorCode.TaskDoesNotExist,
    'the task token is not valid or its task has already completed',
  );
}

/** Where a step of this execution is applied. */
export function target(row: sql.ExecutionRow) {
  return {
    arn: row.arn,
    accountId: row.account_id,
    lastEventId: row.last_event_id,
    stateMachineArn: row.state_machine_arn,
    logging: row.logging,
  };
}

function toExecution(row: sql.ExecutionRow): Execution {
  const e: Execution = {
    executionArn: row.arn,
    stateMachineArn: row.state_machine_arn,
    name: row.name,
    status: row.status,
    input: row.input,
    startDate: row.start_date.toISOString(),
    redriveCount: row.redrive_count,
  };
  if (row.output !== null) e.output = row.output;
  if (row.error !== null) e.error = row.error;
  if (row.cause !== null) e.cause = row.cause;
  if (row.stop_date !== null) e.stopDate = row.stop_date.toISOString();
  if (row.version !== null) e.stateMachineVersion = row.version;
  if (row.alias !== null) e.stateMachineAlias = row.alias;
  if (row.redrive_date !== null) e.redriveDate = row.redrive_date.toISOString();
  return e;
}
