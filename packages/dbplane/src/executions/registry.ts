/**
 * Task resources: what a Task state's `Resource` can invoke. Platform domains
 * register their integrations here (`arn:dbplane:states:::<service>:<action>`),
 * functions register `arn:aws:states:::lambda:invoke`, and so on.
 */

/** How the engine waits for a task: the answer, a later completion, or a callback with the task token. */
export type IntegrationPattern = 'requestResponse' | 'sync' | 'waitForTaskToken';

export interface TaskInvocation {
  /** The resource exactly as the state names it. */
  resource: string;
  input: unknown;
  /** Stable per execution, state and attempt: integrations use it to be idempotent under retry. */
  idempotencyToken: string;
  /** For `.waitForTaskToken`: what the callback must present. */
  taskToken: string | null;
  pattern: IntegrationPattern;
  accountId: string;
  executionArn: string;
  signal: AbortSignal;
}

/** What a handler reports: a result, a failure (an ASL error name and cause), or "completion comes by callback". */
export type TaskOutcome =
  | { type: 'succeeded'; output: unknown }
  | { type: 'failed'; error: string; cause: string }
  | { type: 'callback' };

export type TaskHandler = (invocation: TaskInvocation) => Promise<TaskOutcome>;

export interface TaskRegistry {
  /** Handles every resource equal to `prefix` or starting with `prefix` followed by `:` or `.`. */
  register(prefix: string, handler: TaskHandler): void;
  resolve(resource: string): TaskHandler | undefined;
}

const PATTERN_SUFFIX = /\.(sync(:2)?|waitForTaskToken)$/;

/**
 * @example
 * const registry = createTaskRegistry();
 * registry.register('arn:dbplane:states:::queues:sendMessage', async (t) => ({ type: 'succeeded', output: {} }));
 */
export function createTaskRegistry(): TaskRegistry {
  const handlers = new Map<string, TaskHandler>();
  return {
    register(prefix, handler) {
      handlers.set(prefix, handler);
    },
    resolve(resource) {
      const base = resource.replace(PATTERN_SUFFIX, '');
      const exact = handlers.get(base);
      if (exact !== undefined) return exact;
      let best: { length: number; handler: TaskHandler } | undefined;
      for (const [prefix, handler] of handlers) {
        const next = base[prefix.length];
        if (
          base.startsWith(prefix) &&
          (next === ':' || next === '.') &&
          (best === undefined || prefix.length > best.length)
        ) {
          best = { length: prefix.length, handler };
        }
      }
      return best?.handler;
    },
  };
}
