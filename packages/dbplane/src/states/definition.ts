import { validateDefinition } from '@dbplane/asl';
import { type Problem, ValidationError } from '../errors/index.js';

/**
 * Parses a definition given as a JSON value or a JSON string (as AWS takes
 * it) and validates it; every problem's pointer is prefixed with `/definition`.
 */
export function checkDefinition(definition: unknown): unknown {
  let value = definition;
  if (typeof definition === 'string') {
    try {
      value = JSON.parse(definition);
    } catch (err) {
      throw new ValidationError([
        { path: '/definition', message: `is not valid JSON: ${(err as Error).message}` },
      ]);
    }
  }
  const problems: Problem[] = validateDefinition(value).map((p) => ({
    path: `/definition${p.path === '/' ? '' : p.path}`,
    message: p.message,
  }));
  if (problems.length > 0) throw new ValidationError(problems);
  return value;
}
