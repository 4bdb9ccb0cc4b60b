import { describe, expect, it } from 'vitest';
import { compilePath, MISSING, setAtPath } from './json-path.js';

const store = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', price: 8.99, isbn: '0-553-21311-3' },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
};
const get = (p: string, v: unknown = store) => compilePath(p).get(v);

describe('JSONPath', () => {
  it('reads reference paths', () => {
    expect(get('$')).toBe(store);
    expect(get('$.store.bicycle.color')).toBe('red');
    expect(get("$['store']['bicycle']['price']")).toBe(19.95);
    expect(get('$.store.book[1].author')).toBe('Evelyn Waugh');
    expect(get('$.store.book[-1].price')).toBe(8.99);
    expect(get('$.store.nope')).toBe(MISSING);
    expect(compilePath('$.a.b').definite).toBe(true);
  });
  it('selects with wildcards, slices, unions, deep scan and filters', () => {
    expect(get('$.store.book[*].author')).toEqual(['Nigel Rees', 'Evelyn Waugh', 'Herman Melville']);
    expect(get('$.store.book[0:2].price')).toEqual([8.95, 12.99]);
    expect(get('$.store.book[0,2].price')).toEqual([8.95, 8.99]);
    expect((get('$..price') as number[]).sort()).toEqual([12.99, 19.95, 8.95, 8.99].sort());
    expect(get('$.store.book[?(@.price < 10)].author')).toEqual(['Nigel Rees', 'Herman Melville']);
    expect(get('$.store.book[?(@.isbn)].author')).toEqual(['Herman Melville']);
    expect(get("$.store.book[?(@.category == 'fiction' && @.price > 10)].author")).toEqual(['Evelyn Waugh']);
    expect(get('$.store.*.color')).toEqual(['red']);
  });
  it('knows the base: input, context or variable', () => {
    expect(compilePath('$$.Execution.Id').base).toEqual({ k: 'context' });
    expect(compilePath('$myVar.x').base).toEqual({ k: 'var', name: 'myVar' });
    expect(compilePath('$.x').base).toEqual({ k: 'input' });
  });
  it('rejects malformed paths', () => {
    expect(() => compilePath('a.b')).toThrow();
    expect(() => compilePath('$.a[')).toThrow();
    expect(() => compilePath('$.a[?(x)]')).toThrow();
  });
  it('sets a value at a reference path without changing the original', () => {
    const input = { a: { b: 1 }, list: [1, 2] };
    expect(setAtPath(input, compilePath('$.a.c'), 2)).toEqual({ a: { b: 1, c: 2 }, list: [1, 2] });
    expect(setAtPath(input, compilePath('$.x.y'), 3)).toEqual({ ...input, x: { y: 3 } });
    expect(setAtPath(input, compilePath('$.list[1]'), 9)).toEqual({ a: { b: 1 }, list: [1, 9] });
    expect(input).toEqual({ a: { b: 1 }, list: [1, 2] });
    expect(() => setAtPath(5, compilePath('$.a'), 1)).toThrow();
  });
});
