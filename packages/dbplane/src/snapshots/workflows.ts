/**
 * The built-in state machines of snapshots: ordinary ASL over this domain's
 * Task integrations (`arn:dbplane:states:::snapshots:*`) and, for a restore,
 * the databases domain's own (`databases:place`, `createDatabase`, `cleanUp`).
 * Every Task is idempotent under retry.
 */

import { catchAllInto, TRANSIENT_RETRY } from '../executions/outcome.js';

const retry = [TRANSIENT_RETRY];

/**
 * A create workflow: one Task (`state`, `resource`) makes and records the
 * snapshot file; any failure marks the snapshot failed (its file removed).
 */
export const createDefinition = (p: { comment: string; state: string; resource: string }) => ({
  Comment: p.comment,
  StartAt: p.state,
  States: {
    [p.state]: {
      Type: 'Task',
      Resource: p.resource,
      Parameters: { 'snapshotId.$': '$.snapshotId', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.snapshot',
      Retry: retry,
      Catch: catchAllInto('MarkFailed'),
      End: true,
    },
    MarkFailed: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:markFailed',
      Parameters: { 'snapshotId.$': '$.snapshotId', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      Retry: retry,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'SnapshotFailed', Cause: "the snapshot's statusReason says why" },
  },
});

export const createSnapshotDefinition = createDefinition({
  comment:
    "Dumps a database with the engine's own tool, compresses, encrypts and checksums the dump into the region's snapshot store, and marks the snapshot available; failed (file removed) otherwise.",
  state: 'Dump',
  resource: 'arn:dbplane:states:::snapshots:create',
});

export const restoreSnapshotDefinition = {
  Comment:
    'Restores a snapshot into a new database: places it, verifies the checksum of the snapshot file before anything is decrypted, creates the database and its owner, and loads the dump as that owner; on failure removes what was made and marks the database failed.',
  StartAt: 'Place',
  States: {
    Place: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:place',
      Parameters: { 'database.$': '$.database', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.placement',
      Retry: retry,
      Catch: catchAllInto('CleanUp'),
      Next: 'VerifyChecksum',
    },
    VerifyChecksum: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:verify',
      Parameters: { 'snapshotId.$': '$.snapshotId' },
      ResultPath: '$.verified',
      Retry: retry,
      Catch: catchAllInto('CleanUp'),
      Next: 'CreateDatabase',
    },
    CreateDatabase: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:createDatabase',
      Parameters: { 'database.$': '$.database' },
      ResultPath: '$.created',
      Retry: retry,
      Catch: catchAllInto('CleanUp'),
      Next: 'Load',
    },
    Load: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:load',
      Parameters: { 'snapshotId.$': '$.snapshotId', 'database.$': '$.database' },
      ResultPath: '$.loaded',
      Retry: retry,
      Catch: catchAllInto('CleanUp'),
      Next: 'Restored',
    },
    Restored: { Type: 'Succeed' },
    CleanUp: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::databases:cleanUp',
      Parameters: { 'database.$': '$.database', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      Retry: retry,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'RestoreFailed', Cause: "the database's statusReason says why" },
  },
} as const;
