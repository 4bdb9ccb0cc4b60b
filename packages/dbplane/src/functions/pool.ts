import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DbplaneError, ErrorCode } from '../errors/index.js';

const RUNNER = fileURLToPath(new URL('../../runtime/function-runner.mjs', import.meta.url));
const IDLE_MS = 5 * 60_000;

export interface RunSpec {
  /** Function id, version and code hash: workers are reused only for the same key. */
  key: string;
  functionName: string;
  version: string;
  codeDir: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  concurrency: number | null;
}

/** How an invocation ended: the handler's value, its error, or the sandbox's failure. */
export type RunOutcome =
  | { type: 'result'; value: unknown; logs: string[] }
  | {
      type: 'error';
      error: { errorType: string; errorMessage: string; stackTrace: string[] };
      logs: string[];
    };

interface Worker {
  key: string;
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  lastUsed: number;
  output: string[];
}

export class TooManyRequestsError extends DbplaneError {
  constructor(name: string, limit: number) {
    super(ErrorCode.TooManyRequests, `function "${name}" is at its concurrency limit (${limit})`, {
      retryable: true,
    });
  }
}

/**
 * Worker processes per function version: one invocation at a time each,
 * reused while warm, recycled after an error, killed (SIGKILL) at the
 * timeout, limited in heap size, and counted against the function's
 * concurrency limit. A function never runs in the server's process.
 */
export function createWorkerPool() {
  const workers = new Set<Worker>();
  const running = new Map<string, number>();

  const spawnWorker = (spec: RunSpec): Worker => {
    const child = fork(RUNNER, [spec.codeDir, spec.handler], {
      cwd: spec.codeDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_ENV: 'production',
        AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: spec.version,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
        ...spec.environment,
      },
      execArgv: [`--max-old-space-size=${spec.memoryMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker: Worker = {
      key: spec.key,
      child,
      busy: false,
      lastUsed: Date.now(),
      output: [],
      ready: Promise.resolve(),
    };
    const collect = (c: Buffer) => worker.output.push(...c.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    worker.ready = new Promise((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error('worker exited before it was ready')));
    });
    worker.ready.catch(() => {});
    child.once('exit', () => workers.delete(worker));
    // a failed send is reported to its callback; this keeps a dying worker's errors from crashing the server
    child.on('error', () => {});
    workers.add(worker);
    return worker;
  };

  const acquire = (spec: RunSpec): Worker => {
    for (const w of workers) {
      // a worker killed after an error stays in the set until its exit event: never hand it out
      if (w.key === spec.key && !w.busy && w.child.exitCode === null && !w.child.killed && w.child.connected)
        return w;
    }
    return spawnWorker(spec);
  };

  const reaper = setInterval(() => {
    for (const w of workers) if (!w.busy && Date.now() - w.lastUsed > IDLE_MS) w.child.kill();
  }, 30_000);
  reaper.unref();

  const run = (worker: Worker, spec: RunSpec, event: unknown, context: Record<string, unknown>) =>
    new Promise<RunOutcome>((resolve) => {
      const id = randomUUID();
      worker.output = [];
      const done = (outcome: RunOutcome, recycle: boolean) => {
        clearTimeout(timer);
        worker.child.off('message', onMessage);
        worker.child.off('exit', onExit);
        if (recycle) worker.child.kill('SIGKILL');
        resolve(outcome);
      };
      const fail = (errorType: string, errorMessage: string, recycle: boolean) =>
        done(
          { type: 'error', error: { errorType, errorMessage, stackTrace: [] }, logs: worker.output },
          recycle,
        );
      const onMessage = (m: unknown) => {
        const msg = m as {
          id?: string;
          result?: unknown;
          error?: { errorType: string; errorMessage: string; stackTrace: string[] };
          log?: string;
        };
        if (msg.id !== id) return;
        if (msg.log !== undefined) worker.output.push(msg.log);
        else if (msg.error !== undefined)
          done({ type: 'error', error: msg.error, logs: worker.output }, true);
        else done({ type: 'result', value: msg.result, logs: worker.output }, false);
      };
      const onExit = () => {
        const oom = worker.output.some((l) => /heap out of memory|Allocation failed/i.test(l));
        if (oom) fail('Runtime.OutOfMemory', `the function ran out of memory (${spec.memoryMb} MB)`, false);
        else
          fail(
            'Runtime.ExitError',
            `the function's process exited: ${worker.output.slice(-3).join(' | ')}`,
            false,
          );
      };
      const timer = setTimeout(
        () =>
          fail('Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`, true),
        spec.timeoutSeconds * 1000,
      );
      worker.child.on('message', onMessage);
      worker.child.once('exit', onExit);
      worker.child.send(
        { id, event, context: { ...context, deadline: Date.now() + spec.timeoutSeconds * 1000 } },
        (err) => {
          if (err)
            fail('Runtime.ExitError', `the function's process could not be reached: ${err.message}`, true);
        },
      );
    });

  return {
    /** Runs one invocation in a warm or new worker; throws `TooManyRequestsError` at the concurrency limit. */
    async invoke(spec: RunSpec, event: unknown, context: Record<string, unknown>): Promise<RunOutcome> {
      const n = running.get(spec.functionName) ?? 0;
      if (spec.concurrency !== null && n >= spec.concurrency)
        throw new TooManyRequestsError(spec.functionName, spec.concurrency);
      running.set(spec.functionName, n + 1);
      const worker = acquire(spec);
      worker.busy = true;
      try {
        try {
          await worker.ready;
        } catch {
          return {
            type: 'error',
            error: {
              errorType: 'Runtime.ExitError',
              errorMessage: worker.output.slice(-5).join('\n'),
              stackTrace: [],
            },
            logs: worker.output,
          };
        }
        return await run(worker, spec, event, context);
      } finally {
        worker.busy = false;
        worker.lastUsed = Date.now();
        running.set(spec.functionName, (running.get(spec.functionName) ?? 1) - 1);
      }
    },
    /** Stops every worker of a function (after its code or configuration changed). */
    retire(keyPrefix: string): void {
      for (const w of workers) if (w.key.startsWith(keyPrefix)) w.child.kill();
    },
    async close(): Promise<void> {
      clearInterval(reaper);
      for (const w of workers) w.child.kill('SIGKILL');
      workers.clear();
    },
  };
}

export type WorkerPool = ReturnType<typeof createWorkerPool>;
