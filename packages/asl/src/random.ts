/**
 * A small seeded PRNG (mulberry32) whose whole state is one 32-bit integer,
 * so that it can live in the persisted execution state and replay identically.
 */

/** Advances the seed; returns the new seed and a float in [0, 1). */
export function nextRandom(seed: number): { seed: number; value: number } {
  const s = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return { seed: s, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/** A source of randomness that the engine threads through the execution state. */
export interface RandomSource {
  next(): number;
}

/** A RandomSource over a mutable seed holder. */
export function seeded(holder: { seed: number }): RandomSource {
  return {
    next() {
      const r = nextRandom(holder.seed);
      holder.seed = r.seed;
      return r.value;
    },
  };
}

/** A version-4 UUID made from the given random source. */
export function uuid(random: RandomSource): string {
  let hex = '';
  for (let i = 0; i < 16; i++) {
    let byte = Math.floor(random.next() * 256);
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    hex += byte.toString(16).padStart(2, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A 32-bit seed derived from a string (FNV-1a). */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
