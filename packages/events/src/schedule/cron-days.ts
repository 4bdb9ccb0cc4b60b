/** Day-of-month (`L`, `LW`, `nW`) and day-of-week (`nL`, `n#k`) rules of a cron expression. */
import { CronFieldError, parseField } from './cron-field.js';

/** Which days of a month fire. */
export type DayRule =
  | {
      readonly kind: 'month';
      readonly days: ReadonlySet<number>;
      readonly last: boolean;
      readonly lastWeekday: boolean;
      readonly nearestWeekday: readonly number[];
    }
  | {
      readonly kind: 'week';
      readonly days: ReadonlySet<number>;
      readonly lastOf: readonly number[];
      readonly nth: readonly (readonly [number, number])[];
    };

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const DOM = { name: 'day-of-month', min: 1, max: 31 } as const;
const DOW = { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS } as const;

/** Parses the day-of-month field (not `?`). */
export function parseDayOfMonth(text: string): DayRule {
  const days = new Set<number>();
  const nearestWeekday: number[] = [];
  let last = false;
  let lastWeekday = false;
  for (const item of text.split(',')) {
    if (item === 'L') last = true;
    else if (item === 'LW') lastWeekday = true;
    else if (/^\d+W$/.test(item)) nearestWeekday.push([...parseField(item.slice(0, -1), DOM)][0] ?? 1);
    else for (const d of parseField(item, DOM)) days.add(d);
  }
  return { kind: 'month', days, last, lastWeekday, nearestWeekday };
}

/** Parses the day-of-week field (not `?`); 1-7 are SUN-SAT as in EventBridge. */
export function parseDayOfWeek(text: string): DayRule {
  const days = new Set<number>();
  const lastOf: number[] = [];
  const nth: [number, number][] = [];
  for (const item of text.split(',')) {
    if (item === 'L') days.add(7);
    else if (/^\w+L$/.test(item)) lastOf.push([...parseField(item.slice(0, -1), DOW)][0] ?? 1);
    else if (item.includes('#')) {
      const [d = '', k = ''] = item.split('#');
      if (!/^[1-5]$/.test(k)) throw new CronFieldError(`invalid day-of-week "${item}"`);
      nth.push([[...parseField(d, DOW)][0] ?? 1, Number(k)]);
    } else for (const d of parseField(item, DOW)) days.add(d);
  }
  return { kind: 'week', days, lastOf, nth };
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (MON-FRI) nearest to `day` within the month, as Quartz defines `nW`. */
function nearest(year: number, month: number, day: number): number {
  const end = lastDay(year, month);
  if (day > end) return -1;
  const wd = weekday(year, month, day);
  if (wd === 7) return day === 1 ? 3 : day - 1;
  if (wd === 1) return day === end ? day - 2 : day + 1;
  return day;
}

function lastWeekdayOf(year: number, month: number): number {
  const end = lastDay(year, month);
  const wd = weekday(year, month, end);
  return wd === 7 ? end - 1 : wd === 1 ? end - 2 : end;
}

/** True when the rule fires on that date (month 1-12). */
export function dayMatches(rule: DayRule, year: number, month: number, day: number): boolean {
  if (rule.kind === 'month') {
    if (rule.days.has(day)) return true;
    if (rule.last && day === lastDay(year, month)) return true;
    if (rule.lastWeekday && day === lastWeekdayOf(year, month)) return true;
    return rule.nearestWeekday.some((n) => nearest(year, month, n) === day);
  }
  const wd = weekday(year, month, day);
  if (rule.days.has(wd)) return true;
  if (rule.lastOf.includes(wd) && day + 7 > lastDay(year, month)) return true;
  return rule.nth.some(([d, k]) => d === wd && Math.ceil(day / 7) === k);
}
