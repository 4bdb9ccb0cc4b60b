/** An execution and its whole history, polled every second while it runs. */
import { useCallback, useEffect, useState } from 'react';
import { get, path, seg } from '../api/client.js';
import type { Execution, HistoryEvent } from '../api/types.js';

interface State {
  execution?: Execution;
  events?: HistoryEvent[];
  error?: Error;
}

async function history(base: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await get<{ events: HistoryEvent[]; nextToken?: string }>(
      path(`${base}/history`, { limit: 1000, nextToken }),
    );
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

export function useExecution(machine: string, name: string, pollMs = 1000) {
  const [state, setState] = useState<State>({});
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick forces a reload
  useEffect(() => {
    const base = `/v1/state-machines/${seg(machine)}/executions/${seg(name)}`;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const execution = await get<Execution>(base);
        const events = await history(base);
        if (!live) return;
        setState({ execution, events });
        if (execution.status === 'RUNNING') timer = setTimeout(load, pollMs);
      } catch (err) {
        if (live) setState((s) => ({ ...s, error: err as Error }));
      }
    };
    void load();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [machine, name, pollMs, tick]);
  return { ...state, reload };
}
