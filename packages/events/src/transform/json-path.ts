/**
 * The JSON path subset EventBridge evaluates: `$`, dot notation (dashes,
 * underscores, slashes...), array indices `[0]` and wildcards `*` / `[*]`.
 */

/** One step of a path. */
export type Step =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'all' };

/** Parses a path such as `$.detail.items[0].id`; null when it is not one. */
export function parseJsonPath(path: string): Step[] | null {
  if (!path.startsWith('$')) return null;
  const steps: Step[] = [];
  const re = /\.([^.[\]]+)|\[(\d+|\*)\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (m === null) return null;
    const [, key, bracket] = m;
    if (key !== undefined) steps.push(key === '*' ? { kind: 'all' } : { kind: 'key', key });
    else steps.push(bracket === '*' ? { kind: 'all' } : { kind: 'index', index: Number(bracket) });
  }
  return steps;
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return Object.values(value);
  return [];
}

function step(value: unknown, s: Step): unknown[] {
  if (s.kind === 'all') return children(value);
  if (s.kind === 'index') return Array.isArray(value) && s.index < value.length ? [value[s.index]] : [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.hasOwn(value, s.key) ? [(value as Record<string, unknown>)[s.key]] : [];
}

/**
 * Evaluates a parsed path; `undefined` when nothing is there. A path with a
 * wildcard yields the list of what it found.
 *
 * @example
 * evaluateJsonPath(parseJsonPath('$.a[1]') ?? [], { a: [1, 2] }); // 2
 */
export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown {
  let current: unknown[] = [root];
  for (const s of steps) current = current.flatMap((v) => step(v, s));
  if (steps.some((s) => s.kind === 'all')) return current;
  return current[0];
}
