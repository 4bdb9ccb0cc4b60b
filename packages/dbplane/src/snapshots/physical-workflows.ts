/**
 * The built-in state machines of physical snapshots: ordinary ASL over this
 * domain's Task integrations and, for a restore, the instances domain's
 * (`instances:localAction` starts the filled instance, `instances:markFailed`).
 * Every Task is idempotent under retry.
 */

import { catchAllInto, TRANSIENT_RETRY } from '../executions/outcome.js';
import { createDefinition } from './workflows.js';

const retry = [TRANSIENT_RETRY];

export const createPhysicalSnapshotDefinition = createDefinition({
  comment:
    "Copies the data directory of a running local PostgreSQL instance (a non-exclusive backup: backup_label and the WAL to reach consistency included) as a tar, compressed, encrypted and checksummed into the region's snapshot store; failed (file removed) otherwise.",
  state: 'Copy',
  resource: 'arn:dbplane:states:::snapshots:createPhysical',
});

export const restoreInstanceSnapshotDefinition = {
  Comment:
    'Restores a physical snapshot into a new local PostgreSQL instance: verifies the checksum of the snapshot file before anything is decrypted, writes the data directory from it, and starts the server (which replays the WAL from the backup_label to a consistent state); on failure removes the files and marks the instance failed.',
  StartAt: 'VerifyChecksum',
  States: {
    VerifyChecksum: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:verify',
      Parameters: { 'snapshotId.$': '$.snapshotId' },
      ResultPath: '$.verified',
      Retry: retry,
      Catch: catchAllInto('Discard'),
      Next: 'Extract',
    },
    Extract: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:extractInstance',
      Parameters: { 'snapshotId.$': '$.snapshotId', 'instance.$': '$.instance' },
      ResultPath: '$.extracted',
      Retry: retry,
      Catch: catchAllInto('Discard'),
      Next: 'Start',
    },
    Start: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::instances:localAction',
      Parameters: { 'instance.$': '$.instance', action: 'create' },
      ResultPath: '$.started',
      Retry: retry,
      Catch: catchAllInto('Discard'),
      Next: 'Restored',
    },
    Restored: { Type: 'Succeed' },
    Discard: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:discardInstance',
      Parameters: { 'instance.$': '$.instance' },
      ResultPath: '$.discarded',
      Retry: retry,
      Next: 'RecordFailure',
    },
    RecordFailure: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::instances:markFailed',
      Parameters: { 'instance.$': '$.instance', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      Retry: retry,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'RestoreFailed', Cause: "the instance's statusReason says why" },
  },
} as const;
