/** EventBridge's six-field cron: `cron(minutes hours day-of-month month day-of-week year)`. */

import { type DayRule, dayMatches, parseDayOfMonth, parseDayOfWeek } from './cron-days.js';
import { parseField } from './cron-field.js';
import { instantsOf, wallAt } from './zone.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A parsed cron expression. */
export interface Cron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: DayRule;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
}

/** Parses the six fields; throws CronFieldError (or Error) with the reason. */
export function parseCron(body: string): Cron {
  const fields = body.split(' ');
  if (fields.length !== 6 || fields.some((f) => f === '')) {
    throw new Error(
      'cron needs six fields separated by single spaces: minutes hours day-of-month month day-of-week year',
    );
  }
  const [mi = '', h = '', dom = '', mo = '', dow = '', y = ''] = fields;
  if ((dom === '?') === (dow === '?')) {
    throw new Error('exactly one of day-of-month and day-of-week must be ?');
  }
  return {
    minutes: parseField(mi, { name: 'minutes', min: 0, max: 59 }),
    hours: parseField(h, { name: 'hours', min: 0, max: 23 }),
    days: dom === '?' ? parseDayOfWeek(dow) : parseDayOfMonth(dom),
    months: parseField(mo, { name: 'month', min: 1, max: 12, names: MONTHS }),
    years: parseField(y, { name: 'year', min: 1970, max: 2199 }),
  };
}

/** The first wall minute at or after `wall` that the expression allows, or null. */
function nextWall(cron: Cron, start: number): number | null {
  let wall = start;
  for (;;) {
    const d = new Date(wall);
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    if (year > 2199) return null;
    if (!cron.years.has(year)) wall = Date.UTC(year + 1, 0, 1);
    else if (!cron.months.has(month)) wall = Date.UTC(year, month, 1);
    else if (!dayMatches(cron.days, year, month, day)) wall = Date.UTC(year, month - 1, day) + DAY;
    else if (!cron.hours.has(d.getUTCHours())) wall = Math.floor(wall / HOUR) * HOUR + HOUR;
    else if (!cron.minutes.has(d.getUTCMinutes())) wall += MINUTE;
    else return wall;
  }
}

/**
 * The first fire time strictly after `from`. Wall times skipped by a
 * spring-forward do not fire; a repeated wall time fires once, at its first occurrence.
 */
export function nextCron(cron: Cron, from: number, timeZone: string): number | null {
  let wall = Math.floor(wallAt(from, timeZone) / MINUTE) * MINUTE + MINUTE;
  for (;;) {
    const found = nextWall(cron, wall);
    if (found === null) return null;
    const first = instantsOf(found, timeZone)[0];
    if (first !== undefined && first > from) return first;
    wall = found + MINUTE;
  }
}
