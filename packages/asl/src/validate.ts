/**
 * Validation of a definition: every problem at once, each with a JSON pointer.
 * Never throws.
 */
import { compileRule } from './choice.js';
import { compileMachine, type StateMachine } from './compile.js';
import { AslValidationError, messageOf, type Problem } from './errors.js';
import { isObject } from './json.js';
import { compilePath } from './json-path.js';
import { isJsonataExpression, parseJsonata } from './jsonata-eval.js';
import { compileDynamic, compileTemplate } from './template.js';
import { COMMON, FIELDS } from './validate-fields.js';
import { checkMapMode } from './validate-map.js';

type Ql = 'JSONPath' | 'JSONata';
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

class Checker {
  problems: Problem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
  attempt(path: string, what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (e) {
      this.add(path, `${what}: ${messageOf(e)}`);
    }
  }
}

function checkJsonata(c: Checker, path: string, v: unknown): void {
  if (isJsonataExpression(v)) c.attempt(path, 'invalid JSONata', () => parseJsonata(v));
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) checkJsonata(c, `${path}/${i}`, x);
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) checkJsonata(c, `${path}/${esc(k)}`, x);
}

function checkErrors(
  c: Checker,
  path: string,
  list: unknown,
  kind: 'Retry' | 'Catch',
  names: Set<string>,
  ql: Ql,
): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    c.add(path, `${kind} must be an array`);
    return;
  }
  list.forEach((r, i) => {
    const p = `${path}/${i}`;
    if (!isObject(r)) {
      c.add(p, 'must be an object');
      return;
    }
    const eq = r.ErrorEquals;
    if (!Array.isArray(eq) || eq.length === 0 || !eq.every((e) => typeof e === 'string')) {
      c.add(`${p}/ErrorEquals`, 'must be a non-empty array of strings');
    } else if (eq.includes('States.ALL') && (eq.length > 1 || i !== list.length - 1)) {
      c.add(`${p}/ErrorEquals`, 'States.ALL must appear alone and in the last entry');
    }
    if (kind === 'Retry') {
      const int = (f: string, min: number) => {
        const v = r[f];
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min))
          c.add(`${p}/${f}`, `must be an integer >= ${min}`);
      };
      int('IntervalSeconds', 1);
      int('MaxAttempts', 0);
      int('MaxDelaySeconds', 1);
      if (r.BackoffRate !== undefined && (typeof r.BackoffRate !== 'number' || r.BackoffRate < 1))
        c.add(`${p}/BackoffRate`, 'must be a number >= 1.0');
      if (r.JitterStrategy !== undefined && r.JitterStrategy !== 'FULL' && r.JitterStrategy !== 'NONE')
        c.add(`${p}/JitterStrategy`, 'must be FULL or NONE');
    } else {
      if (typeof r.Next !== 'string' || !names.has(r.Next))
        c.add(`${p}/Next`, `must name a state in this scope`);
      if (ql === 'JSONPath' && r.ResultPath !== undefined && r.ResultPath !== null)
        c.attempt(`${p}/ResultPath`, 'invalid path', () => compilePath(String(r.ResultPath)));
      if (ql === 'JSONata') checkJsonata(c, p, r);
    }
  });
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkAssign(c: Checker, p: string, assign: unknown, ql: Ql): void {
  if (assign === undefined) return;
  if (!isObject(assign)) {
    c.add(p, 'must be an object');
    return;
  }
  for (const key of Object.keys(assign)) {
    const name = ql === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!VARIABLE.test(name) || name === 'states') {
      c.add(`${p}/${esc(key)}`, `${JSON.stringify(name)} is not a valid variable name`);
    }
  }
}

function checkPaths(c: Checker, p: string, s: Record<string, unknown>): void {
  for (const f of [
    'InputPath',
    'OutputPath',
    'ResultPath',
    'ItemsPath',
    'SecondsPath',
    'TimestampPath',
    'TimeoutSecondsPath',
    'HeartbeatSecondsPath',
    'ErrorPath',
    'CausePath',
    'MaxConcurrencyPath',
  ]) {
    const v = s[f];
    if (v === undefined || (v === null && ['InputPath', 'OutputPath', 'ResultPath'].includes(f))) continue;
    if (typeof v !== 'string') c.add(`${p}/${f}`, 'must be a string');
    else if (f === 'ErrorPath' || f === 'CausePath')
      c.attempt(`${p}/${f}`, 'invalid path', () => compileDynamic(v));
    else c.attempt(`${p}/${f}`, 'invalid path', () => compilePath(v));
  }
  for (const f of ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign']) {
    if (s[f] !== undefined) c.attempt(`${p}/${f}`, 'invalid template', () => compileTemplate(s[f]));
  }
}

function checkState(c: Checker, p: string, name: string, s: unknown, names: Set<string>, ql: Ql): void {
  if (!isObject(s)) {
    c.add(p, 'a state must be an object');
    return;
  }
  const type = s.Type;
  const fields = typeof type === 'string' ? FIELDS[type] : undefined;
  if (!fields) {
    c.add(`${p}/Type`, `unknown state type ${JSON.stringify(type)}`);
    return;
  }
  const sql: Ql =
    s.QueryLanguage === 'JSONata' ? 'JSONata' : s.QueryLanguage === 'JSONPath' ? 'JSONPath' : ql;
  if (s.QueryLanguage !== undefined && s.QueryLanguage !== 'JSONata' && s.QueryLanguage !== 'JSONPath')
    c.add(`${p}/QueryLanguage`, 'must be JSONPath or JSONata');
  if (ql === 'JSONata' && sql === 'JSONPath')
    c.add(`${p}/QueryLanguage`, 'a state cannot use JSONPath when the state machine uses JSONata');
  const allowed = new Set([...COMMON, ...(sql === 'JSONata' ? fields.ja : fields.jp)]);
  for (const k of Object.keys(s))
    if (!allowed.has(k)) c.add(`${p}/${esc(k)}`, `field ${k} is not allowed in a ${type} state using ${sql}`);
  if (['Pass', 'Task', 'Wait', 'Parallel', 'Map'].includes(type as string)) {
    if (s.End === true && s.Next !== undefined) c.add(p, 'a state cannot have both Next and End');
    else if (s.End !== true && typeof s.Next !== 'string') c.add(p, 'a state needs Next or End: true');
    if (typeof s.Next === 'string' && !names.has(s.Next))
      c.add(`${p}/Next`, `no state named ${JSON.stringify(s.Next)}`);
  }
  if (sql === 'JSONPath') checkPaths(c, p, s);
  else checkJsonata(c, p, s);
  checkErrors(c, `${p}/Retry`, s.Retry, 'Retry', names, sql);
  checkErrors(c, `${p}/Catch`, s.Catch, 'Catch', names, sql);
  checkAssign(c, `${p}/Assign`, s.Assign, sql);
  if (Array.isArray(s.Choices)) {
    for (const [i, r] of s.Choices.entries())
      if (isObject(r)) checkAssign(c, `${p}/Choices/${i}/Assign`, r.Assign, sql);
  }
  if (Array.isArray(s.Catch)) {
    for (const [i, r] of s.Catch.entries())
      if (isObject(r)) checkAssign(c, `${p}/Catch/${i}/Assign`, r.Assign, sql);
  }
  checkTyped(c, p, name, type as string, s, names, sql);
}

function checkTyped(
  c: Checker,
  p: string,
  _name: string,
  type: string,
  s: Record<string, unknown>,
  names: Set<string>,
  ql: Ql,
): void {
  const exclusive = (fields: string[]) => {
    const n = fields.filter((f) => s[f] !== undefined).length;
    if (n > 1) c.add(p, `only one of ${fields.join(', ')} is allowed`);
    return n;
  };
  if (type === 'Task' && typeof s.Resource !== 'string')
    c.add(`${p}/Resource`, 'a Task needs a Resource string');
  if (type === 'Task') {
    exclusive(['TimeoutSeconds', 'TimeoutSecondsPath']);
    exclusive(['HeartbeatSeconds', 'HeartbeatSecondsPath']);
    for (const f of ['TimeoutSeconds', 'HeartbeatSeconds']) {
      const v = s[f];
      if (
        v !== undefined &&
        !(typeof v === 'number' && Number.isInteger(v) && v > 0) &&
        !(ql === 'JSONata' && isJsonataExpression(v))
      )
        c.add(`${p}/${f}`, 'must be a positive integer');
    }
    if (
      typeof s.TimeoutSeconds === 'number' &&
      typeof s.HeartbeatSeconds === 'number' &&
      s.HeartbeatSeconds >= s.TimeoutSeconds
    )
      c.add(`${p}/HeartbeatSeconds`, 'must be smaller than TimeoutSeconds');
  }
  if (type === 'Wait' && exclusive(['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) !== 1)
    c.add(p, 'a Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath');
  if (type === 'Fail') {
    exclusive(['Error', 'ErrorPath']);
    exclusive(['Cause', 'CausePath']);
  }
  if (type === 'Choice') checkChoice(c, p, s, names, ql);
  if (type === 'Parallel') {
    if (!Array.isArray(s.Branches) || s.Branches.length === 0)
      c.add(`${p}/Branches`, 'must be a non-empty array');
    else for (const [i, b] of s.Branches.entries()) checkMachine(c, `${p}/Branches/${i}`, b, ql, false);
  }
  if (type === 'Map') {
    checkMapMode((path, message) => c.add(path, message), p, s);
    const proc = s.ItemProcessor ?? s.Iterator;
    if (proc === undefined) c.add(p, 'a Map needs ItemProcessor (or Iterator)');
    else
      checkMachine(
        c,
        `${p}/${s.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator'}`,
        proc,
        ql,
        false,
      );
    for (const f of ['MaxConcurrency', 'ToleratedFailureCount']) {
      const v = s[f];
      if (
        v !== undefined &&
        !(typeof v === 'number' && Number.isInteger(v) && v >= 0) &&
        !isJsonataExpression(v)
      )
        c.add(`${p}/${f}`, 'must be a non-negative integer');
    }
    const pct = s.ToleratedFailurePercentage;
    if (
      pct !== undefined &&
      !(typeof pct === 'number' && pct >= 0 && pct <= 100) &&
      !isJsonataExpression(pct)
    )
      c.add(`${p}/ToleratedFailurePercentage`, 'must be a number from 0 to 100');
  }
}

function checkChoice(c: Checker, p: string, s: Record<string, unknown>, names: Set<string>, ql: Ql): void {
  if (!Array.isArray(s.Choices) || s.Choices.length === 0) {
    c.add(`${p}/Choices`, 'must be a non-empty array');
    return;
  }
  s.Choices.forEach((r, i) => {
    const rp = `${p}/Choices/${i}`;
    if (!isObject(r)) {
      c.add(rp, 'must be an object');
      return;
    }
    if (typeof r.Next !== 'string' || !names.has(r.Next))
      c.add(`${rp}/Next`, 'must name a state in this scope');
    if (ql === 'JSONata') {
      if (!isJsonataExpression(r.Condition) && typeof r.Condition !== 'boolean')
        c.add(`${rp}/Condition`, 'must be a JSONata expression');
    } else {
      const { Next: _n, Assign: _a, Comment: _c, ...rule } = r;
      c.attempt(rp, 'invalid rule', () => compileRule(rule));
    }
  });
  if (s.Default !== undefined && (typeof s.Default !== 'string' || !names.has(s.Default)))
    c.add(`${p}/Default`, 'must name a state in this scope');
}

function reachable(states: Record<string, unknown>, startAt: string): Set<string> {
  const seen = new Set<string>();
  const todo = [startAt];
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n) || !isObject(states[n])) continue;
    seen.add(n);
    const s = states[n];
    const targets: unknown[] = [s.Next, s.Default];
    for (const list of [s.Choices, s.Catch])
      if (Array.isArray(list)) for (const r of list) if (isObject(r)) targets.push(r.Next);
    for (const t of targets) if (typeof t === 'string') todo.push(t);
  }
  return seen;
}

function checkMachine(c: Checker, p: string, def: unknown, ql: Ql, top: boolean): void {
  if (!isObject(def)) {
    c.add(p, 'must be an object');
    return;
  }
  const mql: Ql =
    def.QueryLanguage === 'JSONata' ? 'JSONata' : top || def.QueryLanguage === 'JSONPath' ? 'JSONPath' : ql;
  const allowedTop = top
    ? ['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']
    : ['StartAt', 'States', 'Comment', 'ProcessorConfig', 'QueryLanguage'];
  for (const k of Object.keys(def))
    if (!allowedTop.includes(k)) c.add(`${p}/${esc(k)}`, `field ${k} is not allowed here`);
  if (
    def.QueryLanguage !== undefined &&
    def.QueryLanguage !== 'JSONata' &&
    def.QueryLanguage !== 'JSONPath'
  ) {
    c.add(`${p}/QueryLanguage`, 'must be JSONPath or JSONata');
  }
  if (!isObject(def.States) || Object.keys(def.States).length === 0) {
    c.add(`${p}/States`, 'must be a non-empty object');
    return;
  }
  const names = new Set(Object.keys(def.States));
  if (typeof def.StartAt !== 'string' || !names.has(def.StartAt)) c.add(`${p}/StartAt`, 'must name a state');
  if (
    top &&
    def.TimeoutSeconds !== undefined &&
    !(
      typeof def.TimeoutSeconds === 'number' &&
      Number.isInteger(def.TimeoutSeconds) &&
      def.TimeoutSeconds > 0
    )
  ) {
    c.add(`${p}/TimeoutSeconds`, 'must be a positive integer');
  }
  for (const [name, s] of Object.entries(def.States)) {
    if (name.length > 80)
      c.add(`${p}/States/${esc(name)}`, 'a state name may not be longer than 80 characters');
    checkState(c, `${p}/States/${esc(name)}`, name, s, names, mql);
  }
  const terminal = Object.values(def.States).some(
    (s) => isObject(s) && (s.End === true || s.Type === 'Succeed' || s.Type === 'Fail'),
  );
  if (!terminal) c.add(`${p}/States`, 'no terminal state');
  if (typeof def.StartAt === 'string' && names.has(def.StartAt)) {
    const seen = reachable(def.States, def.StartAt);
    for (const n of names) if (!seen.has(n)) c.add(`${p}/States/${esc(n)}`, `state ${n} is not reachable`);
  }
}

/**
 * Every problem of a definition, `[]` when it is valid. Never throws.
 *
 * @example
 * validateDefinition({ StartAt: 'A', States: {} }); // [{ path: '/States', message: ... }, ...]
 */
export function validateDefinition(definition: unknown): Problem[] {
  const c = new Checker();
  try {
    checkMachine(c, '', definition, 'JSONPath', true);
  } catch (e) {
    c.add('', `invalid definition: ${messageOf(e)}`);
  }
  return c.problems;
}

/**
 * Validates and compiles a definition (an object or a JSON string).
 *
 * @example
 * const machine = parseStateMachine({ StartAt: 'Hi', States: { Hi: { Type: 'Pass', End: true } } });
 * @throws AslValidationError with `.problems`
 */
export function parseStateMachine(definition: unknown): StateMachine {
  let def = definition;
  if (typeof def === 'string') {
    try {
      def = JSON.parse(def);
    } catch (e) {
      throw new AslValidationError([{ path: '', message: `not valid JSON: ${messageOf(e)}` }]);
    }
  }
  const problems = validateDefinition(def);
  if (problems.length > 0) throw new AslValidationError(problems);
  try {
    return compileMachine(def as Record<string, unknown>);
  } catch (e) {
    throw new AslValidationError([{ path: '', message: messageOf(e) }]);
  }
}
