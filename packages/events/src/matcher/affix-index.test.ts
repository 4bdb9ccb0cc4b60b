import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AffixIndex } from './affix-index.js';

function found(index: AffixIndex<string>, value: string): string[] {
  const out: string[] = [];
  index.collect(value, (k) => out.push(k));
  return out.sort();
}

describe('AffixIndex', () => {
  it('finds every key that is a prefix, splitting shared edges', () => {
    const index = new AffixIndex<string>('prefix');
    for (const k of ['abc', 'ab', 'abd', '', 'b']) index.add(k, k);
    expect(found(index, 'abcd')).toEqual(['', 'ab', 'abc']);
    expect(found(index, 'a')).toEqual(['']);
    expect(found(index, 'bz')).toEqual(['', 'b']);
  });

  it('finds every key that is a suffix', () => {
    const index = new AffixIndex<string>('suffix');
    for (const k of ['.png', 'png', 'g', '.jpg']) index.add(k, k);
    expect(found(index, 'a.png')).toEqual(['.png', 'g', 'png']);
    expect(found(index, 'x.jpg')).toEqual(['.jpg', 'g']);
    expect(found(index, 'p')).toEqual([]);
  });

  it('agrees with startsWith/endsWith (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 5 });
    fc.assert(
      fc.property(fc.uniqueArray(word, { maxLength: 12 }), word, (keys, value) => {
        for (const side of ['prefix', 'suffix'] as const) {
          const index = new AffixIndex<string>(side);
          for (const k of keys) index.add(k, k);
          const expected = keys
            .filter((k) => (side === 'prefix' ? value.startsWith(k) : value.endsWith(k)))
            .sort();
          expect(found(index, value)).toEqual(expected);
        }
      }),
    );
  });
});
