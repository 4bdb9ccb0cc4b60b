/** Internal: a validation failure raised deep in the parser and turned into a Problem at its entry. */
export class PatternFault {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/** Raises a PatternFault; the parser entry point catches it. */
export function fail(path: string, message: string): never {
  throw new PatternFault(path, message);
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
