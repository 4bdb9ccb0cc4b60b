/** validateInputTransformer: the checks EventBridge makes when a target is created. */
import { type Problem, pointer } from '../problem.js';
import { parseJsonPath } from './json-path.js';
import { LIMITS, RESERVED, type TargetInput } from './options.js';
import { isJsonTemplate, substitute } from './template.js';

const KEY = /^[A-Za-z0-9_-]+$/;
const MARK = '\uE000';

function exclusive(options: TargetInput): Problem[] {
  const set = [
    options.input !== undefined && 'Input',
    options.inputPath !== undefined && 'InputPath',
    (options.inputTemplate !== undefined || options.inputPathsMap !== undefined) && 'InputTransformer',
  ].filter((x) => x !== false);
  if (set.length < 2) return [];
  return [
    {
      path: '',
      message: `Only one of Input, InputPath and InputTransformer may be set, not ${set.join(' and ')}`,
    },
  ];
}

function pathProblems(path: string, at: string): Problem[] {
  if (path.length > 256) return [{ path: at, message: 'JSON path is longer than 256 characters' }];
  return parseJsonPath(path) === null ? [{ path: at, message: `Invalid JSON path: ${path}` }] : [];
}

function keyProblems(map: Readonly<Record<string, string>>): Problem[] {
  const keys = Object.keys(map);
  const problems: Problem[] = [];
  if (keys.length > LIMITS.maxKeys) {
    problems.push({
      path: '/inputPathsMap',
      message: `InputPathsMap has ${keys.length} keys; at most ${LIMITS.maxKeys} are allowed`,
    });
  }
  for (const key of keys) {
    const at = pointer('/inputPathsMap', key);
    if (key.toUpperCase().startsWith('AWS.'))
      problems.push({ path: at, message: `InputPathsMap keys cannot start with "AWS.": ${key}` });
    else if (key.length > LIMITS.maxKeyLength || !KEY.test(key)) {
      problems.push({
        path: at,
        message: `InputPathsMap key must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -: ${key}`,
      });
    }
    problems.push(...pathProblems(map[key] ?? '', at));
  }
  return problems;
}

function hasMarkedKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMarkedKey);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => k.includes(MARK) || hasMarkedKey(v));
}

function templateProblems(template: string, map: Readonly<Record<string, string>>): Problem[] {
  const at = '/inputTemplate';
  if (template.length < 1 || template.length > LIMITS.maxTemplateLength) {
    return [{ path: at, message: `InputTemplate must be 1 to ${LIMITS.maxTemplateLength} characters long` }];
  }
  const problems: Problem[] = [];
  const reserved: readonly string[] = Object.values(RESERVED);
  const whole: readonly string[] = [RESERVED.event, RESERVED.eventJson];
  const probe = substitute(template, (name, site) => {
    if (!Object.hasOwn(map, name) && !reserved.includes(name)) {
      problems.push({
        path: at,
        message: `InputTemplate placeholder <${name}> is not defined in InputPathsMap`,
      });
    } else if (whole.includes(name) && (site.quoted || !site.json)) {
      problems.push({ path: at, message: `<${name}> can only be used as the value of a JSON field` });
    }
    return site.quoted ? MARK : '0';
  });
  if (problems.length > 0 || !isJsonTemplate(template)) return problems;
  try {
    if (hasMarkedKey(JSON.parse(probe)))
      problems.push({ path: at, message: 'A placeholder cannot be used as an object key' });
  } catch {
    problems.push({ path: at, message: 'InputTemplate is not valid JSON' });
  }
  return problems;
}

function inputProblems(input: string): Problem[] {
  if (input.length > LIMITS.maxInputLength)
    return [{ path: '/input', message: 'Input is longer than 8192 characters' }];
  try {
    JSON.parse(input);
    return [];
  } catch {
    return [{ path: '/input', message: 'Input is not valid JSON' }];
  }
}

/**
 * Checks a target's input options as EventBridge does when the target is created; [] when valid.
 *
 * @example
 * validateInputTransformer({ inputPathsMap: { id: '$.id' }, inputTemplate: '{"id": <id>, "x": <nope>}' });
 * // [{ path: '/inputTemplate', message: 'InputTemplate placeholder <nope> is not defined in InputPathsMap' }]
 */
export function validateInputTransformer(options: TargetInput): Problem[] {
  const problems = exclusive(options);
  if (problems.length > 0) return problems;
  if (options.input !== undefined) return inputProblems(options.input);
  if (options.inputPath !== undefined) return pathProblems(options.inputPath, '/inputPath');
  if (options.inputTemplate === undefined) {
    const orphan = options.inputPathsMap !== undefined;
    return orphan
      ? [{ path: '/inputTemplate', message: 'InputTemplate is required with InputPathsMap' }]
      : [];
  }
  const map = options.inputPathsMap ?? {};
  return [...keyProblems(map), ...templateProblems(options.inputTemplate, map)];
}
