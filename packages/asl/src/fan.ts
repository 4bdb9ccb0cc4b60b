/**
 * Parallel and Map: child frames that run concurrently inside the execution,
 * MaxConcurrency, result collection in order, and failure of the whole state.
 */
import type { CState } from './compile.js';
import { effectiveInputJp, evalJa, readDyn } from './dataflow.js';
import { AslError, StatesError } from './errors.js';
import { MISSING } from './json-path.js';
import { emit, envOf, type Run, stateOf } from './run-context.js';
import { cancelFrameTimers } from './timers.js';
import type { FanState, Frame } from './types.js';

/** Starts a Parallel's branches or a Map's iterations. */
export async function startFan(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  const input =
    cs.ql === 'JSONata'
      ? cs.args
        ? await evalJa(cs.args, env, { input: frame.input }, 'Arguments')
        : frame.input
      : effectiveInputJp(cs.type === 'Map' ? { ...cs, parameters: null } : cs, frame.input, env);
  const fan: FanState = {
    kind: cs.type === 'Map' ? 'map' : 'parallel',
    items: [],
    results: [],
    started: 0,
    running: 0,
    done: 0,
    failed: 0,
    max: 0,
    children: [],
    tolerated: 0,
  };
  if (cs.type === 'Parallel') {
    fan.items = cs.branches.map(() => input);
    emit(run, frame, 'ParallelStateStarted');
  } else {
    await prepareMap(run, frame, cs, input, fan);
    emit(run, frame, 'MapStateStarted', 'mapStateStartedEventDetails', { length: fan.items.length });
  }
  fan.results = new Array(fan.items.length).fill(null);
  frame.waiting = { k: 'fan', fan };
  if (fan.items.length === 0) {
    fanDone(run, frame, cs, fan);
    return;
  }
  fill(run, frame, cs, fan);
}

async function prepareMap(run: Run, frame: Frame, cs: CState, input: unknown, fan: FanState): Promise<void> {
  const m = cs.map;
  if (!m) throw new Error('not a map');
  const env = envOf(run, frame);
  let items: unknown = input;
  if (m.items) {
    items = m.items.k === 'path' ? m.items.p.get(input) : await readDyn(m.items, input, env, 'Items');
  }
  if (items === MISSING || !Array.isArray(items)) {
    throw new AslError(
      StatesError.Runtime,
      `Map state '${cs.name}': the items are not an array: ${JSON.stringify(items === MISSING ? null : items)}`,
    );
  }
  if (m.batchMax !== null) {
    const b = m.batchInput;
    const batchInput =
      b === null
        ? undefined
        : b.k === 'jp'
          ? b.t(input, env)
          : await evalJa(b.t, env, { input }, 'BatchInput');
    const batches: unknown[] = [];
    for (let i = 0; i < items.length; i += m.batchMax) {
      const slice = items.slice(i, i + m.batchMax);
      batches.push(batchInput === undefined ? { Items: slice } : { BatchInput: batchInput, Items: slice });
    }
    items = batches;
  }
  const list = items as unknown[];
  const selected: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (!m.itemSelector && !m.itemSelectorJa) {
      selected.push(value);
      continue;
    }
    const item = { Map: { Item: { Index: i, Value: value } } };
    const e = envOf(run, frame, item);
    selected.push(
      m.itemSelector
        ? m.itemSelector(input, e)
        : await evalJa(
            m.itemSelectorJa as NonNullable<typeof m.itemSelectorJa>,
            e,
            { input, context: { ...e.context() } },
            'ItemSelector',
          ),
    );
  }
  fan.items = selected;
  fan.max = Number(await readDyn(m.maxConcurrency, input, env, 'MaxConcurrency')) || 0;
  const count = m.toleratedCount
    ? Number(await readDyn(m.toleratedCount, input, env, 'ToleratedFailureCount'))
    : 0;
  const pct = m.toleratedPercent
    ? Number(await readDyn(m.toleratedPercent, input, env, 'ToleratedFailurePercentage'))
    : 0;
  fan.tolerated = Math.max(count, Math.floor((pct / 100) * list.length));
}

/** Starts children until MaxConcurrency is reached or all have started. */
function fill(run: Run, parent: Frame, cs: CState, fan: FanState): void {
  while (fan.started < fan.items.length && (fan.max <= 0 || fan.running < fan.max)) {
    const index = fan.started++;
    fan.running++;
    const machine = cs.type === 'Parallel' ? (cs.branches[index] as string) : (cs.map?.processor as string);
    const sub = run.machine.machines.get(machine);
    const id = `${parent.id}.${index}`;
    if (cs.type === 'Map')
      emit(run, parent, 'MapIterationStarted', 'mapIterationStartedEventDetails', { name: cs.name, index });
    const child: Frame = {
      id,
      parent: parent.id,
      machine,
      index,
      state: sub?.startAt ?? '',
      input: fan.items[index],
      enteredAt: run.now,
      enteredEventId: 0,
      attempts: [],
      retryCount: 0,
      vars: {},
      lastEventId: parent.lastEventId,
      item: null,
      waiting: null,
    };
    fan.children.push(id);
    run.state.frames[id] = child;
    run.queue.push(child);
    run.queueStates.push(null);
  }
}

function parentOf(run: Run, frame: Frame): { parent: Frame; cs: CState; fan: FanState } | null {
  const parent = frame.parent ? run.state.frames[frame.parent] : undefined;
  if (parent?.waiting?.k !== 'fan') return null;
  return { parent, cs: stateOf(run, parent), fan: parent.waiting.fan };
}

/** A child frame finished with an output. */
export function childSucceeded(run: Run, frame: Frame, output: unknown): void {
  const p = parentOf(run, frame);
  delete run.state.frames[frame.id];
  if (!p) return;
  p.fan.results[frame.index] = output;
  p.fan.running--;
  p.fan.done++;
  if (p.fan.kind === 'map')
    emit(run, p.parent, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', {
      name: p.cs.name,
      index: frame.index,
    });
  advanceFan(run, p.parent, p.cs, p.fan);
}

/** A child frame failed: tolerated (Map), or the whole state fails. */
export function childFailed(
  run: Run,
  frame: Frame,
  error: string | undefined,
  cause: string | undefined,
): void {
  const p = parentOf(run, frame);
  delete run.state.frames[frame.id];
  cancelFrameTimers(run, frame.id);
  if (!p) return;
  const { parent, cs, fan } = p;
  fan.running--;
  fan.failed++;
  if (fan.kind === 'map')
    emit(run, parent, 'MapIterationFailed', 'mapIterationFailedEventDetails', {
      name: cs.name,
      index: frame.index,
    });
  if (
    fan.kind === 'map' &&
    cs.map &&
    (fan.tolerated > 0 || cs.map.toleratedCount || cs.map.toleratedPercent)
  ) {
    fan.results[frame.index] = { Error: error ?? null, Cause: cause ?? null };
    if (fan.failed <= fan.tolerated) {
      advanceFan(run, parent, cs, fan);
      return;
    }
    abortFan(
      run,
      parent,
      cs,
      fan,
      StatesError.ExceedToleratedFailureThreshold,
      `The Map state '${cs.name}' exceeded the tolerated failure threshold.`,
    );
    return;
  }
  abortFan(run, parent, cs, fan, error ?? StatesError.BranchFailed, cause ?? '');
}

function abortFan(run: Run, parent: Frame, cs: CState, fan: FanState, error: string, cause: string): void {
  for (const id of fan.children) {
    const child = run.state.frames[id];
    if (!child) continue;
    for (const [fid] of Object.entries(run.state.frames)) if (fid.startsWith(`${id}.`)) removeFrame(run, fid);
    removeFrame(run, id);
    if (fan.kind === 'map')
      emit(run, parent, 'MapIterationAborted', 'mapIterationAbortedEventDetails', {
        name: cs.name,
        index: child.index,
      });
  }
  emit(
    run,
    parent,
    fan.kind === 'map' ? 'MapStateFailed' : 'ParallelStateFailed',
    fan.kind === 'map' ? undefined : 'parallelStateFailedEventDetails',
    fan.kind === 'map' ? undefined : { error, cause },
  );
  parent.waiting = null;
  run.pending.push(run.hooks.raise(run, parent, cs, error, cause));
}

function removeFrame(run: Run, id: string): void {
  const f = run.state.frames[id];
  if (!f) return;
  if (f.waiting?.k === 'task') delete run.state.tasks[f.waiting.taskId];
  cancelFrameTimers(run, id);
  delete run.state.frames[id];
}

function advanceFan(run: Run, parent: Frame, cs: CState, fan: FanState): void {
  if (fan.done + fan.failed < fan.items.length) {
    fill(run, parent, cs, fan);
    return;
  }
  fanDone(run, parent, cs, fan);
}

function fanDone(run: Run, parent: Frame, cs: CState, fan: FanState): void {
  emit(run, parent, fan.kind === 'map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded');
  parent.waiting = null;
  const r = run.hooks.finishResult(run, parent, cs, fan.results);
  if (r instanceof Promise) run.pending.push(r);
}
