import { describe, expect, it } from 'vitest';
import * as events from './index.js';

describe('@dbplane/events public API', () => {
  it('exports what the server imports', () => {
    for (const name of [
      'validatePattern',
      'compileRules',
      'matchesPattern',
      'transformInput',
      'tryTransformInput',
      'validateInputTransformer',
      'parseSchedule',
      'validateSchedule',
      'InvalidEventPatternError',
      'InvalidJsonOutputError',
      'InvalidScheduleError',
    ]) {
      expect(typeof (events as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('runs the motivating audit-trail rule end to end', () => {
    const pattern = {
      source: ['dbplane.functions'],
      'detail-type': ['dbplane API Call via Audit Trail'],
      detail: {
        eventName: [{ prefix: 'UpdateFunctionCode' }, { prefix: 'UpdateFunctionConfiguration' }],
        requestParameters: {
          functionName: ['arn:dbplane:functions:local:000000000000:function:boot', 'boot'],
        },
      },
    };
    expect(events.validatePattern(pattern)).toEqual([]);
    const matcher = events.compileRules([{ id: 'bootstrap', pattern }]);
    const event = {
      id: 'e1',
      region: 'local',
      account: '000000000000',
      time: '2024-01-01T00:00:00Z',
      source: 'dbplane.functions',
      'detail-type': 'dbplane API Call via Audit Trail',
      detail: { eventName: 'UpdateFunctionCode20150331v2', requestParameters: { functionName: 'boot' } },
    };
    expect(matcher.match(event)).toEqual(['bootstrap']);
    const options = {
      inputPathsMap: {
        fn: '$.detail.requestParameters.functionName',
        id: '$.id',
        region: '$.region',
        account: '$.account',
        time: '$.time',
      },
      inputTemplate:
        '{"function": <fn>, "eventId": <id>, "region": <region>, "account": <account>, "time": <time>}',
    };
    expect(events.validateInputTransformer(options)).toEqual([]);
    const input = events.transformInput(event, options, {
      ruleArn: 'arn',
      ruleName: 'bootstrap',
      ingestionTime: event.time,
    });
    expect(JSON.parse(input)).toEqual({
      function: 'boot',
      eventId: 'e1',
      region: 'local',
      account: '000000000000',
      time: '2024-01-01T00:00:00Z',
    });
  });
});
