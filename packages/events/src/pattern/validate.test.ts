import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePattern } from './parse.js';

const p = (path: string, message: string) => [{ path, message }];

const INVALID: readonly [string, unknown, ReturnType<typeof p>][] = [
  ['not an object', 'x', p('', 'Filter is not an object')],
  ['array at top', [], p('', 'Filter is not an object')],
  ['bare value', { source: 'aws.ec2' }, p('/source', '"source" must be an object or an array')],
  ['bare number', { detail: { n: 5 } }, p('/detail/n', '"n" must be an object or an array')],
  ['empty array', { source: [] }, p('/source', 'Empty arrays are not allowed')],
  ['empty object', {}, p('', 'Empty objects are not allowed')],
  ['empty nested object', { detail: {} }, p('/detail', 'Empty objects are not allowed')],
  ['nested array', { a: [['x']] }, p('/a/0', 'Match value must be String, number, true, false, or null')],
  ['empty match expression', { a: [{}] }, p('/a/0', 'Match expression name not found')],
  [
    'two operators',
    { a: [{ prefix: 'a', suffix: 'b' }] },
    p('/a/0/suffix', 'Only one key allowed in match expression'),
  ],
  ['unknown operator', { a: [{ regex: 'x' }] }, p('/a/0/regex', 'Unrecognized match type regex')],
  [
    'operators are case-sensitive',
    { a: [{ Prefix: 'x' }] },
    p('/a/0/Prefix', 'Unrecognized match type Prefix'),
  ],
  ['prefix not a string', { a: [{ prefix: 1 }] }, p('/a/0/prefix', 'prefix match pattern must be a string')],
  [
    'prefix object without eic',
    { a: [{ prefix: { x: 'a' } }] },
    p('/a/0/prefix', 'prefix match pattern must be a string'),
  ],
  [
    'prefix eic not a string',
    { a: [{ prefix: { 'equals-ignore-case': 1 } }] },
    p('/a/0/prefix/equals-ignore-case', 'equals-ignore-case match pattern must be a string'),
  ],
  [
    'suffix not a string',
    { a: [{ suffix: null }] },
    p('/a/0/suffix', 'suffix match pattern must be a string'),
  ],
  [
    'eic not a string',
    { a: [{ 'equals-ignore-case': 5 }] },
    p('/a/0/equals-ignore-case', 'equals-ignore-case match pattern must be a string'),
  ],
  [
    'wildcard not a string',
    { a: [{ wildcard: [] }] },
    p('/a/0/wildcard', 'wildcard match pattern must be a string'),
  ],
  [
    'consecutive stars',
    { a: [{ wildcard: 'a**b' }] },
    p('/a/0/wildcard', 'Consecutive wildcard characters at pos 2'),
  ],
  [
    'consecutive stars (event-ruler test)',
    { key: [{ wildcard: 'abc**def' }] },
    p('/key/0/wildcard', 'Consecutive wildcard characters at pos 4'),
  ],
  [
    'consecutive stars after UTF-8',
    { a: [{ wildcard: 'é**' }] },
    p('/a/0/wildcard', 'Consecutive wildcard characters at pos 3'),
  ],
  ['invalid escape', { a: [{ wildcard: 'a\\x' }] }, p('/a/0/wildcard', 'Invalid escape character at pos 2')],
  [
    'trailing backslash',
    { a: [{ wildcard: 'a\\' }] },
    p('/a/0/wildcard', 'Invalid escape character at pos 2'),
  ],
  [
    'numeric not an array',
    { a: [{ numeric: '5' }] },
    p('/a/0/numeric', 'Value of numeric must be an array.'),
  ],
  ['numeric empty', { a: [{ numeric: [] }] }, p('/a/0/numeric/0', 'Invalid member in numeric match: ]')],
  [
    'numeric bad operator',
    { a: [{ numeric: ['!', 5] }] },
    p('/a/0/numeric/0', 'Unrecognized numeric range operator: !'),
  ],
  [
    'numeric string value',
    { a: [{ numeric: ['<', '5'] }] },
    p('/a/0/numeric/1', 'Value of < must be numeric'),
  ],
  ['numeric = string', { a: [{ numeric: ['=', 'x'] }] }, p('/a/0/numeric/1', 'Value of = must be numeric')],
  [
    'numeric second operator',
    { a: [{ numeric: ['>', 1, '>', 5] }] },
    p('/a/0/numeric/2', 'Bad numeric range operator: >'),
  ],
  [
    'numeric too many terms',
    { a: [{ numeric: ['>', 1, '<', 5, 6] }] },
    p('/a/0/numeric/4', 'Too many terms in numeric range expression'),
  ],
  [
    'numeric = too many',
    { a: [{ numeric: ['=', 1, 2] }] },
    p('/a/0/numeric/2', 'Too many elements in numeric expression'),
  ],
  [
    'numeric empty range',
    { a: [{ numeric: ['>', 5, '<', 1] }] },
    p('/a/0/numeric', 'Bottom must be less than top'),
  ],
  [
    'exists not boolean',
    { a: [{ exists: 'yes' }] },
    p('/a/0/exists', 'exists match pattern must be either true or false.'),
  ],
  ['cidr not a string', { a: [{ cidr: 10 }] }, p('/a/0/cidr', 'prefix match pattern must be a string')],
  ['cidr mask too long', { a: [{ cidr: '10.0.0.0/33' }] }, p('/a/0/cidr', 'IPv4 mask bits must be < 32')],
  ['cidr garbage', { a: [{ cidr: 'x' }] }, p('/a/0/cidr', "Malformed CIDR, one '/' required")],
  ['cidr /32', { a: [{ cidr: '10.0.0.1/32' }] }, p('/a/0/cidr', 'IPv4 mask bits must be < 32')],
  ['cidr /128', { a: [{ cidr: '2001:db8::1/128' }] }, p('/a/0/cidr', 'IPv6 mask bits must be < 128')],
  [
    'cidr mask not a number',
    { a: [{ cidr: '10.0.0.0/x' }] },
    p('/a/0/cidr', 'Malformed CIDR, mask bits must be an integer'),
  ],
  [
    'cidr negative mask',
    { a: [{ cidr: '10.0.0.0/-1' }] },
    p('/a/0/cidr', 'Malformed CIDR, mask bits must not be negative'),
  ],
  ['cidr bad address', { a: [{ cidr: '10.0.0/8' }] }, p('/a/0/cidr', 'Nonstandard IP address: 10.0.0')],
  [
    'anything-but null',
    { a: [{ 'anything-but': null }] },
    p('/a/0/anything-but', 'Value of anything-but must be an array or single string/number value.'),
  ],
  [
    'anything-but mixed list',
    { a: [{ 'anything-but': ['a', 1] }] },
    p(
      '/a/0/anything-but',
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ),
  ],
  [
    'anything-but empty list',
    { a: [{ 'anything-but': [] }] },
    p(
      '/a/0/anything-but',
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ),
  ],
  [
    'anything-but null in list',
    { a: [{ 'anything-but': ['a', null] }] },
    p('/a/0/anything-but/1', 'Inside anything but list, start|null|boolean is not supported.'),
  ],
  [
    'anything-but empty prefix',
    { a: [{ 'anything-but': { prefix: '' } }] },
    p('/a/0/anything-but/prefix', 'Null prefix/suffix not allowed'),
  ],
  [
    'anything-but empty suffix',
    { a: [{ 'anything-but': { suffix: '' } }] },
    p('/a/0/anything-but/suffix', 'Null prefix/suffix not allowed'),
  ],
  [
    'anything-but prefix + eic',
    { a: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'x' } } }] },
    p('/a/0/anything-but/prefix', 'prefix/suffix match pattern must be a string'),
  ],
  [
    'anything-but unsupported',
    { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
    p('/a/0/anything-but/numeric', 'Unsupported anything-but pattern: numeric'),
  ],
  [
    'anything-but empty object',
    { a: [{ 'anything-but': {} }] },
    p('/a/0/anything-but', 'Anything-but expression name not found'),
  ],
  [
    'anything-but eic number',
    { a: [{ 'anything-but': { 'equals-ignore-case': 5 } }] },
    p(
      '/a/0/anything-but/equals-ignore-case',
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ),
  ],
  [
    'anything-but wildcard stars',
    { a: [{ 'anything-but': { wildcard: ['x', 'a**'] } }] },
    p('/a/0/anything-but/wildcard/1', 'Consecutive wildcard characters at pos 2'),
  ],
  ['$or not an array', { $or: { a: ['x'] } }, p('/$or', 'It must be an Array followed with $or.')],
  [
    '$or with one object',
    { $or: [{ a: ['x'] }] },
    p('/$or', 'There must have at least 2 Objects in $or relationship.'),
  ],
  [
    '$or with a non-object',
    { $or: [{ a: ['x'] }, 'b'] },
    p('/$or/1', 'Only JSON object is allowed in array of $or relationship.'),
  ],
  [
    'operator name inside $or',
    { $or: [{ a: ['x'] }, { numeric: ['x'] }] },
    p('/$or/1/numeric', 'numeric is Ruler reserved fieldName which cannot be used inside $or.'),
  ],
  [
    'exactly not a string',
    { a: [{ exactly: 5 }] },
    p('/a/0/exactly', 'exact match pattern must be a string'),
  ],
  [
    'reserved word inside $or',
    { $or: [{ a: ['x'] }, { regex: ['x'] }] },
    p('/$or/1/regex', 'regex is Ruler reserved fieldName which cannot be used inside $or.'),
  ],
  ['pointer escapes / and ~', { 'a/b~c': 1 }, p('/a~1b~0c', '"a/b~c" must be an object or an array')],
  [
    'too long',
    { a: ['x'.repeat(2100)] },
    p('', 'Event pattern is longer than the maximum of 2048 characters'),
  ],
];

describe('validatePattern', () => {
  it.each(INVALID)('rejects %s', (_name, pattern, problems) => {
    expect(validatePattern(pattern)).toEqual(problems);
  });

  it('accepts every documented operator', () => {
    const pattern = {
      source: ['aws.ec2', null, '', 5, true],
      'detail.x': [{ prefix: 'a' }, { prefix: { 'equals-ignore-case': 'A' } }, { suffix: 'b' }],
      detail: {
        y: [{ suffix: { 'equals-ignore-case': 'B' } }, { 'equals-ignore-case': 'c' }, { wildcard: 'a*b\\*' }],
        z: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3.018e2] }, { numeric: ['<', 10] }],
        w: [{ exists: false }, { cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }],
        v: [{ 'anything-but': 'x' }, { 'anything-but': [1, 2] }, { 'anything-but': { prefix: 'i' } }],
        u: [{ 'anything-but': { suffix: 's' } }, { 'anything-but': { wildcard: '*x' } }],
        t: [{ 'anything-but': { 'equals-ignore-case': ['A', 'b'] } }],
        $or: [{ a: ['x'] }, { $or: [{ b: ['y'] }, { c: [{ exists: true }] }] }],
      },
    };
    expect(validatePattern(pattern)).toEqual([]);
  });

  it('accepts a longer pattern when the limit is raised', () => {
    expect(validatePattern({ a: ['x'.repeat(3000)] }, { maxLength: 4096 })).toEqual([]);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problems = validatePattern(value);
        expect(Array.isArray(problems)).toBe(true);
        for (const problem of problems) expect(typeof problem.message).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary values, deep nesting included', () => {
    let deep: unknown = ['x'];
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(validatePattern(deep, { maxLength: Number.POSITIVE_INFINITY })).toHaveLength(1);
    fc.assert(fc.property(fc.anything(), (value) => Array.isArray(validatePattern(value))));
  });
});
