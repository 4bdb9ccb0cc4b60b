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

function ascending(list: readonly number[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] ?? 0) > (list[i] ?? 0)) return false;
  return true;
}

class CompiledMatcher implements Matcher {
  private readonly rules = new Map<string, readonly Branch[]>();
  private ids: string[] = [];
  private machine: Machine | null = null;
  private hits = new Uint32Array(0);
  private serial = 0;
  private found: number[] = [];
  private readonly accept = (rule: number): void => {
    if (this.hits[rule] === this.serial) return;
    this.hits[rule] = this.serial;
    this.found.push(rule);
  };

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
    const machine = this.machine ?? this.build();
    if (this.hits.length < this.ids.length) this.hits = new Uint32Array(this.ids.length * 2);
    this.nextSerial();
    this.found = [];
    machine.run(event, this.accept);
    const found = this.found;
    if (!ascending(found)) found.sort((a, b) => a - b);
    return found.map((i) => this.ids[i] ?? '');
  }

  private nextSerial(): void {
    this.serial = (this.serial + 1) >>> 0;
    if (this.serial === 0) {
      this.hits.fill(0);
      this.serial = 1;
    }
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
