/** Many prefixes / suffixes searched at once, against testing each one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Affixes } from './affixes.js';

function found(texts: readonly string[], v: string, suffixes: boolean): number[] {
  const index = Affixes.build(
    texts.map((text, target) => ({ text, target })),
    suffixes,
  );
  const out: number[] = [];
  index.find(v, { visit: (t) => out.push(t) });
  return out.sort((a, b) => a - b);
}

function expected(texts: readonly string[], v: string, suffixes: boolean): number[] {
  return texts.flatMap((t, i) => ((suffixes ? v.endsWith(t) : v.startsWith(t)) ? [i] : []));
}

describe('Affixes', () => {
  const stems = ['', 'a', 'ab', 'abc', 'abd', 'abcd', 'b', 'ab', 'svc-1', 'svc-10', 'svc-100', 'svc-2'];

  it('finds every prefix sharing a stem, the empty one and duplicates included', () => {
    expect(found(stems, 'abcde', false)).toEqual([0, 1, 2, 3, 5, 7]);
    expect(found(stems, 'abe', false)).toEqual([0, 1, 2, 7]);
    expect(found(stems, 'svc-10-prod', false)).toEqual([0, 8, 9]);
    expect(found(stems, 'svc-', false)).toEqual([0]);
    expect(found(stems, '', false)).toEqual([0]);
  });

  it('finds suffixes on reversed text', () => {
    const ends = ['', '.png', 'g', 'x.png', '.jpg', 'png'];
    expect(found(ends, 'a.png', true)).toEqual([0, 1, 2, 5]);
    expect(found(ends, 'ax.png', true)).toEqual([0, 1, 2, 3, 5]);
    expect(found(ends, 'pn', true)).toEqual([0]);
  });

  it('compares UTF-16 code units, surrogate pairs and non-ASCII included', () => {
    const texts = ['é', 'éa', '😀', 'a😀', '\uffff', 'ß'];
    for (const v of ['éab', '😀x', 'xa😀', '\uffff\uffff', 'ßé', 'b😀']) {
      expect(found(texts, v, false)).toEqual(expected(texts, v, false));
      expect(found(texts, v, true)).toEqual(expected(texts, v, true));
    }
  });

  it('finds exactly the texts a value starts or ends with (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '😀'), maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 25 }),
        fc.array(text, { minLength: 1 }),
        fc.boolean(),
        (ts, vs, sfx) => {
          for (const v of vs) expect(found(ts, v, sfx)).toEqual(expected(ts, v, sfx));
        },
      ),
      { numRuns: 300 },
    );
  });
});
