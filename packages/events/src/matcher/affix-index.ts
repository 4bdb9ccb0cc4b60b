/**
 * Prefixes (or suffixes) -> items, as a radix trie walked along the value
 * (backwards for suffixes): cost grows with the value's length, not with the
 * number of keys, and nothing is allocated while matching.
 */

interface Edge<T> {
  /** The characters of the edge, in walking order (reversed for suffixes). */
  label: string;
  node: TrieNode<T>;
}

interface TrieNode<T> {
  readonly edges: Map<number, Edge<T>>;
  items: T[] | null;
}

function node<T>(): TrieNode<T> {
  return { edges: new Map(), items: null };
}

function common(a: string, b: string, from: number): number {
  let n = 0;
  while (n < a.length && from + n < b.length && a.charCodeAt(n) === b.charCodeAt(from + n)) n++;
  return n;
}

/** A radix trie of prefixes or of suffixes. */
export class AffixIndex<T> {
  private readonly root: TrieNode<T> = node();
  private empty = true;

  constructor(private readonly side: 'prefix' | 'suffix') {}

  /** Adds an item under `key`. */
  add(key: string, item: T): void {
    const walked = this.side === 'prefix' ? key : [...key].reverse().join('');
    const at = this.insert(walked);
    if (at.items === null) at.items = [item];
    else at.items.push(item);
    this.empty = false;
  }

  /** Calls `visit` with every item whose key is a prefix (suffix) of `value`. */
  collect(value: string, visit: (item: T) => void): void {
    if (this.empty) return;
    const n = value.length;
    const prefix = this.side === 'prefix';
    let at = this.root;
    let i = 0;
    for (;;) {
      if (at.items !== null) for (const item of at.items) visit(item);
      if (i === n) return;
      const edge = at.edges.get(value.charCodeAt(prefix ? i : n - 1 - i));
      if (edge === undefined || !this.follows(edge.label, value, i)) return;
      i += edge.label.length;
      at = edge.node;
    }
  }

  private follows(label: string, value: string, i: number): boolean {
    if (this.side === 'prefix') return value.startsWith(label, i);
    const n = value.length;
    if (i + label.length > n) return false;
    for (let k = 0; k < label.length; k++)
      if (label.charCodeAt(k) !== value.charCodeAt(n - 1 - i - k)) return false;
    return true;
  }

  private insert(key: string): TrieNode<T> {
    let at = this.root;
    let i = 0;
    while (i < key.length) {
      const edge = at.edges.get(key.charCodeAt(i));
      if (edge === undefined) {
        const leaf = node<T>();
        at.edges.set(key.charCodeAt(i), { label: key.slice(i), node: leaf });
        return leaf;
      }
      const shared = common(edge.label, key, i);
      if (shared < edge.label.length) {
        const middle = node<T>();
        middle.edges.set(edge.label.charCodeAt(shared), { label: edge.label.slice(shared), node: edge.node });
        edge.label = edge.label.slice(0, shared);
        edge.node = middle;
      }
      at = edge.node;
      i += shared;
    }
    return at;
  }
}
