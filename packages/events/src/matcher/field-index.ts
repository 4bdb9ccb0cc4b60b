/**
 * Everything one state of the machine tests on one field path: leaf -> target
 * state, with a hash map, tries of slices or a segment tree per operator.
 */
import { testLeaf, wildcard } from '../pattern/test-leaf.js';
import type { Leaf, Scalar } from '../pattern/types.js';
import { wildcardLiteralPrefix } from '../pattern/wildcard.js';
import { AffixIndex } from './affix-index.js';
import { CidrIndex } from './cidr-index.js';
import { NumericIndex } from './numeric-index.js';

type Visit = (target: number) => void;

interface Tested {
  readonly re: RegExp;
  readonly target: number;
}

function push<K>(map: Map<K, number[]>, key: K, target: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [target]);
  else list.push(target);
}

function each(list: readonly number[] | undefined, visit: Visit): void {
  if (list !== undefined) for (const t of list) visit(t);
}

/** The leaves tested on one field path in one state, indexed by operator. */
export class FieldIndex {
  /** Targets reached when the field is absent (`exists: false`). */
  readonly absent: number[] = [];
  /** Targets reached when the field has any value (`exists: true`). */
  readonly present: number[] = [];
  private readonly strings = new Map<string, number[]>();
  private readonly others = new Map<number | boolean | null, number[]>();
  private readonly folded = new Map<string, number[]>();
  private readonly prefix = new AffixIndex<number>('prefix');
  private readonly prefixFolded = new AffixIndex<number>('prefix');
  private readonly suffix = new AffixIndex<number>('suffix');
  private readonly suffixFolded = new AffixIndex<number>('suffix');
  private readonly wildcards = new AffixIndex<Tested>('prefix');
  private readonly numeric = new NumericIndex();
  private readonly cidr = new CidrIndex();
  private readonly linear: { leaf: Leaf; target: number }[] = [];
  private readonly excluding: {
    strings: ReadonlySet<string>;
    numbers: ReadonlySet<number>;
    target: number;
  }[] = [];
  private hasFolded = false;
  private hasWildcards = false;
  /** The value and visitor of the wildcard test under way (spares a closure per value). */
  private probe = '';
  private probeVisit: Visit = () => {};
  private readonly testWildcard = (w: Tested): void => {
    if (w.re.test(this.probe)) this.probeVisit(w.target);
  };
  /** True while every leaf is an exact string: one hash lookup answers. */
  private onlyStrings = true;
  private hasCidr = false;

  /** Routes values satisfying `leaf` to `target`. */
  add(leaf: Leaf, target: number): void {
    if (leaf.kind === 'cidr') this.hasCidr = true;
    if (leaf.kind === 'wildcard') this.hasWildcards = true;
    if (leaf.kind !== 'exact' || typeof leaf.value !== 'string') this.onlyStrings = false;
    if (leaf.kind === 'equals-ignore-case' || ('ignoreCase' in leaf && leaf.ignoreCase))
      this.hasFolded = true;
    switch (leaf.kind) {
      case 'exact':
        if (typeof leaf.value === 'string') push(this.strings, leaf.value, target);
        else push(this.others, leaf.value, target);
        break;
      case 'equals-ignore-case':
        push(this.folded, leaf.value.toLowerCase(), target);
        break;
      case 'prefix':
        if (leaf.ignoreCase) this.prefixFolded.add(leaf.value.toLowerCase(), target);
        else this.prefix.add(leaf.value, target);
        break;
      case 'suffix':
        if (leaf.ignoreCase) this.suffixFolded.add(leaf.value.toLowerCase(), target);
        else this.suffix.add(leaf.value, target);
        break;
      case 'wildcard':
        this.wildcards.add(wildcardLiteralPrefix(leaf.value), { re: wildcard(leaf.value), target });
        break;
      case 'numeric':
        this.numeric.add(leaf.range, target);
        break;
      case 'cidr':
        this.cidr.add(leaf, target);
        break;
      case 'exists':
        (leaf.value ? this.present : this.absent).push(target);
        break;
      case 'anything-but': {
        const strings = new Set(leaf.values.filter((x) => typeof x === 'string'));
        const numbers = new Set(leaf.values.filter((x) => typeof x === 'number'));
        this.excluding.push({ strings, numbers, target });
        break;
      }
      default:
        this.linear.push({ leaf, target });
    }
  }

  /** Calls `visit` with the target of every leaf that `v` satisfies (`exists` excluded). */
  collect(v: Scalar, visit: Visit): void {
    if (this.onlyStrings) {
      if (typeof v === 'string') each(this.strings.get(v), visit);
      return;
    }
    if (typeof v === 'string') this.collectString(v, visit);
    else {
      each(this.others.get(v), visit);
      if (typeof v === 'number') this.numeric.collect(v, visit);
    }
    for (const { leaf, target } of this.linear) if (testLeaf(leaf, v)) visit(target);
    if (this.excluding.length > 0) this.collectExcluding(v, visit);
  }

  private collectExcluding(v: Scalar, visit: Visit): void {
    for (const e of this.excluding) {
      if (typeof v === 'string' ? !e.strings.has(v) : typeof v !== 'number' || !e.numbers.has(v))
        visit(e.target);
    }
  }

  private collectString(v: string, visit: Visit): void {
    each(this.strings.get(v), visit);
    this.prefix.collect(v, visit);
    this.suffix.collect(v, visit);
    if (this.hasFolded) {
      const lower = v.toLowerCase();
      each(this.folded.get(lower), visit);
      this.prefixFolded.collect(lower, visit);
      this.suffixFolded.collect(lower, visit);
    }
    if (this.hasWildcards) {
      this.probe = v;
      this.probeVisit = visit;
      this.wildcards.collect(v, this.testWildcard);
    }
    if (this.hasCidr) this.cidr.collect(v, visit);
  }
}
