import { pointer } from './json-schema.js';
import type { SpecProblem } from './types.js';

/**
 * Total accessors and checks for the reference checks: they read a value of
 * any shape (structurally invalid too) without throwing, so that reference
 * problems are reported together with structural ones.
 */

/** `v` when it is an array, else `[]`. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `v[key]` when `v` is a plain object, else undefined. */
export function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}

/** `v[key]` when it is a string, else undefined. */
export function str(v: unknown, key: string): string | undefined {
  const f = field(v, key);
  return typeof f === 'string' ? f : undefined;
}

/** Collects problems; `at` builds pointers. */
export class Problems {
  readonly list: SpecProblem[] = [];
  private structural = 0;
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  /** Marks the problems so far as structural (found by the JSON Schema). */
  endOfStructure(): void {
    this.structural = this.list.length;
  }
  /** Whether a structural problem is at `path` or under it (checks that depend on its shape are skipped). */
  hasStructural(path: string): boolean {
    return this.list.slice(0, this.structural).some((p) => p.path === path || p.path.startsWith(`${path}/`));
  }
}

/** The pointer of `base` + tokens. */
export function at(base: string, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>((p, t) => pointer(p, t), base);
}

/** Reports names longer than `maxBytes` in UTF-8 (the server would truncate them) or holding NUL. */
export function checkNameBytes(p: Problems, path: string, name: string | undefined, maxBytes: number): void {
  if (name === undefined) return;
  if (name.includes('\u0000')) p.add(path, 'must not contain a NUL character');
  if (Buffer.byteLength(name, 'utf8') > maxBytes) p.add(path, `must be at most ${maxBytes} bytes in UTF-8`);
}

/** Reports every item whose key was seen before. */
export function checkUnique(p: Problems, items: { path: string; key: string | undefined }[], what: string) {
  const seen = new Set<string>();
  for (const { path, key } of items) {
    if (key === undefined) continue;
    if (seen.has(key)) p.add(path, `duplicate ${what}`);
    seen.add(key);
  }
}

/**
 * Reports privileges not in `allowed`, duplicates, `ALL` mixed with others,
 * and an empty list on an additive grant.
 */
export function checkPrivilegeList(
  p: Problems,
  path: string,
  privileges: unknown,
  o: { allowed: readonly string[]; normalize: (s: string) => string; allowAll: boolean; additive: boolean },
): void {
  const list = arr(privileges).filter((x): x is string => typeof x === 'string');
  if (Array.isArray(privileges) && privileges.length === 0 && o.additive)
    p.add(path, 'an additive grant needs at least one privilege');
  const seen = new Set<string>();
  arr(privileges).forEach((raw, i) => {
    if (typeof raw !== 'string') return;
    const name = o.normalize(raw);
    if (seen.has(name)) p.add(at(path, i), `duplicate privilege ${name}`);
    seen.add(name);
    if (name === 'ALL') {
      if (!o.allowAll) p.add(at(path, i), 'ALL is not accepted here: list the privileges');
      else if (list.length > 1) p.add(at(path, i), 'ALL must be alone');
    } else if (!o.allowed.includes(name))
      p.add(at(path, i), `unknown privilege ${JSON.stringify(raw)}; expected one of ${o.allowed.join(', ')}`);
  });
}
