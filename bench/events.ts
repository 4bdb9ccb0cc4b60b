/**
 * Event pattern matching: events matched per second against 10, 1,000 and
 * 10,000 rules, for the compiled matcher and for a rule-by-rule loop (each
 * pattern parsed once, each event flattened once, then every rule tested).
 * Patterns mix the operators of the EventBridge guide: exact values, prefix,
 * suffix, equals-ignore-case (alone and inside prefix), numeric ranges,
 * anything-but (values and prefix), exists, cidr, wildcard, $or, a nested
 * field and values inside the event's `resources` array; a rule has 2 to 5
 * conditions. Events are 5,000 different ones, cycled. The "wide" figures
 * put thousands of non-exact conditions on each field of one state. Rates are per CPU
 * second of this process (one core), so that other work on the machine does
 * not skew them. Then `event-delivery.ts`: PutEvents -> HTTP target latency
 * through a running node.
 *
 *   npm run bench -- events [--quick]
 */
import { compileRules } from '../packages/events/src/index.js';
import { flatten, valuesAt } from '../packages/events/src/pattern/flatten.js';
import { parsePattern } from '../packages/events/src/pattern/parse.js';
import { conditionHolds } from '../packages/events/src/pattern/test-leaf.js';
import type { Branch } from '../packages/events/src/pattern/types.js';
import { run as deliveryLatency } from './event-delivery.js';
import type { Bench } from './lib.js';

const TYPES = 20;
const STATES = ['pending', 'running', 'stopping', 'stopped', 'terminated', 'rebooting', 'failed', 'queued'];

/** A small deterministic PRNG (mulberry32), so every run sees the same rules and events. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);

function detailCondition(rand: Rand, i: number): Record<string, unknown> {
  const kinds: (() => Record<string, unknown>)[] = [
    () => ({ state: [pick(rand, STATES), pick(rand, STATES)] }),
    () => ({ name: [{ prefix: `svc-${int(rand, 100)}` }] }),
    () => ({ file: [{ suffix: `.${pick(rand, ['png', 'jpg', 'txt', 'csv'])}` }] }),
    () => ({ user: [{ 'equals-ignore-case': `User${int(rand, 500)}` }] }),
    () => {
      const lo = int(rand, 1000);
      return { count: [{ numeric: ['>', lo, '<=', lo + 1 + int(rand, 200)] }] };
    },
    () => ({ state: [{ 'anything-but': [pick(rand, STATES), pick(rand, STATES)] }] }),
    () => ({ [pick(rand, ['error', 'retry', 'owner'])]: [{ exists: rand() < 0.5 }] }),
    () => ({ ip: [{ cidr: `10.${int(rand, 256)}.0.0/16` }] }),
    () => ({ name: [{ wildcard: `svc-${int(rand, 10)}*-prod` }] }),
    () => ({ $or: [{ state: [pick(rand, STATES)] }, { count: [{ numeric: ['<', int(rand, 100)] }] }] }),
    () => ({ name: [{ prefix: { 'equals-ignore-case': `SVC-${int(rand, 100)}` } }] }),
    () => ({ file: [{ 'anything-but': { prefix: `f${int(rand, 10)}` } }] }),
    () => ({ error: { code: [{ numeric: ['>=', int(rand, 10)] }] } }),
  ];
  return (kinds[i % kinds.length] as () => Record<string, unknown>)();
}

function pattern(rand: Rand, i: number, sources: number): Record<string, unknown> {
  const p: Record<string, unknown> = { source: [`com.example.app${int(rand, sources)}`] };
  if (rand() < 0.7) p['detail-type'] = [`Type ${int(rand, TYPES)}`];
  const detail = detailCondition(rand, i);
  p.detail = rand() < 0.25 ? { ...detailCondition(rand, i + 1 + int(rand, 12)), ...detail } : detail;
  if (rand() < 0.1) p.resources = [`arn:aws:ec2:us-east-1:123456789012:instance/i-${int(rand, 200)}`];
  return p;
}

function event(rand: Rand, sources: number): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    state: pick(rand, STATES),
    name: `svc-${int(rand, 100)}${pick(rand, ['-prod', '-dev', ''])}`,
    file: `f${int(rand, 10)}.${pick(rand, ['png', 'jpg', 'txt', 'csv'])}`,
    user: `USER${int(rand, 500)}`,
    count: int(rand, 1200),
    ip: `10.${int(rand, 256)}.${int(rand, 256)}.${int(rand, 256)}`,
  };
  if (rand() < 0.3) detail.error = { code: int(rand, 10) };
  return {
    version: '0',
    id: `id-${int(rand, 1e9)}`,
    'detail-type': `Type ${int(rand, TYPES)}`,
    source: `com.example.app${int(rand, sources)}`,
    account: '123456789012',
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: Array.from(
      { length: int(rand, 3) },
      () => `arn:aws:ec2:us-east-1:123456789012:instance/i-${int(rand, 200)}`,
    ),
    detail,
  };
}

/** CPU time of this process in ms (user + system): the measure of "one core" on a shared machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `once` over the events until `ms` of CPU time have passed; events per CPU second. */
function rate(events: readonly unknown[], ms: number, once: (e: unknown) => number): number {
  let n = 0;
  let sink = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 200; i++) sink += once(events[n++ % events.length]);
    elapsed = cpuMs() - start;
  }
  if (sink < 0) throw new Error('unreachable');
  return (n / elapsed) * 1000;
}

function ruleByRule(patterns: readonly unknown[]): (e: unknown) => number {
  const parsed = patterns.map((p) => {
    const r = parsePattern(p);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.branches;
  });
  const holds = (branches: readonly Branch[], fields: ReturnType<typeof flatten>) =>
    branches.some((b) => b.every((c) => conditionHolds(c, valuesAt(fields, c.path))));
  return (e) => {
    const fields = flatten(e);
    let n = 0;
    for (const branches of parsed) if (holds(branches, fields)) n++;
    return n;
  };
}

/**
 * The rules and events of one figure (deterministic). `sources` is how many
 * distinct `source` values rules and events draw from: 50 in the main figures
 * (so matches per event grow with the rule count), or one per 20 rules in the
 * "selective" ones (about one match per event whatever the rule count).
 */
export function fixtures(
  count: number,
  sources = 50,
): { patterns: Record<string, unknown>[]; events: Record<string, unknown>[] } {
  const rand = random(count);
  const events = Array.from({ length: 5000 }, () => event(rand, sources));
  const patterns = Array.from({ length: count }, (_, i) => pattern(rand, i, sources));
  return { patterns, events };
}

/**
 * The "wide" figures: rules with no exact value, each one prefix, suffix,
 * numeric range, equals-ignore-case or cidr on one of five detail fields, so
 * that one state holds thousands of conditions per field (what the
 * per-field operator indexes are for).
 */
function wideFixtures(count: number): ReturnType<typeof fixtures> {
  const per = Math.max(1, Math.floor(count / 5));
  const kinds: ((i: number) => Record<string, unknown>)[] = [
    (i) => ({ name: [{ prefix: `svc-${i}` }] }),
    (i) => ({ count: [{ numeric: ['>', 10 * i, '<=', 10 * i + 15] }] }),
    (i) => ({ file: [{ suffix: `.${i}.png` }] }),
    (i) => ({ user: [{ 'equals-ignore-case': `User${i}` }] }),
    (i) => ({ ip: [{ cidr: `10.${i % 256}.${(i >> 8) % 256}.0/24` }] }),
  ];
  const patterns = Array.from({ length: count }, (_, i) => ({
    detail: (kinds[i % 5] as (i: number) => Record<string, unknown>)(Math.floor(i / 5)),
  }));
  const rand = random(count + 1);
  const events = Array.from({ length: 5000 }, () => ({
    source: 'com.example.wide',
    detail: {
      name: `svc-${int(rand, per)}-${pick(rand, ['prod', 'dev'])}`,
      count: int(rand, 10 * per),
      file: `f.${int(rand, per)}.png`,
      user: `USER${int(rand, per)}`,
      ip: `10.${int(rand, 256)}.${int(rand, 40)}.${int(rand, 256)}`,
    },
  }));
  return { patterns, events };
}

type Emit = Parameters<Bench>[0]['emit'];

function figures(count: number, sources: number, suffix: string, ms: number, emit: Emit): void {
  const { patterns, events } = suffix === '_wide' ? wideFixtures(count) : fixtures(count, sources);
  const matcher = compileRules(patterns.map((p, i) => ({ id: `r${i}`, pattern: p })));
  const loop = ruleByRule(patterns);
  let matches = 0;
  for (const e of events.slice(0, 1000)) {
    const n = matcher.match(e).length;
    if (n !== loop(e)) throw new Error('compiled matcher and rule-by-rule loop disagree');
    matches += n;
  }
  rate(events, ms / 4, (e) => matcher.match(e).length);
  const compiled = rate(events, ms, (e) => matcher.match(e).length);
  const peer = rate(events, ms, loop);
  const metric = `match_events_per_s_${count}_rules${suffix}`;
  emit({ bench: 'events', metric, value: compiled, unit: '1/s', peer: 'rule-by-rule', peerValue: peer });
  emit({
    bench: 'events',
    metric: `matches_per_event_${count}_rules${suffix}`,
    value: matches / 1000,
    unit: '1',
  });
}

export const run: Bench = async ({ quick, emit }) => {
  const ms = quick ? 400 : 2000;
  for (const count of [10, 1000, 10_000]) figures(count, 50, '', ms, emit);
  for (const count of [1000, 10_000]) figures(count, count / 20, '_selective', ms, emit);
  for (const count of [1000, 10_000]) figures(count, 0, '_wide', ms, emit);
  await deliveryLatency({ quick, emit });
};
