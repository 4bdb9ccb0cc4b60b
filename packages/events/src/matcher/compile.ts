/** compileRules: many rules in one machine, with rules added and removed at run time. */
import { type PatternOptions, parsePattern } from '../pattern/parse.js';
import type { Branch } from '../pattern/types.js';
import { InvalidEventPatternError } from '../problem.js';
import { Machine } from './machine.js';

/** A rule as the matcher sees it: an id and an event pattern (a JSON value). */
export interface RuleInput {
  readonly id: string;
  readonly pattern: unknown;
}

/** Many rules compiled together. */
export interface Matcher {
  /** Ids of every rule the event matches, in the order the rules were added. */
  match(event: unknown): string[];
  /** Adds a rule, or replaces the rule with the same id; throws InvalidEventPatternError. */
  add(rule: RuleInput): void;
  /** Removes a rule; true when it was there. */
  remove(id: string): boolean;
  /** Number of rules. */
  readonly size: number;
}

/** Sorts rule numbers in place: few per event, often nearly in order, so insertion sort beats `sort`. */
function sortNumbers(list: number[]): void {
  for (let i = 1; i < list.length; i++) {
    const v = list[i] as number;
    let j = i - 1;
    for (; j >= 0 && (list[j] as number) > v; j--) list[j + 1] = list[j] as number;
    list[j + 1] = v;
  }
}

class CompiledMatcher implements Matcher {
  private readonly rules = new Map<string, readonly Branch[]>();
  private ids: string[] = [];
  private machine: Machine | null = null;

  constructor(private readonly options: PatternOptions) {}

  get size(): number {
    return this.rules.size;
  }

  add(rule: RuleInput): void {
    const parsed = parsePattern(rule.pattern, this.options);
    if (!parsed.ok) throw new InvalidEventPatternError(rule.id, parsed.problems);
    const replacing = this.rules.has(rule.id);
    this.rules.set(rule.id, parsed.branches);
    if (replacing || this.machine === null) {
      this.machine = null;
      return;
    }
    this.ids.push(rule.id);
    for (const branch of parsed.branches) this.machine.add(this.ids.length - 1, branch);
  }

  remove(id: string): boolean {
    const had = this.rules.delete(id);
    if (had) this.machine = null;
    return had;
  }

  match(event: unknown): string[] {
    const found = (this.machine ?? this.build()).run(event);
    if (found.length > 64) found.sort((a, b) => a - b);
    else sortNumbers(found);
    const ids = this.ids;
    const out: string[] = [];
    for (const rule of found) out.push(ids[rule] ?? '');
    return out;
  }

  private build(): Machine {
    const machine = new Machine();
    this.ids = [...this.rules.keys()];
    for (const [i, id] of this.ids.entries()) {
      for (const branch of this.rules.get(id) ?? []) machine.add(i, branch);
    }
    this.machine = machine;
    return machine;
  }
}

/**
 * Compiles rules into one matcher; throws InvalidEventPatternError (with `.problems`) on an invalid pattern.
 * Patterns are held to `options.maxLength` (default 2,048 characters, AWS's default quota).
 *
 * @example
 * const matcher = compileRules([{ id: 'r1', pattern: { source: ['aws.ec2'] } }]);
 * matcher.match({ source: 'aws.ec2' }); // ['r1']
 * matcher.add({ id: 'r2', pattern: { source: [{ prefix: 'aws.' }] } });
 */
export function compileRules(rules: readonly RuleInput[], options: PatternOptions = {}): Matcher {
  const matcher = new CompiledMatcher(options);
  for (const rule of rules) matcher.add(rule);
  return matcher;
}
