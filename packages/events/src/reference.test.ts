import { describe, expect, it } from 'vitest';
import { MATCH_CASES } from './pattern/cases.test-helpers.js';
import { InvalidEventPatternError } from './problem.js';
import { matchesPattern } from './reference.js';

describe('matchesPattern', () => {
  it.each(MATCH_CASES)('$name', ({ pattern, event, match }) => {
    expect(matchesPattern(pattern, event)).toBe(match);
  });

  it('throws on an invalid pattern', () => {
    expect(() => matchesPattern({ a: 'x' }, {})).toThrow(InvalidEventPatternError);
  });
});
