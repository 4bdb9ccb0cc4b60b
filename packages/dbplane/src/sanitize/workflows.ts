/**
 * The built-in `dbplane-sanitized-snapshot` state machine: ordinary ASL over
 * the `sanitize:*` Task integrations, the databases domain's `dropDatabase`
 * and, for a copy, the snapshots domain's `copy` / `awaitAvailable`. Long
 * steps are waited for the ASL way: a Task answers `Dbplane.NotReady` and a
 * Retry with `BackoffRate: 1` polls it.
 */

import { TRANSIENT_RETRY } from '../executions/outcome.js';

const S = 'arn:dbplane:states:::sanitize';
const retry = TRANSIENT_RETRY;
/** Poll every 2 seconds for up to 10 hours. */
const poll = (error = 'Dbplane.NotReady') => ({
  ErrorEquals: [error],
  IntervalSeconds: 2,
  MaxAttempts: 18_000,
  BackoffRate: 1,
});
const toCleanUp = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CleanUp' }];
const task = (
  resource: string,
  parameters: Record<string, string>,
  resultPath: string,
  next: string,
  retries: object[] = [retry],
) => ({
  Type: 'Task',
  Resource: resource,
  Parameters: parameters,
  ResultPath: resultPath,
  Retry: retries,
  Catch: toCleanUp,
  Next: next,
});
const run = { 'executionArn.$': '$$.Execution.Id' };

export const sanitizedSnapshotDefinition = {
  Comment:
    'Snapshots a source database (or takes the given snapshot), restores it into a temporary database tagged with this execution, validates the masking rules against its schema, masks it, verifies that no sampled original value is left, snapshots the result, shares it and optionally copies it to another region; the temporary parts are always removed, found by their dbplane:execution tag.',
  StartAt: 'Prepare',
  States: {
    Prepare: task(`${S}:prepare`, { 'input.$': '$', ...run }, '$.run', 'WaitForSource'),
    WaitForSource: task(
      `${S}:awaitSnapshot`,
      { 'snapshot.$': '$.run.sourceSnapshot' },
      '$.source',
      'Restore',
      [retry, poll()],
    ),
    Restore: task(
      `${S}:restore`,
      {
        'snapshot.$': '$.run.sourceSnapshot',
        'database.$': '$.run.tempDatabase',
        'instance.$': '$.run.instance',
        ...run,
      },
      '$.restore',
      'WaitForRestore',
    ),
    WaitForRestore: task(
      `${S}:awaitDatabase`,
      { 'database.$': '$.run.tempDatabase' },
      '$.restored',
      'Validate',
      [retry, poll()],
    ),
    Validate: task(
      `${S}:validate`,
      { 'database.$': '$.run.tempDatabase', 'rules.$': '$.rules' },
      '$.validation',
      'Mask',
    ),
    // no retry: masking is one transaction, and masking twice is not the same as once
    Mask: task(
      `${S}:mask`,
      { 'database.$': '$.run.tempDatabase', 'rules.$': '$.rules', ...run },
      '$.masked',
      'Verify',
      [],
    ),
    Verify: task(
      `${S}:verify`,
      { 'database.$': '$.run.tempDatabase', 'rules.$': '$.rules', ...run },
      '$.verified',
      'Snapshot',
    ),
    Snapshot: task(
      `${S}:snapshot`,
      { 'database.$': '$.run.tempDatabase', 'snapshot.$': '$.run.snapshotName', ...run },
      '$.snapshot',
      'WaitForSnapshot',
    ),
    WaitForSnapshot: task(
      `${S}:awaitSnapshot`,
      { 'snapshot.$': '$.run.snapshotName' },
      '$.snapshot',
      'ShareOrNot',
      [retry, poll()],
    ),
    ShareOrNot: {
      Type: 'Choice',
      Choices: [{ Variable: '$.run.shareWith[0]', IsPresent: true, Next: 'Share' }],
      Default: 'CopyOrNot',
    },
    Share: task(
      `${S}:share`,
      { 'snapshot.$': '$.run.snapshotName', 'accountIds.$': '$.run.shareWith' },
      '$.shared',
      'CopyOrNot',
    ),
    CopyOrNot: {
      Type: 'Choice',
      Choices: [{ Variable: '$.run.copy.targetRegion', IsPresent: true, Next: 'Copy' }],
      Default: 'NoCopy',
    },
    NoCopy: { Type: 'Pass', Result: null, ResultPath: '$.copied', Next: 'CleanUp' },
    Copy: task(
      'arn:dbplane:states:::snapshots:copy',
      {
        'snapshotArn.$': '$.snapshot.arn',
        'targetRegion.$': '$.run.copy.targetRegion',
        'kmsKeyId.$': '$.run.copy.kmsKeyId',
      },
      '$.copy',
      'WaitForCopy',
    ),
    WaitForCopy: task(
      'arn:dbplane:states:::snapshots:awaitAvailable',
      { 'snapshotArn.$': '$.copy.snapshotArn' },
      '$.copied',
      'CleanUp',
      [retry, poll('Dbplane.SnapshotNotReady')],
    ),
    CleanUp: {
      Type: 'Task',
      Resource: `${S}:cleanUp`,
      Parameters: run,
      ResultPath: '$.cleanup',
      Retry: [retry, poll()],
      Next: 'DropTemporaryDatabases',
    },
    DropTemporaryDatabases: {
      Type: 'Map',
      ItemsPath: '$.cleanup.databases',
      ItemSelector: { 'database.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        StartAt: 'Drop',
        States: {
          Drop: {
            Type: 'Task',
            Resource: 'arn:dbplane:states:::databases:dropDatabase',
            Retry: [retry],
            End: true,
          },
        },
      },
      ResultPath: null,
      Next: 'Outcome',
    },
    Outcome: {
      Type: 'Choice',
      Choices: [{ Variable: '$.error', IsPresent: true, Next: 'Failed' }],
      Default: 'Done',
    },
    Failed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    Done: {
      Type: 'Pass',
      Parameters: {
        'snapshot.$': '$.snapshot',
        'masked.$': '$.masked',
        'verified.$': '$.verified',
        'copy.$': '$.copied',
        'warnings.$': '$.validation.warnings',
      },
      End: true,
    },
  },
} as const;
