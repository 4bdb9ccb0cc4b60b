import { describe, expect, it } from 'vitest';
import { InvalidJsonOutputError, transformInput, tryTransformInput } from './transform.js';

const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: {
    'instance-id': 'i-0123456789',
    state: 'RUNNING',
    obj: { a: 1, b: 'baz' },
    list: [1, 'x'],
    n: 5,
    q: 'say "hi"',
    t: true,
    z: null,
  },
};
const ctx = {
  ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
  ruleName: 'r',
  ingestionTime: '2015-11-11T21:29:55Z',
};
const inputPathsMap = {
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  obj: '$.detail.obj',
  list: '$.detail.list',
  n: '$.detail.n',
  q: '$.detail.q',
  t: '$.detail.t',
  z: '$.detail.z',
  missing: '$.detail.nope',
  first: '$.resources[0]',
  all: '$.detail.list[*]',
};
const run = (inputTemplate: string) => transformInput(event, { inputPathsMap, inputTemplate }, ctx);

describe('transformInput with a template', () => {
  it.each([
    [
      'JSON template, placeholders as values: strings quoted for you',
      '{"instance" : <instance>, "state": [9, <state>, true], "Transformed" : "Yes"}',
      '{"instance" : "i-0123456789", "state": [9, "RUNNING", true], "Transformed" : "Yes"}',
    ],
    [
      'JSON template, placeholders in quotes: the same output',
      '{"instance" : "<instance>", "state": [9, "<state>", true], "Transformed" : "Yes"}',
      '{"instance" : "i-0123456789", "state": [9, "RUNNING", true], "Transformed" : "Yes"}',
    ],
    [
      'JSON template with variables in and out of quotes (API reference example)',
      '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}',
      '{"myInstance": "i-0123456789","myStatus": "i-0123456789 is in state \\"RUNNING\\""}',
    ],
    ['string template', 'instance <instance> is in <state>', 'instance i-0123456789 is in RUNNING'],
    [
      'quoted string template keeps its quotes',
      '"instance <instance> is in <state>"',
      '"instance i-0123456789 is in RUNNING"',
    ],
    ['object as a JSON value is embedded', '{"o": <obj>}', '{"o": {"a":1,"b":"baz"}}'],
    ['list as a JSON value is embedded', '{"l": <list>}', '{"l": [1,"x"]}'],
    ['object in a string template is flattened without quotes', 'Payload of <obj>', 'Payload of {a:1,b:baz}'],
    ['list in a string template is flattened without quotes', 'List <list>', 'List [1,x]'],
    ['number as a value', '{"n": <n>}', '{"n": 5}'],
    ['number in quotes becomes a string', '{"n": "<n>"}', '{"n": "5"}'],
    ['boolean and null as values', '{"t": <t>, "z": <z>}', '{"t": true, "z": null}'],
    ['number in a string template', 'n=<n>', 'n=5'],
    ['missing path as a JSON value', '{"m": <missing>}', '{"m": ""}'],
    ['missing path in quotes', '{"m": "x<missing>y"}', '{"m": "xy"}'],
    ['missing path in a string template', 'a<missing>b', 'ab'],
    ['quotes in a value are escaped in JSON', '{"q": <q>}', '{"q": "say \\"hi\\""}'],
    ['quotes in a value are escaped inside quotes', '{"q": "<q>!"}', '{"q": "say \\"hi\\"!"}'],
    ['array index path', '{"r": <first>}', '{"r": "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"}'],
    ['wildcard path gives a list', '{"a": <all>}', '{"a": [1,"x"]}'],
    ['unknown placeholder in a string template is left alone', 'a <b> c', 'a <b> c'],
    [
      'reserved rule placeholders',
      '{"arn": <aws.events.rule-arn>, "name": "<aws.events.rule-name>", "t": <aws.events.event.ingestion-time>}',
      '{"arn": "arn:aws:events:us-east-1:123456789012:rule/r", "name": "r", "t": "2015-11-11T21:29:55Z"}',
    ],
    ['reserved placeholders in a string template', 'rule <aws.events.rule-name>', 'rule r'],
  ])('%s', (_name, template, expected) => {
    expect(run(template)).toBe(expected);
    if (template.startsWith('{')) expect(() => JSON.parse(expected)).not.toThrow();
  });

  it('<aws.events.event> is the event without detail', () => {
    const out = JSON.parse(run('{"e": <aws.events.event>}')) as { e: Record<string, unknown> };
    const { detail: _d, ...rest } = event;
    expect(out.e).toEqual(rest);
  });

  it('<aws.events.event.json> is the whole event', () => {
    expect(JSON.parse(run('{"e": <aws.events.event.json>}'))).toEqual({ e: event });
  });

  it('writes a Date ingestion time as ISO 8601', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const out = transformInput(
      event,
      { inputTemplate: '<aws.events.event.ingestion-time>' },
      { ...ctx, ingestionTime: at },
    );
    expect(out).toBe('2024-01-02T03:04:05.000Z');
  });

  it('a quoted object placeholder in a JSON template is INVALID_JSON', () => {
    const result = tryTransformInput(event, { inputPathsMap, inputTemplate: '{"p": "<obj>"}' }, ctx);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_JSON', output: '{"p": "{"a":1,"b":"baz"}"}' });
    expect(() => run('{"p": "<obj>"}')).toThrow(InvalidJsonOutputError);
  });
});

describe('transformInput without a template', () => {
  it('sends the whole event by default', () => {
    expect(JSON.parse(transformInput(event, {}, ctx))).toEqual(event);
  });

  it('sends a constant Input as is', () => {
    expect(transformInput(event, { input: '{"fixed": 1}' }, ctx)).toBe('{"fixed": 1}');
  });

  it('sends the part at InputPath', () => {
    expect(JSON.parse(transformInput(event, { inputPath: '$.detail.obj' }, ctx))).toEqual({ a: 1, b: 'baz' });
    expect(transformInput(event, { inputPath: '$.detail.state' }, ctx)).toBe('"RUNNING"');
    expect(transformInput(event, { inputPath: '$' }, ctx)).toBe(JSON.stringify(event));
  });
});
