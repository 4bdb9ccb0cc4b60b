/**
 * The built-in state machines of bootstrap: ordinary ASL built from this
 * domain's Task integrations (`arn:dbplane:states:::bootstrap:*`), each
 * idempotent under retry. Task outputs carry changes with passwords as `'***'`.
 */

import { TRANSIENT_ERRORS } from '../executions/outcome.js';

const PREFIX = 'arn:dbplane:states:::bootstrap';
const retry = [
  { ErrorEquals: TRANSIENT_ERRORS, IntervalSeconds: 1, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 20 },
];
const recordFailure = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }];
const task = (action: string, parameters: Record<string, string>, next: string, resultPath: string) => ({
  Type: 'Task',
  Resource: `${PREFIX}:${action}`,
  Parameters: { 'instance.$': '$.instance', 'executionArn.$': '$$.Execution.Id', ...parameters },
  ResultPath: resultPath,
  Retry: retry,
  Catch: recordFailure,
  Next: next,
});

export const bootstrapDefinition = {
  Comment:
    'Converges an instance to its bootstrap spec: checks the instance and its spec exist, plans, applies, and verifies that a second plan is empty; records a failure and fails otherwise.',
  StartAt: 'ValidateTarget',
  States: {
    ValidateTarget: task('validateTarget', {}, 'HasSpec', '$.target'),
    HasSpec: {
      Type: 'Choice',
      Choices: [{ Variable: '$.target.hasSpec', BooleanEquals: false, Next: 'NoSpec' }],
      Default: 'Plan',
    },
    NoSpec: { Type: 'Succeed', Comment: 'the instance has no bootstrap spec' },
    Plan: task('plan', {}, 'Apply', '$.plan'),
    Apply: task('apply', {}, 'Verify', '$.applied'),
    Verify: task('verify', {}, 'Converged', '$.verified'),
    Converged: { Type: 'Succeed' },
    RecordFailure: {
      Type: 'Task',
      Resource: `${PREFIX}:recordFailure`,
      Parameters: {
        'instance.$': '$.instance',
        'executionArn.$': '$$.Execution.Id',
        'error.$': '$.error.Error',
        'cause.$': '$.error.Cause',
      },
      ResultPath: '$.recorded',
      Retry: retry,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'BootstrapFailed', Cause: 'the apply result of the instance says why' },
  },
} as const;

export const driftDefinition = {
  Comment:
    'Started by a schedule (or by hand with {"instance": name}): plans every stored spec of the account, records the drift, and publishes a drift event when a plan is not empty.',
  StartAt: 'CheckDrift',
  States: {
    CheckDrift: {
      Type: 'Task',
      Resource: `${PREFIX}:checkDrift`,
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id' },
      Retry: retry,
      End: true,
    },
  },
} as const;

export const functionDefinition = {
  Comment:
    'Started when a function is updated: starts dbplane-bootstrap for every spec naming it in triggers.functions.',
  StartAt: 'StartRuns',
  States: {
    StartRuns: {
      Type: 'Task',
      Resource: `${PREFIX}:startForFunction`,
      Parameters: { 'function.$': '$.function' },
      Retry: retry,
      End: true,
    },
  },
} as const;
