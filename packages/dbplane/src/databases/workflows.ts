/**
 * The built-in state machines of self-service databases: ordinary ASL that
 * users can read, built from this domain's Task integrations. Every Task is
 * idempotent under retry, so the runtime's at-least-once delivery and a
 * node's crash never leave a database half made.
 */

import { TRANSIENT_RETRY } from '../executions/outcome.js';

const retry = [TRANSIENT_RETRY];

export const provisionDefinition = {
  Comment:
    'Places a requested database on its instance (creating a local instance when needed), creates its owner login and the database, keeps the credentials in a secret, and marks it available; cleans up and marks it failed otherwise.',
  StartAt: 'Place',
  States: {
    Place: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:place',
      Parameters: { 'database.$': '$.database', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.placement',
      Retry: retry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CleanUp' }],
      Next: 'CreateDatabase',
    },
    CreateDatabase: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:createDatabase',
      Parameters: { 'database.$': '$.database' },
      ResultPath: '$.created',
      Retry: retry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CleanUp' }],
      Next: 'Available',
    },
    Available: { Type: 'Succeed' },
    CleanUp: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:cleanUp',
      Parameters: { 'database.$': '$.database', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      Retry: retry,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'ProvisioningFailed', Cause: "the database's statusReason says why" },
  },
} as const;

export const deprovisionDefinition = {
  Comment:
    'Drops a database and its owner login, schedules its secret for deletion, removes a dedicated instance, and forgets the database.',
  StartAt: 'Drop',
  States: {
    Drop: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:dropDatabase',
      Parameters: { 'database.$': '$.database', 'executionArn.$': '$$.Execution.Id' },
      Retry: retry,
      End: true,
    },
  },
} as const;

export const expireDefinition = {
  Comment: 'Started by a schedule: deprovisions every database whose TTL has run out.',
  StartAt: 'Expire',
  States: {
    Expire: { Type: 'Task', Resource: 'arn:dbplane:states:::databases:expire', Retry: retry, End: true },
  },
} as const;
