import { DbplaneError } from '../../errors/index.js';
import type { TaskOutcome, TaskRegistry } from '../../executions/registry.js';
import { redact } from './credentials.js';
import { driverFailure } from './servers.js';
import { STEPS, type StepDeps } from './steps.js';
import { RESOURCE, RotationError, type Step, StepFailure, type StepInput } from './types.js';

export type RotationIntegrationDeps = StepDeps;

function stepInput(input: unknown): StepInput | undefined {
  const o = input as Partial<Record<keyof StepInput, unknown>> | null;
  if (typeof o?.secretId !== 'string' || o.secretId === '') return undefined;
  if (typeof o.clientRequestToken !== 'string' || !/^[A-Za-z0-9-]{32,64}$/.test(o.clientRequestToken))
    return undefined;
  return { secretId: o.secretId, clientRequestToken: o.clientRequestToken };
}

/** An error as a task failure; its cause has every value the step read taken out. */
function failure(err: unknown, seen: Set<string>): TaskOutcome {
  if (err instanceof StepFailure)
    return { type: 'failed', error: err.error, cause: redact(err.causeText, seen) };
  if (err instanceof DbplaneError) {
    const error = err.code === 'ResourceNotFound' ? RotationError.SecretNotFound : `Dbplane.${err.code}`;
    return { type: 'failed', error, cause: redact(err.message, seen) };
  }
  const f = driverFailure(err, 'rotation step', 'Dbplane.RotationFailed');
  return { type: 'failed', error: f.error, cause: f.causeText };
}

/**
 * The Task resources of rotation, for the built-in `dbplane-rotate-secret`
 * machine and users' own: `arn:dbplane:states:::secrets:rotation:createSecret`,
 * `...:setSecret`, `...:testSecret`, `...:finishSecret` and `...:revertSecret`.
 * Each takes `{ secretId, clientRequestToken }`, is keyed by the token (a
 * repeat changes nothing) and answers `{ secretId, versionId, outcome }`:
 * never a value, so none reaches the execution history.
 *
 * @example
 * registerRotationIntegrations(runtime.registry, { pool, secrets });
 */
export function registerRotationIntegrations(registry: TaskRegistry, deps: RotationIntegrationDeps): void {
  for (const step of Object.keys(RESOURCE) as Step[]) {
    registry.register(RESOURCE[step], async (task) => {
      const input = stepInput(task.input);
      if (input === undefined)
        return {
          type: 'failed',
          error: 'States.Runtime',
          cause:
            'the input must be { secretId, clientRequestToken } (a token of 32 to 64 letters, digits or -)',
        };
      const seen = new Set<string>();
      try {
        const output = await STEPS[step](deps, { accountId: task.accountId, input, seen });
        return { type: 'succeeded', output };
      } catch (err) {
        return failure(err, seen);
      }
    });
  }
}
