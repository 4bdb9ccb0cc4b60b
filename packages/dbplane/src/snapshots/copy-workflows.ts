/**
 * The built-in state machines of cross-region copies and retention: ordinary
 * ASL over this domain's Task integrations. Waiting is the ASL way: a Task
 * that answers `Dbplane.SnapshotNotReady` and a Retry that polls.
 */

import { TRANSIENT_RETRY } from '../executions/outcome.js';

const retry = [TRANSIENT_RETRY];
/** Polls a copy every 2 s for up to a day. */
const poll = [
  { ErrorEquals: ['Dbplane.SnapshotNotReady'], IntervalSeconds: 2, MaxAttempts: 43_200, BackoffRate: 1 },
  ...retry,
];

export const copySnapshotDefinition = {
  Comment:
    "Copies a snapshot file into another region's store, re-encrypted under that region's key (a fresh data key); every part written is recorded, so a retried or taken-over task resumes at the first missing part. Failed (upload dropped) otherwise.",
  StartAt: 'Copy',
  States: {
    Copy: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:copyData',
      Parameters: { 'snapshotId.$': '$.snapshotId' },
      ResultPath: '$.copy',
      Retry: retry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }],
      End: true,
    },
    MarkFailed: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:copyFailed',
      Parameters: { 'snapshotId.$': '$.snapshotId', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      Retry: retry,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'SnapshotCopyFailed', Cause: "the copy's statusReason says why" },
  },
} as const;

export const drCopyDefinition = {
  Comment:
    'Disaster recovery: finds the snapshots of the source region (of one database or instance, or all of the account) not yet copied to targetRegion, copies each (a Map, two at a time) and waits for them, then prunes the copies in targetRegion past retention. Input: { targetRegion, sourceRegion?, database?, instance?, kmsKeyId?, keepLast?, keepDays? }.',
  StartAt: 'FindMissing',
  States: {
    FindMissing: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:findMissingCopies',
      Parameters: { 'request.$': '$' },
      ResultPath: '$.missing',
      Retry: retry,
      Next: 'CopyEach',
    },
    CopyEach: {
      Type: 'Map',
      ItemsPath: '$.missing.items',
      MaxConcurrency: 2,
      ItemProcessor: {
        StartAt: 'StartCopy',
        States: {
          StartCopy: {
            Type: 'Task',
            Resource: 'arn:dbplane:states:::snapshots:copy',
            ResultPath: '$.copy',
            Retry: retry,
            Next: 'AwaitCopy',
          },
          AwaitCopy: {
            Type: 'Task',
            Resource: 'arn:dbplane:states:::snapshots:awaitAvailable',
            Parameters: { 'snapshotId.$': '$.copy.snapshotId' },
            ResultSelector: { 'name.$': '$.name', 'arn.$': '$.arn', 'region.$': '$.region' },
            Retry: poll,
            End: true,
          },
        },
      },
      ResultPath: '$.copied',
      Next: 'Prune',
    },
    Prune: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:applyRetention',
      Parameters: { 'request.$': '$', 'copiesIn.$': '$.targetRegion' },
      ResultPath: '$.pruned',
      Retry: retry,
      End: true,
    },
  },
} as const;

export const retentionDefinition = {
  Comment:
    'Applies every retention policy of the account (keep the newest keepLast, and those younger than keepDays) in every region: deletes the other snapshots of each source, never one being created, being copied or being restored from.',
  StartAt: 'Apply',
  States: {
    Apply: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::snapshots:applyRetention',
      Parameters: { 'request.$': '$' },
      Retry: retry,
      End: true,
    },
  },
} as const;
