import { describe, expect, it } from 'vitest';
import { applyBootstrap, planBootstrap } from './index.js';

const passwords = {
  async secret(): Promise<string> {
    throw new Error('not used');
  },
};
// nothing listens there: these calls must answer before connecting
const url = 'postgres://nobody@127.0.0.1:1/none';

describe('planBootstrap and applyBootstrap refuse before connecting', () => {
  it('refuses a spec for another engine than the instance', async () => {
    const spec = { engine: 'mariadb' as const, users: [{ name: 'app' }] };
    const problem = { path: '/engine', message: 'the spec is for mariadb, the instance runs postgres' };
    expect(await planBootstrap({ url, engine: 'postgres', spec, passwords })).toEqual({
      changes: [],
      problems: [problem],
    });
    expect(await applyBootstrap({ url, engine: 'postgres', spec, passwords })).toEqual({
      changes: [],
      problems: [problem],
      passwords: [],
    });
  });

  it('answers the problems of an invalid spec', async () => {
    const spec = {
      engine: 'postgres' as const,
      grants: [{ role: 'ghost', privileges: ['SELECT'], on: { database: 'd' } }],
    };
    const plan = await planBootstrap({ url, engine: 'postgres', spec, passwords });
    expect(plan.problems.map((p) => p.path).sort()).toEqual([
      '/grants/0/on/database',
      '/grants/0/privileges/0',
      '/grants/0/role',
    ]);
  });
});
