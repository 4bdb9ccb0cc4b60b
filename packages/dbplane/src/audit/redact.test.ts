import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('replaces secret-looking values at any depth and keeps the rest', () => {
    const input = {
      name: 'app',
      password: 'hunter2',
      nested: { secretString: '{"password":"x"}', clientSecret: 's', list: [{ token: 't', value: 1 }] },
      apiKey: 'dbp_x',
      secretArn: 'arn:dbplane:secretsmanager:local-1:000000000000:secret:db',
      Authorization: 'Bearer x',
    };
    expect(redactSecrets(input)).toEqual({
      name: 'app',
      password: REDACTED,
      nested: { secretString: REDACTED, clientSecret: REDACTED, list: [{ token: REDACTED, value: 1 }] },
      apiKey: REDACTED,
      secretArn: 'arn:dbplane:secretsmanager:local-1:000000000000:secret:db',
      Authorization: REDACTED,
    });
    expect(input.password).toBe('hunter2');
  });

  it('leaves scalars and arrays of scalars alone', () => {
    expect(redactSecrets('password')).toBe('password');
    expect(redactSecrets([1, 'a', null])).toEqual([1, 'a', null]);
  });
});
