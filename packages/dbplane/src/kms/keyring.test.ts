import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring, DEFAULT_ALIAS } from './keyring.js';

describe('keyring', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbplane-ring-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('unwraps what another process on the same data directory wrapped after rotating', () => {
    const a = createKeyring({ dataDir: dir, region: 'local-1' });
    const b = createKeyring({ dataDir: dir, region: 'local-1' });
    a.wrap(DEFAULT_ALIAS, Buffer.alloc(32, 1));
    a.rotate('000000000000', DEFAULT_ALIAS);
    const wrapped = a.wrap(DEFAULT_ALIAS, Buffer.alloc(32, 7));
    expect(wrapped.keyVersion).toBe(2);
    expect(b.unwrap(wrapped)).toEqual(Buffer.alloc(32, 7));
  });

  it("serves another region's keys on the same file: separate keys, that region's ARNs", () => {
    const a = createKeyring({ dataDir: dir, region: 'local-1' });
    const b = a.forRegion('eu-2');
    expect(a.forRegion('local-1')).toBe(a);
    expect(b.region).toBe('eu-2');
    const wrapped = b.wrap(DEFAULT_ALIAS, Buffer.alloc(32, 5));
    expect(wrapped.keyId).not.toBe(a.resolve(DEFAULT_ALIAS));
    expect(b.describe('000000000000', DEFAULT_ALIAS).arn).toMatch(/^arn:dbplane:kms:eu-2:000000000000:key\//);
    expect(() => a.unwrap(wrapped)).toThrow(/kms key/);
    const again = createKeyring({ dataDir: dir, region: 'eu-2' });
    expect(again.unwrap(wrapped)).toEqual(Buffer.alloc(32, 5));
  });

  it('never writes a key out of existence from a stale view: other regions and other keyrings keep theirs', () => {
    const here = createKeyring({ dataDir: dir, region: 'local-1' });
    const stale = createKeyring({ dataDir: dir, region: 'local-1' });
    here.list('000000000000');
    stale.list('000000000000');
    const there = here.forRegion('ap-5').create('000000000000', { alias: 'alias/made-there' });
    const one = here.create('000000000000', { alias: 'alias/one' });
    const two = stale.create('000000000000', { alias: 'alias/two' }); // stale has not seen alias/one
    stale.rotate('000000000000', DEFAULT_ALIAS);
    const wrapped = stale.wrap(DEFAULT_ALIAS, Buffer.alloc(32, 9));
    here.rotate('000000000000', DEFAULT_ALIAS); // a third version, not a second one written over stale's
    const fresh = createKeyring({ dataDir: dir, region: 'local-1' });
    expect(fresh.describe('000000000000', 'alias/one').keyId).toBe(one.keyId);
    expect(fresh.describe('000000000000', 'alias/two').keyId).toBe(two.keyId);
    expect(fresh.unwrap(wrapped)).toEqual(Buffer.alloc(32, 9));
    expect(fresh.describe('000000000000', DEFAULT_ALIAS).currentVersion).toBe(wrapped.keyVersion + 1);
    const ap5 = createKeyring({ dataDir: dir, region: 'ap-5' });
    expect(ap5.describe('000000000000', 'alias/made-there').keyId).toBe(there.keyId);
  });

  it('uses a keyring given by environment without writing a file', () => {
    const env = JSON.stringify({
      'eu-1': [
        {
          id: 'k1',
          alias: DEFAULT_ALIAS,
          description: '',
          createdAt: '',
          versions: [{ version: 1, material: Buffer.alloc(32, 3).toString('base64'), createdAt: '' }],
        },
      ],
    });
    const a = createKeyring({ dataDir: join(dir, 'none'), region: 'eu-1', fromEnv: env });
    const b = createKeyring({ dataDir: join(dir, 'other'), region: 'eu-1', fromEnv: env });
    expect(b.unwrap(a.wrap(DEFAULT_ALIAS, Buffer.alloc(32, 9)))).toEqual(Buffer.alloc(32, 9));
    expect(a.list('000000000000').map((k) => k.keyId)).toEqual(['k1']);
  });
});
