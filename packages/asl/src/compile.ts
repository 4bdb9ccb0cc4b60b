/**
 * Compiles a validated definition into closures and lookup tables, once.
 */
import { compileRule, type Predicate } from './choice.js';
import { type IntrinsicCall, isIntrinsic, parseIntrinsic } from './intrinsics-parse.js';
import { isObject } from './json.js';
import { type CompiledPath, compilePath } from './json-path.js';
import { compileJsonataTemplate, type JsonataTemplate } from './jsonata-eval.js';
import { compileTemplate, type Template } from './template.js';
import type { IntegrationPattern } from './types.js';

/** The query language of a state. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A compiled Retry entry. */
export interface Retrier {
  errors: string[];
  interval: number;
  maxAttempts: number;
  backoff: number;
  maxDelay: number | null;
  jitter: 'FULL' | 'NONE';
}

/** A compiled Catch entry. */
export interface Catcher {
  errors: string[];
  next: string;
  resultPath: CompiledPath | null | undefined;
  output: JsonataTemplate | null;
  assign: Assigner | null;
}

/** Assign in either language. */
export type Assigner = { k: 'jp'; t: Template } | { k: 'ja'; t: JsonataTemplate };

/** A number given literally, by a reference path, or by a JSONata expression. */
export type Dyn<T> =
  | { k: 'lit'; v: T }
  | { k: 'path'; p: CompiledPath }
  | { k: 'call'; c: IntrinsicCall }
  | { k: 'ja'; t: JsonataTemplate };

/** A compiled Choice branch. */
export interface ChoiceBranch {
  test: { k: 'jp'; p: Predicate } | { k: 'ja'; t: JsonataTemplate };
  next: string;
  output: JsonataTemplate | null;
  assign: Assigner | null;
}

/** One compiled state. */
export interface CState {
  name: string;
  type: string;
  enteredEvent: string;
  exitedEvent: string;
  /** A JSONPath Pass state without any data field: output = input. */
  plain: boolean;
  ql: QueryLanguage;
  next: string | null;
  /** The compiled state named by `next`, linked after compilation. */
  nextState: CState | null;
  inputPath: CompiledPath | null | undefined;
  parameters: Template | null;
  result: { v: unknown } | null;
  resultSelector: Template | null;
  resultPath: CompiledPath | null | undefined;
  outputPath: CompiledPath | null | undefined;
  args: JsonataTemplate | null;
  output: JsonataTemplate | null;
  assign: Assigner | null;
  retry: Retrier[];
  catch: Catcher[];
  choices: ChoiceBranch[];
  defaultNext: string | null;
  wait: { seconds?: Dyn<number>; timestamp?: Dyn<string> } | null;
  fail: { error: Dyn<string> | null; cause: Dyn<string> | null } | null;
  task: {
    resource: string;
    pattern: IntegrationPattern;
    timeout: Dyn<number> | null;
    heartbeat: Dyn<number> | null;
  } | null;
  branches: string[];
  map: {
    processor: string;
    items: Dyn<unknown> | null;
    itemSelector: Template | null;
    itemSelectorJa: JsonataTemplate | null;
    maxConcurrency: Dyn<number>;
    toleratedCount: Dyn<number> | null;
    toleratedPercent: Dyn<number> | null;
    batchMax: number | null;
    /** ItemBatcher.BatchInput: added to every batch. */
    batchInput: { k: 'jp'; t: Template } | { k: 'ja'; t: JsonataTemplate } | null;
    distributed: boolean;
  } | null;
}

/** A sub-machine: the root, a Parallel branch or a Map processor. */
export interface SubMachine {
  key: string;
  startAt: string;
  states: Map<string, CState>;
}

/**
 * A compiled state machine.
 *
 * @example
 * const machine = parseStateMachine({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });
 */
export interface StateMachine {
  readonly definition: Record<string, unknown>;
  readonly root: SubMachine;
  readonly machines: ReadonlyMap<string, SubMachine>;
  readonly timeoutSeconds: number | null;
}

type Def = Record<string, unknown>;

const optPath = (v: unknown): CompiledPath | null | undefined =>
  v === undefined ? undefined : v === null ? null : compilePath(String(v));

function dyn<T>(def: Def, field: string, ql: QueryLanguage): Dyn<T> | null {
  const v = def[field];
  if (ql === 'JSONata' && typeof v === 'string') return { k: 'ja', t: compileJsonataTemplate(v) };
  if (v !== undefined) return { k: 'lit', v: v as T };
  const p = def[`${field}Path`];
  if (typeof p === 'string')
    return isIntrinsic(p) ? { k: 'call', c: parseIntrinsic(p) } : { k: 'path', p: compilePath(p) };
  return null;
}

function assigner(v: unknown, ql: QueryLanguage): Assigner | null {
  if (!isObject(v)) return null;
  return ql === 'JSONata' ? { k: 'ja', t: compileJsonataTemplate(v) } : { k: 'jp', t: compileTemplate(v) };
}

const jaOpt = (v: unknown) => (v === undefined ? null : compileJsonataTemplate(v));

/** The integration pattern a Resource asks for. */
export function patternOf(resource: string): IntegrationPattern {
  if (resource.endsWith('.waitForTaskToken')) return 'waitForTaskToken';
  if (/\.sync(:\d+)?$/.test(resource)) return 'sync';
  return 'requestResponse';
}

function retriers(v: unknown): Retrier[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((r) => ({
    errors: (r.ErrorEquals as string[]) ?? [],
    interval: typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1,
    maxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
    backoff: typeof r.BackoffRate === 'number' ? r.BackoffRate : 2,
    maxDelay: typeof r.MaxDelaySeconds === 'number' ? r.MaxDelaySeconds : null,
    jitter: r.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
  }));
}

function catchers(v: unknown, ql: QueryLanguage): Catcher[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((c) => ({
    errors: (c.ErrorEquals as string[]) ?? [],
    next: String(c.Next),
    resultPath: ql === 'JSONPath' ? optPath(c.ResultPath) : undefined,
    output: ql === 'JSONata' ? jaOpt(c.Output) : null,
    assign: assigner(c.Assign, ql),
  }));
}

function choices(def: Def, ql: QueryLanguage): ChoiceBranch[] {
  if (!Array.isArray(def.Choices)) return [];
  return def.Choices.filter(isObject).map((c) => ({
    test:
      ql === 'JSONata'
        ? { k: 'ja' as const, t: compileJsonataTemplate(c.Condition) }
        : { k: 'jp' as const, p: compileRule(c) },
    next: String(c.Next),
    output: ql === 'JSONata' ? jaOpt(c.Output) : null,
    assign: assigner(c.Assign, ql),
  }));
}

function compileState(
  name: string,
  def: Def,
  parentQl: QueryLanguage,
  key: string,
  out: Map<string, SubMachine>,
): CState {
  const ql: QueryLanguage =
    def.QueryLanguage === 'JSONata' || def.QueryLanguage === 'JSONPath' ? def.QueryLanguage : parentQl;
  const jp = ql === 'JSONPath';
  const type = String(def.Type);
  const template = (v: unknown) => (jp && v !== undefined ? compileTemplate(v) : null);
  const cs: CState = {
    name,
    type,
    enteredEvent: `${type}StateEntered`,
    exitedEvent: `${type}StateExited`,
    plain: false,
    ql,
    next: typeof def.Next === 'string' ? def.Next : null,
    nextState: null,
    inputPath: jp ? optPath(def.InputPath) : undefined,
    parameters: template(def.Parameters),
    result: def.Result !== undefined ? { v: def.Result } : null,
    resultSelector: template(def.ResultSelector),
    resultPath: jp ? optPath(def.ResultPath) : undefined,
    outputPath: jp ? optPath(def.OutputPath) : undefined,
    args: jp ? null : jaOpt(def.Arguments),
    output: jp ? null : jaOpt(def.Output),
    assign: assigner(def.Assign, ql),
    retry: retriers(def.Retry),
    catch: catchers(def.Catch, ql),
    choices: type === 'Choice' ? choices(def, ql) : [],
    defaultNext: typeof def.Default === 'string' ? def.Default : null,
    wait: null,
    fail: null,
    task: null,
    branches: [],
    map: null,
  };
  cs.plain =
    type === 'Pass' &&
    jp &&
    ['InputPath', 'OutputPath', 'Parameters', 'Result', 'ResultPath', 'Assign'].every(
      (f) => def[f] === undefined,
    );
  if (type === 'Wait') {
    const seconds = dyn<number>(def, 'Seconds', ql);
    const timestamp = dyn<string>(def, 'Timestamp', ql);
    cs.wait = { ...(seconds ? { seconds } : {}), ...(timestamp ? { timestamp } : {}) };
  }
  if (type === 'Fail') cs.fail = { error: dyn(def, 'Error', ql), cause: dyn(def, 'Cause', ql) };
  if (type === 'Task') {
    const resource = String(def.Resource);
    cs.task = {
      resource,
      pattern: patternOf(resource),
      timeout: dyn(def, 'TimeoutSeconds', ql),
      heartbeat: dyn(def, 'HeartbeatSeconds', ql),
    };
  }
  if (type === 'Parallel' && Array.isArray(def.Branches)) {
    cs.branches = def.Branches.map((b, i) => compileSub(`${key}/${name}/${i}`, b as Def, ql, out).key);
  }
  if (type === 'Map') cs.map = compileMap(def, ql, `${key}/${name}`, out);
  return cs;
}

function compileMap(def: Def, ql: QueryLanguage, key: string, out: Map<string, SubMachine>): CState['map'] {
  const processor = (def.ItemProcessor ?? def.Iterator) as Def;
  const config = isObject(processor.ProcessorConfig) ? processor.ProcessorConfig : {};
  const jp = ql === 'JSONPath';
  const selector = def.ItemSelector ?? def.Parameters;
  const batcher = isObject(def.ItemBatcher) ? def.ItemBatcher : null;
  return {
    processor: compileSub(key, processor, ql, out).key,
    items: jp
      ? typeof def.ItemsPath === 'string'
        ? { k: 'path', p: compilePath(def.ItemsPath) }
        : null
      : dyn(def, 'Items', ql),
    itemSelector: jp && selector !== undefined ? compileTemplate(selector) : null,
    itemSelectorJa: !jp && selector !== undefined ? compileJsonataTemplate(selector) : null,
    maxConcurrency: dyn<number>(def, 'MaxConcurrency', ql) ?? { k: 'lit', v: 0 },
    toleratedCount: dyn(def, 'ToleratedFailureCount', ql),
    toleratedPercent: dyn(def, 'ToleratedFailurePercentage', ql),
    batchMax: batcher && typeof batcher.MaxItemsPerBatch === 'number' ? batcher.MaxItemsPerBatch : null,
    batchInput:
      batcher?.BatchInput === undefined
        ? null
        : jp
          ? { k: 'jp', t: compileTemplate(batcher.BatchInput) }
          : { k: 'ja', t: compileJsonataTemplate(batcher.BatchInput) },
    distributed: config.Mode === 'DISTRIBUTED',
  };
}

function compileSub(key: string, def: Def, ql: QueryLanguage, out: Map<string, SubMachine>): SubMachine {
  const subQl: QueryLanguage =
    def.QueryLanguage === 'JSONata' ? 'JSONata' : def.QueryLanguage === 'JSONPath' ? 'JSONPath' : ql;
  const states = new Map<string, CState>();
  const sub: SubMachine = { key, startAt: String(def.StartAt), states };
  out.set(key, sub);
  for (const [name, s] of Object.entries(isObject(def.States) ? def.States : {})) {
    states.set(name, compileState(name, s as Def, subQl, key, out));
  }
  for (const cs of states.values()) cs.nextState = cs.next === null ? null : (states.get(cs.next) ?? null);
  return sub;
}

/** Compiles a definition that `validateDefinition` accepted. */
export function compileMachine(definition: Def): StateMachine {
  const machines = new Map<string, SubMachine>();
  const root = compileSub('', definition, 'JSONPath', machines);
  const t = definition.TimeoutSeconds;
  return { definition, root, machines, timeoutSeconds: typeof t === 'number' ? t : null };
}
