/** The reference matcher: one pattern, one event, no cleverness. The oracle for the compiled matcher. */
import { flatten, valuesAt } from './pattern/flatten.js';
import { parsePattern } from './pattern/parse.js';
import { conditionHolds } from './pattern/test-leaf.js';
import { InvalidEventPatternError } from './problem.js';

/**
 * True when `event` matches `pattern`; throws InvalidEventPatternError when the pattern is invalid.
 *
 * @example
 * matchesPattern({ detail: { state: [{ prefix: 'run' }] } }, { detail: { state: 'running' } }); // true
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const parsed = parsePattern(pattern, { maxLength: Number.POSITIVE_INFINITY });
  if (!parsed.ok) throw new InvalidEventPatternError('pattern', parsed.problems);
  const fields = flatten(event);
  return parsed.branches.some((branch) => branch.every((c) => conditionHolds(c, valuesAt(fields, c.path))));
}
