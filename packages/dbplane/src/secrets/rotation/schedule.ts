import { parseSchedule, validateSchedule } from '@dbplane/events';
import type { Problem } from '../../errors/index.js';
import type { RotationRules } from '../types.js';

/** Secrets Manager's bounds on `automaticallyAfterDays`. */
export const MAX_DAYS = 1000;

/** The schedule expression of rotation rules: `rate(N days)` or the given expression. */
export function scheduleOf(rules: RotationRules): string | undefined {
  if (rules.scheduleExpression !== undefined) return rules.scheduleExpression;
  const days = rules.automaticallyAfterDays;
  if (days === undefined) return undefined;
  return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
}

/** What is wrong with rotation rules, as problems under `/rotationRules`. */
export function checkRules(rules: RotationRules): Problem[] {
  const days = rules.automaticallyAfterDays;
  if (days !== undefined && rules.scheduleExpression !== undefined)
    return [
      { path: '/rotationRules', message: 'give automaticallyAfterDays or scheduleExpression, not both' },
    ];
  if (days === undefined && rules.scheduleExpression === undefined)
    return [{ path: '/rotationRules', message: 'give automaticallyAfterDays or scheduleExpression' }];
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_DAYS))
    return [
      { path: '/rotationRules/automaticallyAfterDays', message: `must be an integer from 1 to ${MAX_DAYS}` },
    ];
  const expression = rules.scheduleExpression;
  if (expression === undefined) return [];
  if (expression.startsWith('at('))
    return [{ path: '/rotationRules/scheduleExpression', message: 'must be rate(...) or cron(...)' }];
  return validateSchedule(expression).map((p) => ({
    path: '/rotationRules/scheduleExpression',
    message: p.message,
  }));
}

/** When the schedule next rotates, counted from the last rotation (or `from`). */
export function nextRotation(rules: RotationRules, from: Date): Date | undefined {
  const expression = scheduleOf(rules);
  if (expression === undefined) return undefined;
  try {
    return parseSchedule(expression, { timezone: 'UTC' }).next(from) ?? undefined;
  } catch {
    return undefined;
  }
}
