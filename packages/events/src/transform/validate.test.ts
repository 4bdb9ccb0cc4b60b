import { describe, expect, it } from 'vitest';
import { validateInputTransformer } from './validate.js';

const T = '/inputTemplate';

describe('validateInputTransformer', () => {
  it('accepts valid forms', () => {
    expect(validateInputTransformer({})).toEqual([]);
    expect(validateInputTransformer({ input: '{"a": 1}' })).toEqual([]);
    expect(validateInputTransformer({ inputPath: '$.detail' })).toEqual([]);
    expect(
      validateInputTransformer({
        inputPathsMap: { instance: '$.detail.instance-id', first: '$.resources[0]' },
        inputTemplate:
          '{"i": <instance>, "f": "<first>", "e": <aws.events.event>, "r": <aws.events.rule-arn>}',
      }),
    ).toEqual([]);
    expect(validateInputTransformer({ inputTemplate: '"rule <aws.events.rule-name> fired"' })).toEqual([]);
  });

  it.each([
    ['Input and InputPath together', { input: '{}', inputPath: '$' }, ''],
    ['InputPath and InputTransformer together', { inputPath: '$', inputTemplate: 'x' }, ''],
  ])('rejects %s', (_name, options, path) => {
    const problems = validateInputTransformer(options as never);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe(path);
    expect(problems[0]?.message).toMatch(/^Only one of Input, InputPath and InputTransformer/);
  });

  it('rejects a placeholder that is not in the map', () => {
    expect(
      validateInputTransformer({ inputPathsMap: { a: '$.a' }, inputTemplate: '{"a": <a>, "b": <b>}' }),
    ).toEqual([{ path: T, message: 'InputTemplate placeholder <b> is not defined in InputPathsMap' }]);
  });

  it('rejects more than 100 keys', () => {
    const map = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, '$.a']));
    expect(validateInputTransformer({ inputPathsMap: map, inputTemplate: 'x' })).toEqual([
      { path: '/inputPathsMap', message: 'InputPathsMap has 101 keys; at most 100 are allowed' },
    ]);
  });

  it('rejects keys starting with AWS.', () => {
    expect(validateInputTransformer({ inputPathsMap: { 'AWS.x': '$.a' }, inputTemplate: 'x' })).toEqual([
      { path: '/inputPathsMap/AWS.x', message: 'InputPathsMap keys cannot start with "AWS.": AWS.x' },
    ]);
  });

  it('rejects bad keys and bad paths', () => {
    expect(validateInputTransformer({ inputPathsMap: { 'a b': '$.a' }, inputTemplate: 'x' })[0]?.path).toBe(
      '/inputPathsMap/a b',
    );
    expect(validateInputTransformer({ inputPathsMap: { a: 'detail.a' }, inputTemplate: 'x' })).toEqual([
      { path: '/inputPathsMap/a', message: 'Invalid JSON path: detail.a' },
    ]);
    expect(validateInputTransformer({ inputPath: '$..a' })).toEqual([
      { path: '/inputPath', message: 'Invalid JSON path: $..a' },
    ]);
  });

  it('rejects template lengths outside 1..8192', () => {
    const message = 'InputTemplate must be 1 to 8192 characters long';
    expect(validateInputTransformer({ inputTemplate: '' })).toEqual([{ path: T, message }]);
    expect(validateInputTransformer({ inputTemplate: 'x'.repeat(8193) })).toEqual([{ path: T, message }]);
    expect(validateInputTransformer({ inputTemplate: 'x'.repeat(8192) })).toEqual([]);
  });

  it('rejects a JSON template that is not JSON', () => {
    expect(validateInputTransformer({ inputPathsMap: { a: '$.a' }, inputTemplate: '{"a": <a>' })).toEqual([
      { path: T, message: 'InputTemplate is not valid JSON' },
    ]);
  });

  it('rejects a placeholder used as an object key', () => {
    expect(validateInputTransformer({ inputPathsMap: { a: '$.a' }, inputTemplate: '{"<a>": 1}' })).toEqual([
      { path: T, message: 'A placeholder cannot be used as an object key' },
    ]);
  });

  it('accepts <aws.events.event> only as a JSON value', () => {
    expect(validateInputTransformer({ inputTemplate: 'event <aws.events.event>' })).toEqual([
      { path: T, message: '<aws.events.event> can only be used as the value of a JSON field' },
    ]);
    expect(validateInputTransformer({ inputTemplate: '{"e": "<aws.events.event.json>"}' })).toEqual([
      { path: T, message: '<aws.events.event.json> can only be used as the value of a JSON field' },
    ]);
  });

  it('rejects an Input that is not JSON, and a map without a template', () => {
    expect(validateInputTransformer({ input: 'nope' })).toEqual([
      { path: '/input', message: 'Input is not valid JSON' },
    ]);
    expect(validateInputTransformer({ inputPathsMap: { a: '$.a' } } as never)).toEqual([
      { path: T, message: 'InputTemplate is required with InputPathsMap' },
    ]);
  });
});
