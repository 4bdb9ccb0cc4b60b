import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTaskRegistry, type TaskOutcome } from '../../executions/registry.js';
import { createKeyring } from '../../kms/keyring.js';
import { createPool, type Pool, withTransaction } from '../../store/db.js';
import { useTestDatabase } from '../../test-support/database.js';
import { mysqlAvailable, TEST_MYSQL_URL } from '../../test-support/mysql.js';
import { createSecretsService, type SecretsService } from '../service.js';
import { registerRotationIntegrations } from './integrations.js';
import { createFixture, type Fixture } from './testing.js';
import { type Credentials, RESOURCE, type Step } from './types.js';

const ACCOUNT = '000000000000';
const hasMysql = await mysqlAvailable();

/** The rotation integrations called through a TaskRegistry, as the task worker calls them. */
describe('rotation steps', () => {
  const db = useTestDatabase();
  let pool: Pool;
  let dir: string;
  let secrets: SecretsService;
  const registry = createTaskRegistry();
  const fixtures: Fixture[] = [];
  beforeAll(async () => {
    pool = createPool(db.url, { max: 3 });
    dir = await mkdtemp(join(tmpdir(), 'dbplane-rot-'));
    secrets = createSecretsService({
      pool,
      region: 'local-1',
      keyring: createKeyring({ dataDir: dir, region: 'local-1' }),
    });
    registerRotationIntegrations(registry, { pool, secrets });
  });
  afterAll(async () => {
    for (const f of fixtures) await f.drop();
    await pool?.end();
    await rm(dir, { recursive: true, force: true });
  });

  const invoke = async (step: Step, secretId: string, token: string): Promise<TaskOutcome> => {
    const handler = registry.resolve(RESOURCE[step]);
    if (handler === undefined) throw new Error(`no handler for ${step}`);
    return handler({
      resource: RESOURCE[step],
      input: { secretId, clientRequestToken: token },
      idempotencyToken: `t-${step}`,
      taskToken: null,
      pattern: 'requestResponse',
      accountId: ACCOUNT,
      executionArn: 'arn:dbplane:states:local-1:000000000000:execution:x:y',
      signal: new AbortController().signal,
    });
  };
  const store = async (name: string, value: Credentials) =>
    withTransaction(pool, (tx) =>
      secrets.create(tx, { accountId: ACCOUNT, name, secretString: JSON.stringify(value) }),
    );
  const stages = async (name: string) =>
    (await secrets.describe({ accountId: ACCOUNT, name })).versionIdsToStages;
  const valueAt = async (name: string, q: { versionId?: string; versionStage?: string }) =>
    JSON.parse(
      (await secrets.getValue({ accountId: ACCOUNT, name, ...q })).secretString ?? '',
    ) as Credentials;
  const fixture = async (engine: 'postgres' | 'mysql') => {
    const f = await createFixture(engine, engine === 'postgres' ? inject('pgUrl') : TEST_MYSQL_URL);
    fixtures.push(f);
    return f;
  };

  const engines = [
    ['postgres', true],
    ['mysql', hasMysql],
  ] as const;

  for (const [engine, available] of engines) {
    describe.runIf(available)(engine, () => {
      it('rotates a login that changes its own password, each step repeatable with the same token', async () => {
        const f = await fixture(engine);
        const name = `db/${f.credentials.username}`;
        const created = await store(name, f.credentials);
        const token = crypto.randomUUID();
        const outcomes: string[] = [];
        for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
          const first = await invoke(step, name, token);
          expect(first, step).toMatchObject({ type: 'succeeded' });
          const before = JSON.stringify(await stages(name));
          const again = await invoke(step, name, token);
          expect(again, `${step} repeated`).toMatchObject({ type: 'succeeded' });
          expect(JSON.stringify(await stages(name)), `${step} repeated`).toBe(before);
          outcomes.push(
            (first as { output: { outcome: string } }).output.outcome,
            (again as { output: { outcome: string } }).output.outcome,
          );
          if (step === 'createSecret') {
            const pending = await valueAt(name, { versionStage: 'AWSPENDING' });
            expect(pending).toMatchObject({ ...f.credentials, password: expect.any(String) });
            expect(pending.password).not.toBe(f.credentials.password);
          }
          expect(JSON.stringify(first)).not.toContain(f.credentials.password);
        }
        expect(outcomes).toEqual([
          'created',
          'existed',
          'set',
          'set',
          'tested',
          'tested',
          'finished',
          'already current',
        ]);
        const current = await valueAt(name, { versionStage: 'AWSCURRENT' });
        expect(current.password).not.toBe(f.credentials.password);
        expect(await f.accepts(current.password)).toBe(true);
        expect(await f.accepts(f.credentials.password)).toBe(false);
        expect(await stages(name)).toEqual({
          [token]: ['AWSCURRENT'],
          [created.versionId ?? '']: ['AWSPREVIOUS'],
        });
        expect((await valueAt(name, { versionStage: 'AWSPREVIOUS' })).password).toBe(f.credentials.password);
        // a step of the finished rotation, run again later, changes nothing
        expect(await invoke('setSecret', name, token)).toMatchObject({
          output: { outcome: 'already current' },
        });
        expect(await f.accepts(current.password)).toBe(true);
      });

      it('rotates with the master secret (masterarn) and reverts to AWSCURRENT on request', async () => {
        const f = await fixture(engine);
        const adminUrl = new URL(f.adminUrl);
        const master = await store(`admin/${f.credentials.username}`, {
          engine,
          host: adminUrl.hostname,
          port: f.credentials.port,
          username: decodeURIComponent(adminUrl.username),
          password: decodeURIComponent(adminUrl.password),
        });
        const name = `db/${f.credentials.username}`;
        await store(name, { ...f.credentials, masterarn: master.arn });
        const token = crypto.randomUUID();
        expect(await invoke('createSecret', name, token)).toMatchObject({ type: 'succeeded' });
        expect(await invoke('setSecret', name, token)).toMatchObject({
          output: { outcome: 'set by master' },
        });
        const pending = await valueAt(name, { versionId: token });
        expect(await f.accepts(pending.password)).toBe(true);
        expect(await f.accepts(f.credentials.password)).toBe(false);
        // the Catch path: the server goes back to AWSCURRENT's password and AWSPENDING goes
        expect(await invoke('revertSecret', name, token)).toMatchObject({ output: { outcome: 'reverted' } });
        expect(await f.accepts(f.credentials.password)).toBe(true);
        expect(await f.accepts(pending.password)).toBe(false);
        expect(Object.values(await stages(name)).flat()).not.toContain('AWSPENDING');
        // a later step of that rotation is refused: it was superseded
        expect(await invoke('finishSecret', name, token)).toMatchObject({
          type: 'failed',
          error: 'Dbplane.RotationSuperseded',
        });
      });
    });
  }

  it('fails without quoting the value when the secret is not RDS credentials', async () => {
    await withTransaction(pool, (tx) =>
      secrets.create(tx, { accountId: ACCOUNT, name: 'not-json', secretString: 'hunter2-not-json' }),
    );
    const r = await invoke('createSecret', 'not-json', crypto.randomUUID());
    expect(r).toMatchObject({ type: 'failed', error: 'Dbplane.InvalidSecret' });
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(await invoke('createSecret', 'missing', crypto.randomUUID())).toMatchObject({
      type: 'failed',
      error: 'Dbplane.SecretNotFound',
    });
    expect(await invoke('createSecret', 'not-json', 'short')).toMatchObject({ error: 'States.Runtime' });
  });
});
