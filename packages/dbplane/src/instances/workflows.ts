/**
 * The built-in state machine that carries out the long work on local
 * instances: an ordinary ASL definition, visible to users, whose Task states
 * call this domain's integrations.
 */
export const LOCAL_INSTANCE_MACHINE = 'dbplane-local-instance';

const transient = ['Dbplane.Transient', 'Dbplane.InstanceOnAnotherNode'];

export const localInstanceDefinition = {
  Comment: 'Creates, starts, stops, reboots or deletes a local instance; records a failure on the instance.',
  StartAt: 'Apply',
  States: {
    Apply: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::instances:localAction',
      Parameters: { 'instance.$': '$.instance', 'action.$': '$.action' },
      Retry: [{ ErrorEquals: transient, IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }],
      End: true,
    },
    RecordFailure: {
      Type: 'Task',
      Resource: 'arn:dbplane:states:::instances:markFailed',
      Parameters: { 'instance.$': '$.instance', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'InstanceActionFailed', Cause: "the instance's statusReason says why" },
  },
} as const;

/** The local instance lifecycle as a built-in state machine. */
export const LOCAL_INSTANCE_BUILTIN = {
  name: LOCAL_INSTANCE_MACHINE,
  definition: localInstanceDefinition,
  description: 'local instance lifecycle',
};
