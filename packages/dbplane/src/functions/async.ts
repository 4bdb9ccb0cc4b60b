import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { QueuesService } from '../queues/service.js';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import type { FunctionsService } from './service.js';

const CHANNEL = 'dbplane_fn_async';

interface AsyncRow {
  id: string;
  account_id: string;
  function_name: string;
  qualifier: string | null;
  payload: unknown;
  attempts: number;
}

/**
 * `Event` invocations: accepted durably (a row), run by a worker that claims
 * due rows with a lease (so a dead node's invocations run again), retried
 * after a function error (`maximumRetryAttempts`, with a growing delay), then
 * sent to the function's on-failure queue in Lambda's destination format.
 */
export function createAsyncInvoker(deps: {
  pool: Pool;
  notifier: Notifier;
  functions: FunctionsService;
  queues: QueuesService;
  log: Logger;
  owner: string;
  /** First retry delay; later ones double (Lambda: about a minute, then two). */
  retryDelayMs?: number;
}) {
  const retryDelayMs = deps.retryDelayMs ?? 60_000;
  let running = false;
  let loop: Promise<void> | undefined;
  const abort = new AbortController();

  const claim = async (): Promise<AsyncRow[]> =>
    (
      await deps.pool.query<AsyncRow>(
        `UPDATE function_async SET lease_owner = $1, lease_until = now() + interval '15 minutes', attempts = attempts + 1
         WHERE id IN (SELECT id FROM function_async WHERE due_at <= now() AND (lease_until IS NULL OR lease_until < now())
           ORDER BY due_at LIMIT 8 FOR UPDATE SKIP LOCKED)
         RETURNING id, account_id, function_name, qualifier, payload, attempts`,
        [deps.owner],
      )
    ).rows;

  const handle = async (row: AsyncRow) => {
    const ref = { accountId: row.account_id, name: row.function_name };
    const fn = await deps.functions.find(ref).catch(() => undefined);
    if (fn === undefined)
      return void (await deps.pool.query('DELETE FROM function_async WHERE id = $1', [row.id]));
    const result = await deps.functions
      .invoke({ ...ref, payload: row.payload, qualifier: row.qualifier ?? undefined })
      .catch((err: unknown) => ({
        functionError: 'Unhandled' as const,
        payload: { errorType: (err as Error).name, errorMessage: (err as Error).message },
        executedVersion: row.qualifier ?? '$LATEST',
        statusCode: 500,
      }));
    if (result.functionError === undefined)
      return void (await deps.pool.query('DELETE FROM function_async WHERE id = $1', [row.id]));
    if (row.attempts <= fn.config.maximumRetryAttempts) {
      const delay = retryDelayMs * 2 ** (row.attempts - 1);
      await deps.pool.query(
        `UPDATE function_async SET due_at = now() + make_interval(secs => $2 / 1000.0), lease_until = NULL WHERE id = $1`,
        [row.id, delay],
      );
      return;
    }
    const queue = fn.config.onFailureQueue;
    if (queue === null)
      return void (await deps.pool.query('DELETE FROM function_async WHERE id = $1', [row.id]));
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: row.id,
        functionArn: fn.arn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: row.attempts,
      },
      requestPayload: row.payload,
      responseContext: {
        statusCode: 200,
        executedVersion: result.executedVersion,
        functionError: result.functionError,
      },
      responsePayload: result.payload,
    };
    // the record and the end of the invocation commit together: a crash cannot send it twice
    await withTransaction(deps.pool, async (tx) => {
      await deps.queues.send({ accountId: row.account_id, name: queue, body: JSON.stringify(record) }, tx);
      await tx.query('DELETE FROM function_async WHERE id = $1', [row.id]);
    });
  };

  const run = async () => {
    while (running) {
      try {
        const cursor = deps.notifier.cursor(CHANNEL);
        const rows = await claim();
        await Promise.all(
          rows.map((r) =>
            handle(r).catch((err: unknown) =>
              deps.log.warn({ err }, 'asynchronous invocation failed; it will run again'),
            ),
          ),
        );
        if (rows.length === 0) await deps.notifier.wait(CHANNEL, 500, undefined, abort.signal, cursor);
      } catch (err) {
        if (!running) return;
        deps.log.warn({ err }, 'asynchronous invoker: store unavailable, retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  return {
    /** Accepts an `Event` invocation; durable when `db`'s transaction commits. */
    async enqueue(
      db: Db,
      p: {
        accountId: string;
        functionId: string;
        name: string;
        qualifier?: string | undefined;
        payload: unknown;
      },
    ): Promise<string> {
      const id = randomUUID();
      await db.query(
        'INSERT INTO function_async (id, function_id, account_id, function_name, qualifier, payload) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, p.functionId, p.accountId, p.name, p.qualifier ?? null, JSON.stringify(p.payload ?? {})],
      );
      await db.query('SELECT pg_notify($1, $2)', [CHANNEL, id]);
      return id;
    },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}

export type AsyncInvoker = ReturnType<typeof createAsyncInvoker>;
