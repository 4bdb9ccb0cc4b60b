/**
 * Pattern matching cases, most taken from the EventBridge user guide's examples.
 * One table, run against every matcher (STYLE 12).
 */

/** One case: does `event` match `pattern`? */
export interface MatchCase {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly event: unknown;
  readonly match: boolean;
}

const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'c-count': 5, 'd-count': 12 },
};

function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return { ...ec2, detail };
}

const c = (name: string, pattern: Record<string, unknown>, event: unknown, match: boolean): MatchCase => ({
  name,
  pattern,
  event,
  match,
});

/** The table. */
export const MATCH_CASES: readonly MatchCase[] = [
  c('exact source', { source: ['aws.ec2'] }, ec2, true),
  c('exact is case-sensitive', { source: ['AWS.EC2'] }, ec2, false),
  c('array of values is OR', { source: ['aws.s3', 'aws.ec2'] }, ec2, true),
  c('fields AND', { source: ['aws.ec2'], 'detail-type': ['nope'] }, ec2, false),
  c('nested field', { detail: { state: ['terminated'] } }, ec2, true),
  c('missing field never matches a value', { detail: { missing: ['x'] } }, ec2, false),
  c('number by value', { detail: { x: [300] } }, JSON.parse('{"detail":{"x":300.0}}'), true),
  c('number pattern does not match a string', { detail: { x: [300] } }, withDetail({ x: '300' }), false),
  c('string pattern does not match a number', { detail: { x: ['300'] } }, withDetail({ x: 300 }), false),
  c('boolean', { detail: { b: [true] } }, withDetail({ b: true }), true),
  c('boolean false vs string', { detail: { b: [false] } }, withDetail({ b: 'false' }), false),
  c('null matches null', { detail: { r: [null] } }, withDetail({ r: null }), true),
  c('null does not match a missing field', { detail: { r: [null] } }, withDetail({}), false),
  c('empty string', { detail: { v: [''] } }, withDetail({ v: '' }), true),
  c('empty string vs null', { detail: { v: [''] } }, withDetail({ v: null }), false),
  c(
    'event array shares a value',
    { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:x:2'] },
    { resources: ['arn:x:3', 'arn:x:2'] },
    true,
  ),
  c('event array shares no value', { resources: ['a', 'b'] }, { resources: ['c', 'd'] }, false),
  c(
    'array of objects',
    { detail: { items: { id: [2] } } },
    withDetail({ items: [{ id: 1 }, { id: 2 }] }),
    true,
  ),
  c('exactly (event-ruler)', { source: [{ exactly: 'aws.ec2' }] }, ec2, true),
  c('prefix', { time: [{ prefix: '2017-12-22' }] }, ec2, true),
  c('prefix no match', { time: [{ prefix: '2018' }] }, ec2, false),
  c('empty prefix matches any string', { source: [{ prefix: '' }] }, ec2, true),
  c('prefix does not match a number', { detail: { n: [{ prefix: '1' }] } }, withDetail({ n: 12 }), false),
  c('prefix equals-ignore-case', { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, ec2, true),
  c('suffix', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true),
  c('suffix no match', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false),
  c(
    'suffix equals-ignore-case',
    { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] },
    { FileName: 'a.PNG' },
    true,
  ),
  c(
    'equals-ignore-case',
    { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    ec2,
    true,
  ),
  c('equals-ignore-case is not prefix', { source: [{ 'equals-ignore-case': 'AWS' }] }, ec2, false),
  c(
    'wildcard',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
    true,
  ),
  c(
    'wildcard no match',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:rule/*' }] },
    { EventBusArn: 'arn:aws:events:us-east-1:1:event-bus/d' },
    false,
  ),
  c('empty wildcard matches only empty', { v: [{ wildcard: '' }] }, { v: 'x' }, false),
  c('empty wildcard matches empty', { v: [{ wildcard: '' }] }, { v: '' }, true),
  c('escaped star is literal', { v: [{ wildcard: 'a\\*b' }] }, { v: 'axb' }, false),
  c('escaped star matches a star', { v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' }, true),
  c('wildcard regexp specials are literal', { v: [{ wildcard: 'a.c*' }] }, { v: 'abcd' }, false),
  c('anything-but string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2, true),
  c('anything-but string excludes', { detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2, false),
  c(
    'anything-but list of strings',
    { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } },
    ec2,
    false,
  ),
  c(
    'anything-but number list',
    { detail: { x: [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ x: 400 }),
    true,
  ),
  c(
    'anything-but number excludes',
    { detail: { x: [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ x: 200 }),
    false,
  ),
  c('anything-but matches null', { detail: { x: [{ 'anything-but': 'a' }] } }, withDetail({ x: null }), true),
  c(
    'anything-but matches another type',
    { detail: { x: [{ 'anything-but': 'a' }] } },
    withDetail({ x: 5 }),
    true,
  ),
  c(
    'anything-but does not match a missing field',
    { detail: { x: [{ 'anything-but': 'a' }] } },
    withDetail({}),
    false,
  ),
  c(
    'anything-but on an array: one other value suffices',
    { x: [{ 'anything-but': 'a' }] },
    { x: ['a', 'b'] },
    true,
  ),
  c('anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2, true),
  c(
    'anything-but prefix excludes',
    { detail: { state: [{ 'anything-but': { prefix: 'term' } }] } },
    ec2,
    false,
  ),
  c(
    'anything-but suffix',
    { FileName: [{ 'anything-but': { suffix: '.txt' } }] },
    { FileName: 'a.txt' },
    false,
  ),
  c(
    'anything-but suffix other',
    { FileName: [{ 'anything-but': { suffix: '.txt' } }] },
    { FileName: 'a.png' },
    true,
  ),
  c(
    'anything-but wildcard',
    { d: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    { d: '/usr/lib/x' },
    false,
  ),
  c(
    'anything-but wildcard list',
    { d: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] },
    { d: '/etc/x' },
    true,
  ),
  c(
    'anything-but equals-ignore-case',
    { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] },
    { s: 'STOPPED' },
    false,
  ),
  c(
    'anything-but equals-ignore-case other',
    { s: [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }] },
    { s: 'running' },
    true,
  ),
  c('numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, ec2, true),
  c('numeric range upper bound open', { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } }, ec2, false),
  c('numeric less than', { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, ec2, false),
  c('numeric equals', { x: [{ numeric: ['=', 3.018e2] }] }, { x: 301.8 }, true),
  c('numeric >=', { x: [{ numeric: ['>=', 5] }] }, { x: 5 }, true),
  c('numeric ignores strings', { x: [{ numeric: ['>', 0] }] }, { x: '5' }, false),
  c(
    'numeric: event numbers beyond 5e9 are not comparable',
    { x: [{ numeric: ['>', 0] }] },
    { x: 6e9 },
    false,
  ),
  c('exact number beyond 5e9 still matches', { x: [123456789012] }, { x: 123456789012 }, true),
  c('numeric negative', { x: [{ numeric: ['<=', -1.5] }] }, { x: -2 }, true),
  c('exists true', { detail: { state: [{ exists: true }] } }, ec2, true),
  c('exists true on missing', { detail: { nope: [{ exists: true }] } }, ec2, false),
  c('exists true on null', { x: [{ exists: true }] }, { x: null }, true),
  c('exists true does not match an empty array', { x: [{ exists: true }] }, { x: [] }, false),
  c('exists false on missing', { detail: { nope: [{ exists: false }] } }, ec2, true),
  c('exists false on present', { detail: { state: [{ exists: false }] } }, ec2, false),
  c('exists false matches a key holding an object', { detail: [{ exists: false }] }, ec2, true),
  c('exists true only sees leaves, not an object', { detail: [{ exists: true }] }, ec2, false),
  c('exists false with a value, absent', { x: ['a', { exists: false }] }, { y: 1 }, true),
  c('exists false with a value, other value', { x: ['a', { exists: false }] }, { x: 'b' }, false),
  c('cidr IPv4', { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] }, { sourceIPAddress: '10.0.0.255' }, true),
  c(
    'cidr IPv4 outside',
    { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] },
    { sourceIPAddress: '10.0.1.1' },
    false,
  ),
  c('cidr IPv6', { ip: [{ cidr: '2001:db8::/64' }] }, { ip: '2001:db8::1:2' }, true),
  c('cidr IPv6 outside', { ip: [{ cidr: '2001:db8::/64' }] }, { ip: '2001:db9::1' }, false),
  c(
    'cidr starts at the address as written (event-ruler)',
    { ip: [{ cidr: '10.0.0.5/24' }] },
    { ip: '10.0.0.3' },
    false,
  ),
  c('cidr runs to the top of the block', { ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.200' }, true),
  c('cidr /0 matches every IPv4 address', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '255.1.2.3' }, true),
  c('cidr non-string', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 10 }, false),
  c('cidr not an address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.x' }, false),
  c(
    '$or',
    {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    ec2,
    true,
  ),
  c('$or none', { $or: [{ source: ['a'] }, { region: ['b'] }] }, ec2, false),
  c(
    '$or with outer field',
    { source: ['aws.ec2'], $or: [{ region: ['x'] }, { account: ['111122223333'] }] },
    ec2,
    true,
  ),
  c(
    'nested $or',
    { $or: [{ source: ['x'] }, { $or: [{ region: ['y'] }, { detail: { state: ['terminated'] } }] }] },
    ec2,
    true,
  ),
  c('dotted key matches nested event', { 'detail.state': ['terminated'] }, ec2, true),
  c('nested pattern matches dotted event key', { detail: { state: ['x'] } }, { 'detail.state': 'x' }, true),
  c('non-object event', { a: ['x'] }, 'x', false),
  c(
    'array elements are not kept apart (documented difference)',
    { a: { b: [1], c: [2] } },
    { a: [{ b: 1 }, { c: 2 }] },
    true,
  ),
  c('exists false on non-object event', { a: [{ exists: false }] }, [1], true),
];
