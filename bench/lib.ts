import pg from 'pg';

/**
 * Shared shape of every benchmark: one JSON line per figure on stdout.
 *
 * @example
 * emit({ bench: 'asl', metric: 'pass_chain_transitions_per_s', value: 1.2e6, unit: '1/s' });
 */
export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  peer?: string;
  peerValue?: number;
  ratio?: number;
}

export interface BenchOptions {
  quick: boolean;
  emit: (figure: Figure) => void;
}

export type Bench = (options: BenchOptions) => Promise<void>;

/** Writes one figure as a JSON line; adds `ratio` when a peer value is present. */
export function emit(figure: Figure): void {
  const line: Figure = { ...figure, value: round(figure.value) };
  if (figure.peerValue !== undefined) {
    line.peerValue = round(figure.peerValue);
    line.ratio = figure.peerValue === 0 ? 0 : round(figure.value / figure.peerValue);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}

/** The p-th percentile (0..100) of a list of samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** The PostgreSQL server benches make their stores on (`DBPLANE_BENCH_DATABASE_URL`). */
export const ADMIN_URL =
  process.env.DBPLANE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on the bench server (creating and dropping a bench's own database). */
export async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** An API call with a key: status and parsed JSON body. */
export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** A client of a running node's API. */
export function client(url: string, key: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}
