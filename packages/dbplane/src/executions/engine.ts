import {
  type ExecutionState,
  parseStateMachine,
  redrive,
  type StateMachine,
  start,
  step,
} from '@dbplane/asl';
import type { Engine, EngineCommand, EngineInput, StepResult } from './engine-types.js';

type AslResult = Awaited<ReturnType<typeof step>>;

function toHost(result: AslResult): StepResult {
  const commands: EngineCommand[] = result.commands.map((c) => {
    if (c.type !== 'invokeTask') return c as EngineCommand;
    return {
      type: 'invokeTask',
      taskId: c.taskId,
      resource: c.resource,
      input: c.input,
      idempotencyToken: c.idempotencyToken,
      taskToken: c.taskToken,
      pattern: c.pattern,
    };
  });
  return { state: result.state, events: result.events, commands };
}

function toAsl(input: EngineInput): Parameters<typeof step>[2] {
  return input;
}

/**
 * The durable runtime's engine: `@dbplane/asl`'s reducer. Timeouts and
 * heartbeats are timers the engine asks for, so the host keeps no clocks of
 * its own.
 */
export function createAslEngine(): Engine<StateMachine> {
  return {
    compile: (definition) => parseStateMachine(definition),
    async start(machine, input, context, now) {
      return toHost(await start(machine, input, context, now));
    },
    async step(machine, state, input, now) {
      return toHost(await step(machine, state as ExecutionState, toAsl(input), now));
    },
    async redrive(machine, state, now) {
      const result = await redrive(machine, state as ExecutionState, now);
      return result === undefined ? undefined : toHost(result);
    },
  };
}
