import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cron, nextCron, parseCron } from './cron.js';
import { dayMatches } from './cron-days.js';

const MINUTE = 60_000;

function fires(cron: Cron, t: number): boolean {
  const d = new Date(t);
  return (
    cron.minutes.has(d.getUTCMinutes()) &&
    cron.hours.has(d.getUTCHours()) &&
    cron.months.has(d.getUTCMonth() + 1) &&
    cron.years.has(d.getUTCFullYear()) &&
    dayMatches(cron.days, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
  );
}

const minutes = fc.constantFrom('0', '*/15', '5,35', '59', '10-12', '*');
const hours = fc.constantFrom('*', '0', '12', '9-17', '*/6', '23');
const days = fc.constantFrom(
  '* ? ',
  '1 ? ',
  'L ? ',
  '15W ? ',
  'LW ? ',
  '? MON-FRI',
  '? 1',
  '? 6L',
  '? 3#2',
  '? 7',
);
const months = fc.constantFrom('*', '2', 'JAN,JUL', '11-12');

describe('nextCron (property)', () => {
  it('returns the first matching minute strictly after from (UTC, brute-force check)', () => {
    fc.assert(
      fc.property(
        minutes,
        hours,
        days,
        months,
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (mi, h, d, mo, from) => {
          const [dom, dow] = d.trim().split(' ');
          const cron = parseCron(`${mi} ${h} ${dom} ${mo} ${dow} *`);
          const next = nextCron(cron, from, 'UTC');
          expect(next).not.toBeNull();
          const t = next ?? 0;
          expect(t).toBeGreaterThan(from);
          expect(t % MINUTE).toBe(0);
          expect(fires(cron, t)).toBe(true);
          if (t - from < 3 * 86_400_000) {
            for (let m = Math.floor(from / MINUTE) * MINUTE + MINUTE; m < t; m += MINUTE) {
              if (fires(cron, m)) expect.fail(`missed ${new Date(m).toISOString()}`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
