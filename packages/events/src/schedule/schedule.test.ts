import { describe, expect, it } from 'vitest';
import { InvalidScheduleError, parseSchedule, validateSchedule } from './schedule.js';

const next = (expr: string, from: string, timezone = 'UTC') =>
  parseSchedule(expr, { timezone }).next(new Date(from))?.toISOString() ?? null;

function sequence(expr: string, from: string, n: number, timezone = 'UTC'): string[] {
  const schedule = parseSchedule(expr, { timezone });
  const out: string[] = [];
  let at: Date | null = new Date(from);
  for (let i = 0; i < n && at !== null; i++) {
    at = schedule.next(at);
    if (at !== null) out.push(at.toISOString());
  }
  return out;
}

describe('rate', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
  ])('accepts %s', (expr) => expect(validateSchedule(expr)).toEqual([]));

  it.each([
    ['rate(1 minutes)', 'rate value 1 needs the unit singular'],
    ['rate(5 minute)', 'rate value 5 needs the unit plural'],
    ['rate(0 minutes)', 'rate value must be a positive integer'],
    ['rate(5 Minutes)', 'rate needs "value unit", unit one of minute(s), hour(s), day(s)'],
    ['rate( 5 minutes)', 'rate needs "value unit", unit one of minute(s), hour(s), day(s)'],
    ['rate(5  minutes)', 'rate needs "value unit", unit one of minute(s), hour(s), day(s)'],
    ['rate(5 weeks)', 'rate needs "value unit", unit one of minute(s), hour(s), day(s)'],
    ['rate(1.5 hours)', 'rate needs "value unit", unit one of minute(s), hour(s), day(s)'],
  ])('rejects %s', (expr, reason) => {
    expect(validateSchedule(expr)).toEqual([
      { path: '', message: `Invalid schedule expression ${JSON.stringify(expr)}: ${reason}` },
    ]);
  });

  it('fires one period after from, or on the grid of a start time', () => {
    expect(next('rate(5 minutes)', '2024-01-01T00:00:30Z')).toBe('2024-01-01T00:05:30.000Z');
    const s = parseSchedule('rate(1 hour)', { start: new Date('2024-01-01T00:10:00Z') });
    expect(s.next(new Date('2024-01-01T00:00:00Z'))?.toISOString()).toBe('2024-01-01T00:10:00.000Z');
    expect(s.next(new Date('2024-01-01T00:10:00Z'))?.toISOString()).toBe('2024-01-01T01:10:00.000Z');
    expect(s.next(new Date('2024-01-01T03:59:00Z'))?.toISOString()).toBe('2024-01-01T04:10:00.000Z');
  });
});

describe('cron', () => {
  it('fires strictly after from', () => {
    expect(next('cron(0 12 * * ? *)', '2024-01-01T11:00:00Z')).toBe('2024-01-01T12:00:00.000Z');
    expect(next('cron(0 12 * * ? *)', '2024-01-01T12:00:00Z')).toBe('2024-01-02T12:00:00.000Z');
  });

  it('uses the time zone: noon in Paris in winter and in summer', () => {
    expect(next('cron(0 12 * * ? *)', '2024-01-10T00:00:00Z', 'Europe/Paris')).toBe(
      '2024-01-10T11:00:00.000Z',
    );
    expect(next('cron(0 12 * * ? *)', '2024-06-01T12:00:00Z', 'Europe/Paris')).toBe(
      '2024-06-02T10:00:00.000Z',
    );
    expect(next('cron(0 12 * * ? *)', '2024-06-01T00:00:00Z', 'America/New_York')).toBe(
      '2024-06-01T16:00:00.000Z',
    );
  });

  it('handles increments, ranges, lists and names', () => {
    expect(sequence('cron(0/15 * * * ? *)', '2024-01-01T10:07:00Z', 3)).toEqual([
      '2024-01-01T10:15:00.000Z',
      '2024-01-01T10:30:00.000Z',
      '2024-01-01T10:45:00.000Z',
    ]);
    expect(next('cron(0 18 ? * MON-FRI *)', '2024-06-01T00:00:00Z')).toBe('2024-06-03T18:00:00.000Z');
    expect(next('cron(0 18 ? * 2-6 *)', '2024-06-01T00:00:00Z')).toBe('2024-06-03T18:00:00.000Z');
    expect(sequence('cron(0 0 1 JAN,JUL ? *)', '2024-01-01T00:00:00Z', 2)).toEqual([
      '2024-07-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ]);
    expect(next('cron(15 10 ? * 6L 2022-2023)', '2022-01-01T00:00:00Z')).toBe('2022-01-28T10:15:00.000Z');
  });

  it('day-of-week 1-7 is SUN-SAT', () => {
    expect(next('cron(0 0 ? * 1 *)', '2024-06-03T00:00:00Z')).toBe('2024-06-09T00:00:00.000Z'); // Sunday
    expect(next('cron(0 0 ? * 7 *)', '2024-06-03T00:00:00Z')).toBe('2024-06-08T00:00:00.000Z'); // Saturday
    expect(next('cron(0 0 ? * L *)', '2024-06-03T00:00:00Z')).toBe('2024-06-08T00:00:00.000Z');
  });

  it('L is the last day of the month', () => {
    expect(next('cron(0 0 L * ? *)', '2024-02-10T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(next('cron(0 0 L * ? *)', '2023-02-10T00:00:00Z')).toBe('2023-02-28T00:00:00.000Z');
  });

  it('W is the nearest weekday within the month', () => {
    expect(next('cron(0 0 15W * ? *)', '2024-06-01T00:00:00Z')).toBe('2024-06-14T00:00:00.000Z'); // 15th is a Saturday
    expect(next('cron(0 0 1W * ? *)', '2024-05-31T00:00:00Z')).toBe('2024-06-03T00:00:00.000Z'); // 1st is a Saturday
    expect(next('cron(0 0 16W * ? *)', '2024-06-01T00:00:00Z')).toBe('2024-06-17T00:00:00.000Z'); // 16th is a Sunday
    expect(next('cron(0 0 LW * ? *)', '2024-08-01T00:00:00Z')).toBe('2024-08-30T00:00:00.000Z'); // 31st is a Saturday
  });

  it('# is the nth weekday of the month, nL the last one', () => {
    expect(next('cron(0 10 ? * 3#2 *)', '2024-06-01T00:00:00Z')).toBe('2024-06-11T10:00:00.000Z');
    expect(next('cron(0 10 ? * TUE#1 *)', '2024-06-05T00:00:00Z')).toBe('2024-07-02T10:00:00.000Z');
    expect(next('cron(0 10 ? * 6L *)', '2024-06-01T00:00:00Z')).toBe('2024-06-28T10:00:00.000Z');
  });

  it('returns null after the last year', () => {
    expect(next('cron(0 0 1 1 ? 2030)', '2024-01-01T00:00:00Z')).toBe('2030-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2030)', '2030-01-01T00:00:00Z')).toBeNull();
  });

  it('skips a wall time that spring-forward removes', () => {
    // Paris, 2024-03-31: 02:00 CET jumps to 03:00 CEST.
    expect(next('cron(30 2 * * ? *)', '2024-03-30T12:00:00Z', 'Europe/Paris')).toBe(
      '2024-04-01T00:30:00.000Z',
    );
    expect(sequence('cron(0 * * * ? *)', '2024-03-31T00:30:00Z', 2, 'Europe/Paris')).toEqual([
      '2024-03-31T01:00:00.000Z',
      '2024-03-31T02:00:00.000Z',
    ]);
  });

  it('fires a repeated wall time once at fall-back', () => {
    // Paris, 2024-10-27: 03:00 CEST goes back to 02:00 CET.
    expect(sequence('cron(30 2 * * ? *)', '2024-10-26T12:00:00Z', 2, 'Europe/Paris')).toEqual([
      '2024-10-27T00:30:00.000Z',
      '2024-10-28T01:30:00.000Z',
    ]);
    expect(sequence('cron(0 * * * ? *)', '2024-10-26T23:30:00Z', 3, 'Europe/Paris')).toEqual([
      '2024-10-27T00:00:00.000Z',
      '2024-10-27T02:00:00.000Z',
      '2024-10-27T03:00:00.000Z',
    ]);
  });

  it.each([
    ['cron(0 12 * * * *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 12 ? * ? *)', 'exactly one of day-of-month and day-of-week must be ?'],
    [
      'cron(0 12 * * ?)',
      'cron needs six fields separated by single spaces: minutes hours day-of-month month day-of-week year',
    ],
    ['cron(60 12 * * ? *)', 'invalid minutes value "60"'],
    ['cron(0 24 * * ? *)', 'invalid hours value "24"'],
    ['cron(0 0 32 * ? *)', 'invalid day-of-month value "32"'],
    ['cron(0 0 ? * 8 *)', 'invalid day-of-week value "8"'],
    ['cron(0 0 ? * 2#6 *)', 'invalid day-of-week "2#6"'],
    ['cron(0 0 1 13 ? *)', 'invalid month value "13"'],
    ['cron(0 0 1 * ? 1969)', 'invalid year value "1969"'],
    ['cron(0/0 0 1 * ? *)', 'invalid minutes increment "0"'],
    ['cron(5-1 0 1 * ? *)', 'invalid minutes range "5-1"'],
    ['CRON(0 0 1 * ? *)', 'expected rate(...), cron(...) or at(...)'],
  ])('rejects %s', (expr, reason) => {
    expect(validateSchedule(expr)).toEqual([
      { path: '', message: `Invalid schedule expression ${JSON.stringify(expr)}: ${reason}` },
    ]);
    expect(() => parseSchedule(expr)).toThrow(InvalidScheduleError);
  });

  it('rejects an unknown time zone', () => {
    expect(validateSchedule('cron(0 12 * * ? *)', { timezone: 'Mars/Olympus' })[0]?.message).toMatch(
      /unknown time zone/,
    );
  });
});

describe('at', () => {
  it('fires once at a wall time in the zone', () => {
    const s = parseSchedule('at(2024-06-01T12:00:00)', { timezone: 'Europe/Paris' });
    expect(s.next(new Date('2024-06-01T00:00:00Z'))?.toISOString()).toBe('2024-06-01T10:00:00.000Z');
    expect(s.next(new Date('2024-06-01T10:00:00Z'))).toBeNull();
  });

  it('moves a wall time in a spring-forward gap forward', () => {
    const s = parseSchedule('at(2024-03-31T02:30:00)', { timezone: 'Europe/Paris' });
    expect(s.next(new Date('2024-01-01T00:00:00Z'))?.toISOString()).toBe('2024-03-31T01:30:00.000Z');
  });

  it.each([
    'at(2024-02-30T00:00:00)',
    'at(2024-06-01T24:00:00)',
    'at(2024-06-01 12:00:00)',
    'at(2024-06-01T12:00)',
  ])('rejects %s', (expr) => expect(validateSchedule(expr)).toHaveLength(1));
});
