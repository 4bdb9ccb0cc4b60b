import { RESOURCE, ROTATION_MACHINE, RotationError } from './types.js';

const args = { 'secretId.$': '$.secretId', 'clientRequestToken.$': '$.clientRequestToken' };
const transient = [
  { ErrorEquals: [RotationError.Transient], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2 },
];
const revert = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RevertSecret' }];

/** A rotation step: only ids in, only ids out (`ResultPath: null` keeps the state as it was). */
const step = (resource: string, next: string | undefined, extraRetry: object[] = []) => ({
  Type: 'Task',
  Resource: resource,
  Parameters: args,
  ResultPath: null,
  TimeoutSeconds: 120,
  Retry: [...transient, ...extraRetry],
  Catch: revert,
  ...(next === undefined ? { End: true } : { Next: next }),
});

/**
 * The built-in rotation workflow: Secrets Manager's four steps over this
 * domain's integrations. Input `{ secretId, clientRequestToken? }`: without a
 * token (a scheduled run) one is drawn once and kept in the state. A failure
 * at any step runs `RevertSecret`, which puts AWSCURRENT's password back on
 * the server, so the database never lacks a working current password.
 */
export const rotationDefinition = {
  Comment: 'Rotates a database credential secret: createSecret, setSecret, testSecret, finishSecret.',
  StartAt: 'HasToken',
  States: {
    HasToken: {
      Type: 'Choice',
      Choices: [{ Variable: '$.clientRequestToken', IsPresent: true, Next: 'CreateSecret' }],
      Default: 'NewToken',
    },
    NewToken: {
      Type: 'Pass',
      Parameters: { 'secretId.$': '$.secretId', 'clientRequestToken.$': 'States.UUID()' },
      Next: 'CreateSecret',
    },
    CreateSecret: step(RESOURCE.createSecret, 'SetSecret'),
    SetSecret: step(RESOURCE.setSecret, 'TestSecret'),
    TestSecret: step(RESOURCE.testSecret, 'FinishSecret', [
      { ErrorEquals: [RotationError.LoginFailed], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 },
    ]),
    FinishSecret: step(RESOURCE.finishSecret, undefined),
    RevertSecret: {
      Type: 'Task',
      Resource: RESOURCE.revertSecret,
      Parameters: args,
      ResultPath: null,
      TimeoutSeconds: 120,
      Retry: [{ ErrorEquals: [RotationError.Transient], IntervalSeconds: 2, MaxAttempts: 8, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.revertError', Next: 'RevertFailed' }],
      Next: 'RotationFailed',
    },
    RotationFailed: {
      Type: 'Fail',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    },
    RevertFailed: {
      Type: 'Fail',
      Error: 'RotationRevertFailed',
      Cause: 'the rotation failed and the server may hold the AWSPENDING password; retry with the same token',
    },
  },
} as const;

/** The rotation workflow as a built-in state machine. */
export const ROTATION_BUILTIN = {
  name: ROTATION_MACHINE,
  definition: rotationDefinition,
  description: 'rotates a database credential secret (createSecret, setSecret, testSecret, finishSecret)',
};
