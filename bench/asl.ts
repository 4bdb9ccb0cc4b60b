/**
 * ASL engine throughput: the same definitions through @dbplane/asl's in-memory
 * runner and through aws-local-stepfunctions, in one process run.
 */
import { performance } from 'node:perf_hooks';
import { parseStateMachine, runExecution } from '@dbplane/asl';
import { StateMachine as PeerMachine } from 'aws-local-stepfunctions';
import type { Bench } from './lib.js';

interface Case {
  metric: string;
  definition: Record<string, unknown>;
  input: unknown;
  /** State transitions one execution makes. */
  transitions: number;
}

function passChain(n: number): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    states[`S${i}`] = i === n - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` };
  return { StartAt: 'S0', States: states };
}

const choiceLoop = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Result: { i: 0 }, Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.i', NumericLessThan: 10000, Next: 'Inc' }],
      Default: 'Done',
    },
    Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
    Done: { Type: 'Succeed' },
  },
};

const map = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
};

const parallel = {
  StartAt: 'Par',
  States: {
    Par: {
      Type: 'Parallel',
      Branches: Array.from({ length: 10 }, (_, i) => ({
        StartAt: `B${i}`,
        States: { [`B${i}`]: { Type: 'Pass', End: true } },
      })),
      End: true,
    },
  },
};

const CASES: Case[] = [
  { metric: 'pass_chain_transitions_per_s', definition: passChain(100), input: { a: 1 }, transitions: 100 },
  { metric: 'choice_loop_transitions_per_s', definition: choiceLoop, input: {}, transitions: 20002 },
  {
    metric: 'map_transitions_per_s',
    definition: map,
    input: { items: Array.from({ length: 10000 }, (_, i) => ({ i })) },
    transitions: 10001,
  },
  { metric: 'parallel_transitions_per_s', definition: parallel, input: { a: 1 }, transitions: 11 },
];

/** Runs `once` repeatedly for about `seconds` after a warm-up; returns runs per second. */
async function rate(seconds: number, once: () => Promise<unknown>): Promise<number> {
  const warmUntil = performance.now() + seconds * 300;
  while (performance.now() < warmUntil) await once();
  let runs = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) {
    await once();
    runs++;
  }
  return runs / ((performance.now() - t0) / 1000);
}

export const run: Bench = async ({ quick, emit }) => {
  for (const c of CASES) {
    const seconds = quick ? 1 : 5;
    const machine = parseStateMachine(c.definition);
    const ours = await rate(seconds, async () => {
      const r = await runExecution(machine, c.input);
      if (r.status !== 'SUCCEEDED') throw new Error(`${c.metric}: ${r.status} ${r.error} ${r.cause}`);
    });
    const peer = new PeerMachine(c.definition as never);
    const theirs = await rate(seconds, () => peer.run(c.input as never).result);
    emit({
      bench: 'asl',
      metric: c.metric,
      value: ours * c.transitions,
      unit: '1/s',
      peer: 'aws-local-stepfunctions',
      peerValue: theirs * c.transitions,
    });
  }
};
