/** fast-check generators of valid patterns and of events over the same small vocabulary. */
import fc from 'fast-check';

const PATHS = ['a', 'b', 'c.d', 'c.e', 'source'] as const;
const STRINGS = [
  '',
  'a',
  'ab',
  'abc',
  'ABC',
  'B',
  'b.png',
  '10.0.0.1',
  '10.1.2.3',
  '2001:db8::1',
  'x*y',
] as const;
const NUMBERS = [0, 1, 2.5, -3, 100, 1e9] as const;

const str = fc.constantFrom(...STRINGS);
const num = fc.constantFrom(...NUMBERS);
const scalar = fc.oneof(str, num, fc.constantFrom(true, false, null));
const nonEmpty = fc.constantFrom('a', 'ab', 'B', '.png', '10.');
const wild = fc.constantFrom('a*', '*c', 'a*c', '', '*', 'x\\*y', '*b*');
const cidr = fc.constantFrom(
  '10.0.0.0/8',
  '10.0.0.0/24',
  '10.0.0.2/31',
  '10.0.0.5/24',
  '2001:db8::5/120',
  '2001:db8::/32',
  '0.0.0.0/0',
);
const bound = fc.constantFrom(...NUMBERS);

const numeric = fc.oneof(
  fc.tuple(fc.constantFrom('>', '>=', '<', '<=', '='), bound).map(([op, v]) => [op, v]),
  fc
    .tuple(fc.constantFrom('>', '>='), bound, fc.constantFrom('<', '<='), bound)
    .filter(([, lo, , hi]) => lo < hi)
    .map((t) => [...t]),
);

const anythingBut = fc.oneof(
  str,
  num,
  fc.uniqueArray(str, { minLength: 1, maxLength: 3 }),
  fc.uniqueArray(num, { minLength: 1, maxLength: 3 }),
  nonEmpty.map((prefix) => ({ prefix })),
  nonEmpty.map((suffix) => ({ suffix })),
  wild.map((wildcard) => ({ wildcard })),
  fc.array(str, { minLength: 1, maxLength: 2 }).map((v) => ({ 'equals-ignore-case': v })),
);

/** One element of a field's array. */
export const leaf = fc.oneof(
  scalar,
  str.map((prefix) => ({ prefix })),
  str.map((v) => ({ prefix: { 'equals-ignore-case': v } })),
  str.map((suffix) => ({ suffix })),
  str.map((v) => ({ suffix: { 'equals-ignore-case': v } })),
  str.map((v) => ({ 'equals-ignore-case': v })),
  wild.map((wildcard) => ({ wildcard })),
  numeric.map((n) => ({ numeric: n })),
  fc.boolean().map((exists) => ({ exists })),
  cidr.map((c) => ({ cidr: c })),
  anythingBut.map((v) => ({ 'anything-but': v })),
);

const fields = fc.dictionary(fc.constantFrom(...PATHS), fc.array(leaf, { minLength: 1, maxLength: 3 }), {
  minKeys: 1,
  maxKeys: 3,
});

/** A valid pattern, sometimes with `$or`. */
export const pattern: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: fields },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.option(fields, { nil: undefined }), fc.array(fields, { minLength: 2, maxLength: 3 }))
      .map(([outer, choices]) => ({ ...(outer ?? {}), $or: choices })),
  },
);

const eventScalar = fc.oneof(
  { weight: 9, arbitrary: scalar },
  { weight: 1, arbitrary: fc.constantFrom(6e9, -7e9, 5e9) },
);
const value = fc.oneof(
  { weight: 4, arbitrary: eventScalar },
  { weight: 1, arbitrary: fc.array(eventScalar, { maxLength: 3 }) },
);

const nested = fc.record({ d: value, e: value }, { requiredKeys: [] });

/** An event using the same field names (`c` may hold an object or an array of objects). */
export const event = fc.record(
  {
    a: value,
    b: value,
    c: fc.oneof(value, nested, fc.array(nested, { maxLength: 3 })),
    source: value,
    'c.d': value,
  },
  { requiredKeys: [] },
);
