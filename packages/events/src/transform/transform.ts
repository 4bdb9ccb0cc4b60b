/** transformInput: the text a target receives for an event. */
import { evaluateJsonPath, parseJsonPath } from './json-path.js';
import { RESERVED, type TargetInput, type TransformContext } from './options.js';
import { isJsonTemplate, render, substitute } from './template.js';

/** The outcome of a transformation; `INVALID_JSON` is what EventBridge reports for an undeliverable output. */
export type TransformResult =
  | { readonly ok: true; readonly input: string }
  | { readonly ok: false; readonly code: 'INVALID_JSON'; readonly message: string; readonly output: string };

/** Thrown by transformInput when a JSON template produced text that is not JSON. */
export class InvalidJsonOutputError extends Error {
  readonly code = 'INVALID_JSON' as const;
  readonly retryable = false as const;
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'InvalidJsonOutputError';
  }
}

function pathValue(path: string, event: unknown): unknown {
  const steps = parseJsonPath(path);
  return steps === null ? undefined : evaluateJsonPath(steps, event);
}

function reserved(name: string, event: unknown, context: TransformContext): unknown {
  switch (name) {
    case RESERVED.ruleArn:
      return context.ruleArn;
    case RESERVED.ruleName:
      return context.ruleName;
    case RESERVED.ingestionTime:
      return typeof context.ingestionTime === 'string'
        ? context.ingestionTime
        : context.ingestionTime.toISOString();
    case RESERVED.event: {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return event;
      const { detail: _detail, ...rest } = event as Record<string, unknown>;
      return rest;
    }
    case RESERVED.eventJson:
      return event;
    default:
      return undefined;
  }
}

function isReserved(name: string): boolean {
  return (Object.values(RESERVED) as string[]).includes(name);
}

function template(
  event: unknown,
  options: { inputTemplate: string; inputPathsMap?: Readonly<Record<string, string>> },
  context: TransformContext,
): TransformResult {
  const map = options.inputPathsMap ?? {};
  const output = substitute(options.inputTemplate, (name, site) => {
    if (Object.hasOwn(map, name)) return render(pathValue(map[name] ?? '', event), site);
    if (isReserved(name)) return render(reserved(name, event, context), site);
    return null;
  });
  if (isJsonTemplate(options.inputTemplate)) {
    try {
      JSON.parse(output);
    } catch (e) {
      return {
        ok: false,
        code: 'INVALID_JSON',
        message: `Transformed input is not valid JSON: ${String(e)}`,
        output,
      };
    }
  }
  return { ok: true, input: output };
}

/**
 * The target's input for an event, as a result value (never throws).
 *
 * @example
 * tryTransformInput({ detail: { id: 'x' } }, { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '{"id": <id>}' }, ctx);
 * // { ok: true, input: '{"id": "x"}' }
 */
export function tryTransformInput(
  event: unknown,
  options: TargetInput,
  context: TransformContext,
): TransformResult {
  if (options.inputTemplate !== undefined)
    return template(event, { ...options, inputTemplate: options.inputTemplate }, context);
  if (options.input !== undefined) return { ok: true, input: options.input };
  if (options.inputPath !== undefined)
    return { ok: true, input: JSON.stringify(pathValue(options.inputPath, event) ?? null) };
  return { ok: true, input: JSON.stringify(event) };
}

/**
 * The target's input for an event; throws InvalidJsonOutputError (code `INVALID_JSON`) when a JSON template yields invalid JSON.
 *
 * @example
 * transformInput(event, { inputPathsMap: { s: '$.detail.state' }, inputTemplate: '"state is <s>"' }, {
 *   ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r', ruleName: 'r', ingestionTime: '2024-01-01T00:00:00Z',
 * }); // '"state is running"'
 */
export function transformInput(event: unknown, options: TargetInput, context: TransformContext): string {
  const result = tryTransformInput(event, options, context);
  if (!result.ok) throw new InvalidJsonOutputError(result.message, result.output);
  return result.input;
}
