/**
 * CIDR blocks -> targets. IPv4: one hash map per prefix length, keyed by the
 * network number (no strings built while matching). IPv6: a bit trie.
 */
import { type CidrBlock, ipBits, ipv4Number } from '../pattern/ip.js';
import { AffixIndex } from './affix-index.js';

interface Entry {
  readonly min: number;
  readonly target: number;
}

/** Collects the targets of every block containing an address. */
export class CidrIndex {
  private readonly v4 = new Map<number, Map<number, Entry[]>>();
  private v4Lengths: number[] = [];
  private readonly v6 = new AffixIndex<{ readonly base: string; readonly target: number }>('prefix');
  private hasV6 = false;

  /** Adds a block. */
  add(block: CidrBlock, target: number): void {
    const { bits, base } = block;
    if (block.family === 6) {
      this.v6.add(bits, { base, target });
      this.hasV6 = true;
      return;
    }
    const len = bits.length;
    const entry = { min: Number.parseInt(base, 2), target };
    const network = len === 0 ? 0 : Number.parseInt(bits, 2);
    let byNetwork = this.v4.get(len);
    if (byNetwork === undefined) {
      byNetwork = new Map();
      this.v4.set(len, byNetwork);
      this.v4Lengths = [...this.v4.keys()];
    }
    const list = byNetwork.get(network);
    if (list === undefined) byNetwork.set(network, [entry]);
    else list.push(entry);
  }

  /** Calls `visit` with the target of every block containing the address `text` (no-op when not an address). */
  collect(text: string, visit: (target: number) => void): void {
    const n = this.v4Lengths.length > 0 ? ipv4Number(text) : -1;
    if (n >= 0) {
      for (const len of this.v4Lengths) {
        const list = this.v4.get(len)?.get(len === 0 ? 0 : Math.floor(n / 2 ** (32 - len)));
        if (list !== undefined) for (const e of list) if (n >= e.min) visit(e.target);
      }
      return;
    }
    if (!this.hasV6 || !text.includes(':')) return;
    const ip = ipBits(text);
    if (ip === null || ip.family !== 6) return;
    const bits = ip.bits;
    this.v6.collect(bits, (e) => {
      if (bits >= e.base) visit(e.target);
    });
  }
}
