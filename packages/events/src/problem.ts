/**
 * Problems: expected failures reported as values (STYLE 8).
 *
 * Glossary:
 * - Problem: one reason an input is invalid, with a JSON pointer to the spot.
 * - InvalidEventPatternError: thrown at the edge (compileRules) with the problems.
 */

/** One reason an input is invalid; `path` is a JSON pointer (RFC 6901) into that input. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** Appends one reference token to a JSON pointer, escaping `~` and `/`. */
export function pointer(base: string, token: string | number): string {
  return `${base}/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * Thrown by `compileRules` when a rule's pattern is invalid.
 *
 * @example
 * try { compileRules([{ id: 'r', pattern: {} }]) } catch (e) { if (e instanceof InvalidEventPatternError) e.problems }
 */
export class InvalidEventPatternError extends Error {
  readonly code = 'InvalidEventPatternException' as const;
  readonly retryable = false as const;
  constructor(
    readonly ruleId: string,
    readonly problems: readonly Problem[],
  ) {
    super(`Event pattern is not valid. Reason: ${problems[0]?.message ?? 'unknown'}`);
    this.name = 'InvalidEventPatternError';
  }
}
