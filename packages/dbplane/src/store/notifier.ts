import type pg from 'pg';

type Listener = (payload: string) => void;

export interface Notifier {
  /** Calls `listener` for each NOTIFY on `channel` until the returned function is called. */
  subscribe(channel: string, listener: Listener): () => void;
  /**
   * How many notifications `channel` has had so far (and from now on, LISTENs
   * to it). Take it before checking the store, pass it to `wait` as `after`:
   * a notification that lands between the check and the wait is not lost.
   */
  cursor(channel: string): number;
  /**
   * Resolves when `channel` is notified with `payload` (or any payload when
   * omitted), or after `ms`; at once when it was notified since `after`.
   */
  wait(channel: string, ms: number, payload?: string, signal?: AbortSignal, after?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per node, shared by every waiter: how long polls and
 * workers wake up as soon as another node (or this one) commits work.
 * Reconnects after losing its connection; a waiter whose wake-up was lost
 * still returns at its timeout, so callers always re-check the store.
 *
 * @example
 * const notifier = createNotifier(pool);
 * await notifier.wait('dbplane_queue', 20_000, queueId);
 */
export function createNotifier(pool: pg.Pool): Notifier {
  const listeners = new Map<string, Set<Listener>>();
  const counts = new Map<string, number>();
  let client: pg.PoolClient | undefined;
  let connecting: Promise<pg.PoolClient> | undefined;
  let closed = false;

  const connect = async (): Promise<pg.PoolClient> => {
    if (client !== undefined) return client;
    connecting ??= (async () => {
      const c = await pool.connect();
      c.on('notification', (msg) => {
        counts.set(msg.channel, (counts.get(msg.channel) ?? 0) + 1);
        for (const l of listeners.get(msg.channel) ?? []) l(msg.payload ?? '');
      });
      c.on('error', () => {
        client = undefined;
        c.release(true);
      });
      for (const channel of listeners.keys()) await c.query(`LISTEN ${quote(channel)}`);
      client = c;
      connecting = undefined;
      return c;
    })();
    return connecting;
  };

  let listening: Promise<unknown> = Promise.resolve();
  const subscribe = (channel: string, listener: Listener) => {
    let set = listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      listeners.set(channel, set);
      // one query at a time on the listening client: LISTENs are chained
      listening = listening
        .then(() => connect())
        .then((c) => c.query(`LISTEN ${quote(channel)}`))
        .catch(() => {});
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };

  return {
    subscribe,
    cursor(channel) {
      if (!listeners.has(channel)) subscribe(channel, () => {});
      return counts.get(channel) ?? 0;
    },
    wait(channel, ms, payload, signal, after) {
      if (after !== undefined && (counts.get(channel) ?? 0) > after) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (woken: boolean) => {
          clearTimeout(timer);
          unsubscribe();
          signal?.removeEventListener('abort', onAbort);
          resolve(woken);
        };
        const onAbort = () => done(false);
        const unsubscribe = subscribe(channel, (p) => {
          if (payload === undefined || p === payload) done(true);
        });
        const timer = setTimeout(() => done(false), ms);
        signal?.addEventListener('abort', onAbort);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      const c = client ?? (connecting === undefined ? undefined : await connecting.catch(() => undefined));
      client = undefined;
      c?.release(true);
    },
  };
}

function quote(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  return channel;
}
