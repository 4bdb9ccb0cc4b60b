import type { TaskRegistry } from '../executions/registry.js';
import type { FunctionsService } from './service.js';

/**
 * Functions as Task resources:
 * - `arn:aws:states:::lambda:invoke` with `{ FunctionName, Payload, Qualifier? }` answers
 *   Lambda's shape (`ExecutedVersion`, `Payload`, `StatusCode`, `SdkHttpMetadata`, ...);
 * - a function's ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]`)
 *   answers the handler's value.
 * A handler's error fails the task with its `errorType` as the ASL error and
 * the Lambda error payload as the cause, so `Retry`/`Catch` on a custom name work.
 */
export function registerFunctionIntegrations(registry: TaskRegistry, functions: FunctionsService): void {
  registry.register('arn:aws:states:::lambda:invoke', async (task) => {
    const p = (task.input ?? {}) as { FunctionName?: unknown; Payload?: unknown; Qualifier?: unknown };
    if (typeof p.FunctionName !== 'string')
      return { type: 'failed', error: 'States.Runtime', cause: 'lambda:invoke needs a FunctionName' };
    const { name, qualifier } = parseFunction(
      p.FunctionName,
      typeof p.Qualifier === 'string' ? p.Qualifier : undefined,
    );
    const r = await functions.invoke({
      accountId: task.accountId,
      name,
      qualifier,
      payload: p.Payload ?? {},
    });
    if (r.functionError !== undefined) return failure(r.payload);
    return {
      type: 'succeeded',
      output: {
        ExecutedVersion: r.executedVersion,
        Payload: r.payload,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: task.idempotencyToken },
        StatusCode: r.statusCode,
      },
    };
  });
  for (const partition of ['arn:aws:lambda:', 'arn:dbplane:lambda:']) {
    registry.register(partition.slice(0, -1), async (task) => {
      const { name, qualifier } = parseFunction(task.resource, undefined);
      const r = await functions.invoke({
        accountId: task.accountId,
        name,
        qualifier,
        payload: task.input ?? {},
      });
      return r.functionError !== undefined ? failure(r.payload) : { type: 'succeeded', output: r.payload };
    });
  }
}

function failure(payload: unknown) {
  const e = payload as { errorType?: string; errorMessage?: string };
  return { type: 'failed' as const, error: e.errorType ?? 'Lambda.Unknown', cause: JSON.stringify(payload) };
}

/** `name`, `name:qualifier` or a function ARN, to the name and qualifier. */
function parseFunction(
  ref: string,
  qualifier: string | undefined,
): { name: string; qualifier: string | undefined } {
  const m = /:function:([^:]+)(?::([^:]+))?$/.exec(ref);
  if (m?.[1] !== undefined) return { name: m[1], qualifier: qualifier ?? m[2] };
  const [name = ref, q] = ref.split(':');
  return { name, qualifier: qualifier ?? q };
}
