/**
 * What an execution's history says about each state: its visits (entered,
 * exited, input, output, the errors on the way and the attempts), and one
 * status per state name for coloring the graph.
 */
import type { Execution, HistoryEvent } from '../api/types.js';
import type { StateStatus } from '../graph/graph-view.js';

export interface Failure {
  eventId: number;
  type: string;
  error?: string;
  cause?: string;
}

export interface Visit {
  name: string;
  stateType: string;
  enteredId: number;
  enteredAt: string;
  input?: string;
  exitedAt?: string;
  output?: string;
  failures: Failure[];
  attempts: number;
}

type Details = { name?: string; input?: string; output?: string; error?: string; cause?: string };

/** The `*EventDetails` object of an event, if any. */
export function detailsOf(e: HistoryEvent): Details | undefined {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventDetails') && typeof v === 'object' && v !== null) return v as Details;
  }
  return undefined;
}

/** Every state visit, in order of entry. */
export function visitsOf(events: readonly HistoryEvent[]): Visit[] {
  const byId = new Map(events.map((e) => [e.id, e] as const));
  const visits = new Map<number, Visit>();
  const enteredBefore = (e: HistoryEvent): Visit | undefined => {
    let at = byId.get(e.previousEventId);
    for (let guard = 0; at !== undefined && guard < 10_000; guard++) {
      const v = visits.get(at.id);
      if (v !== undefined) return v;
      at = byId.get(at.previousEventId);
    }
    return undefined;
  };
  for (const e of events) {
    const d = detailsOf(e);
    if (e.type.endsWith('StateEntered')) {
      const v: Visit = {
        name: d?.name ?? '?',
        stateType: e.type.slice(0, -'StateEntered'.length),
        enteredId: e.id,
        enteredAt: e.timestamp,
        failures: [],
        attempts: 0,
      };
      if (d?.input !== undefined) v.input = d.input;
      visits.set(e.id, v);
      continue;
    }
    const visit = enteredBefore(e);
    if (visit === undefined) continue;
    if (e.type.endsWith('StateExited')) {
      visit.exitedAt = e.timestamp;
      if (d?.output !== undefined) visit.output = d.output;
    } else if (e.type.endsWith('Scheduled')) {
      visit.attempts += 1;
    } else if (/(Failed|TimedOut|Aborted)$/.test(e.type) && !e.type.startsWith('MapIteration')) {
      const f: Failure = { eventId: e.id, type: e.type };
      if (d?.error !== undefined) f.error = d.error;
      if (d?.cause !== undefined) f.cause = d.cause;
      visit.failures.push(f);
    }
  }
  return [...visits.values()];
}

/** What happened to each state, by name (its latest visit decides). */
export function statusesOf(visits: readonly Visit[], execution: Execution): Map<string, StateStatus> {
  const out = new Map<string, StateStatus>();
  for (const v of visits) out.set(v.name, statusOf(v, execution));
  return out;
}

export function statusOf(v: Visit, execution: Execution): StateStatus {
  if (v.exitedAt !== undefined) {
    // a retry that worked leaves failures too, but fewer than its attempts
    return v.failures.length > 0 && v.failures.length >= v.attempts ? 'caught' : 'succeeded';
  }
  if (execution.status === 'RUNNING') return v.failures.length > 0 ? 'failed' : 'running';
  return execution.status === 'ABORTED' ? 'aborted' : 'failed';
}
