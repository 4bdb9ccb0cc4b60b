/** Schedule expressions: `rate(...)`, `cron(...)` and `at(...)`, with an IANA time zone. */
import type { Problem } from '../problem.js';
import { type Cron, nextCron, parseCron } from './cron.js';
import { instantOf, isTimeZone } from './zone.js';

/** Options of parseSchedule. */
export interface ScheduleOptions {
  /** IANA time zone of cron and at expressions; default UTC. */
  readonly timezone?: string;
  /** For rate expressions: the first fire time; later ones follow every period. Without it, `next(from)` is `from` + period. */
  readonly start?: Date;
}

/** A parsed schedule expression. */
export type Schedule =
  | { readonly kind: 'rate'; readonly periodMs: number; next(from: Date): Date | null }
  | { readonly kind: 'cron'; readonly cron: Cron; next(from: Date): Date | null }
  | { readonly kind: 'at'; readonly at: Date; next(from: Date): Date | null };

/** Thrown by parseSchedule for an invalid expression. */
export class InvalidScheduleError extends Error {
  readonly code = 'ValidationException' as const;
  readonly retryable = false as const;
  constructor(readonly problems: readonly Problem[]) {
    super(problems[0]?.message ?? 'Invalid schedule expression');
    this.name = 'InvalidScheduleError';
  }
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

function rate(body: string, options: ScheduleOptions): Schedule {
  const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (m === null) throw new Error('rate needs "value unit", unit one of minute(s), hour(s), day(s)');
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (n < 1) throw new Error('rate value must be a positive integer');
  if ((n === 1) !== !unit.endsWith('s'))
    throw new Error(`rate value ${n} needs the unit ${n === 1 ? 'singular' : 'plural'}`);
  const periodMs = n * UNIT_MS[unit.replace(/s$/, '') as keyof typeof UNIT_MS];
  const start = options.start?.getTime();
  return {
    kind: 'rate',
    periodMs,
    next(from) {
      const t = from.getTime();
      if (start === undefined) return new Date(t + periodMs);
      if (start > t) return new Date(start);
      return new Date(start + (Math.floor((t - start) / periodMs) + 1) * periodMs);
    },
  };
}

function at(body: string, timeZone: string): Schedule {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (m === null) throw new Error('at needs yyyy-mm-ddThh:mm:ss');
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new Error(`at has an invalid date or time: ${body}`);
  }
  const when = new Date(instantOf(wall, timeZone));
  return { kind: 'at', at: when, next: (from) => (when.getTime() > from.getTime() ? when : null) };
}

function cron(body: string, timeZone: string): Schedule {
  const parsed = parseCron(body);
  return {
    kind: 'cron',
    cron: parsed,
    next(from) {
      const t = nextCron(parsed, from.getTime(), timeZone);
      return t === null ? null : new Date(t);
    },
  };
}

function build(expression: string, options: ScheduleOptions): Schedule {
  const timeZone = options.timezone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new Error(`unknown time zone "${timeZone}"`);
  const m = /^(rate|cron|at)\((.*)\)$/s.exec(expression);
  if (m === null) throw new Error('expected rate(...), cron(...) or at(...)');
  const body = m[2] ?? '';
  if (m[1] === 'rate') return rate(body, options);
  return m[1] === 'cron' ? cron(body, timeZone) : at(body, timeZone);
}

function problem(expression: string, e: unknown): Problem {
  const reason = e instanceof Error ? e.message : String(e);
  return { path: '', message: `Invalid schedule expression ${JSON.stringify(expression)}: ${reason}` };
}

/**
 * Parses a schedule expression; throws InvalidScheduleError with a clear reason when it is invalid.
 *
 * @example
 * parseSchedule('cron(0 12 * * ? *)', { timezone: 'Europe/Paris' }).next(new Date('2024-06-01T12:00:00Z'));
 * // 2024-06-02T10:00:00.000Z (noon in Paris, summer time)
 */
export function parseSchedule(expression: string, options: ScheduleOptions = {}): Schedule {
  try {
    return build(expression, options);
  } catch (e) {
    throw new InvalidScheduleError([problem(expression, e)]);
  }
}

/**
 * Checks a schedule expression; [] when valid.
 *
 * @example
 * validateSchedule('rate(1 minutes)'); // [{ path: '', message: 'Invalid schedule expression "rate(1 minutes)": rate value 1 needs the unit singular' }]
 */
export function validateSchedule(expression: string, options: ScheduleOptions = {}): Problem[] {
  try {
    build(expression, options);
    return [];
  } catch (e) {
    return [problem(expression, e)];
  }
}
