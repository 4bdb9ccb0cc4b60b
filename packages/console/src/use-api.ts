/** Loads an API resource for a component: data, error and reload, with optional polling. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from './api/client.js';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `url` (nothing when null); polls every `pollMs` while `poll` holds
 * for the last answer. Keeps the last data while reloading, so nothing jumps.
 */
export function useApi<T>(url: string | null, opts: { pollMs?: number; poll?: (d: T) => boolean } = {}) {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean; for?: string }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const optsRef = useRef(opts);
  optsRef.current = opts;

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick forces a reload
  useEffect(() => {
    if (url === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      setState((s) => ({ ...s, loading: true }));
      try {
        const data = await get<T>(url);
        if (!live) return;
        setState({ data, loading: false, for: url });
        const { pollMs, poll } = optsRef.current;
        if (pollMs !== undefined && (poll === undefined || poll(data))) timer = setTimeout(load, pollMs);
      } catch (err) {
        if (live) setState((s) => ({ ...s, error: err as Error, loading: false, for: url }));
      }
    };
    void load();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [url, tick]);

  const current = state.for === url;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: state.loading || !current,
    reload,
  } satisfies Loaded<T>;
}
