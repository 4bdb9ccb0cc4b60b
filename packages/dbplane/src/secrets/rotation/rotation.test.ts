import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withTransaction } from '../../store/db.js';
import { mysqlAvailable, TEST_MYSQL_URL } from '../../test-support/mysql.js';
import { useTestServer } from '../../test-support/server.js';
import { registerRotationIntegrations } from './integrations.js';
import {
  createRotationService,
  type RotateParams,
  type RotationService,
  scheduleRuleName,
} from './service.js';
import { createFixture, type Fixture } from './testing.js';
import { type Credentials, ROTATION_MACHINE } from './types.js';

const ACCOUNT = '000000000000';
const hasMysql = await mysqlAvailable();

/**
 * The built-in workflow end to end on a real node (its task worker and engine
 * loop), wired here by hand: the integrations onto the node's registry and the
 * rotation service over its services. `rotation.http.test.ts` is the same
 * through the API once the node wires them itself.
 */
describe('dbplane-rotate-secret', () => {
  const server = useTestServer();
  let rotation: RotationService;
  const fixtures: Fixture[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(() => {
    registerRotationIntegrations(server.runtime.registry, {
      pool: server.pool,
      secrets: server.services.secrets,
    });
    rotation = createRotationService({
      region: 'local-1',
      machines: server.services.machines,
      executions: server.services.executions,
      rules: server.services.bus.rules,
    });
  });
  afterAll(async () => {
    for (const f of fixtures) await f.drop();
    for (const c of cleanups) await c();
  });

  const secrets = () => server.services.secrets;
  const store = (name: string, value: Credentials) =>
    withTransaction(server.pool, (tx) =>
      secrets().create(tx, { accountId: ACCOUNT, name, secretString: JSON.stringify(value) }),
    );
  const rotate = (p: Omit<RotateParams, 'accountId'>) =>
    withTransaction(server.pool, (tx) => rotation.rotate(tx, { accountId: ACCOUNT, ...p }));
  const finished = async (executionArn: string) => {
    const ref = { accountId: ACCOUNT, stateMachine: ROTATION_MACHINE, execution: executionArn };
    await expect
      .poll(async () => (await server.services.executions.describe(ref)).status, {
        timeout: 60_000,
        interval: 100,
      })
      .not.toBe('RUNNING');
    const history = await server.services.executions.history({
      ...ref,
      limit: 1000,
      reverse: false,
      includeExecutionData: true,
    });
    return {
      execution: await server.services.executions.describe(ref),
      history: JSON.stringify(history.events),
    };
  };
  const valueAt = async (name: string, versionStage: string) =>
    JSON.parse((await secrets().getValue({ accountId: ACCOUNT, name, versionStage })).secretString ?? '');

  const engines = [
    ['postgres', true],
    ['mysql', hasMysql],
  ] as const;
  for (const [engine, available] of engines) {
    it.runIf(available)(`rotates a ${engine} login on demand and schedules the next rotation`, async () => {
      const f = await createFixture(engine, engine === 'postgres' ? inject('pgUrl') : TEST_MYSQL_URL);
      fixtures.push(f);
      const name = `rds/${f.credentials.username}`;
      const first = await store(name, f.credentials);
      const token = crypto.randomUUID();
      const r = await rotate({
        name,
        rotationRules: { automaticallyAfterDays: 30 },
        clientRequestToken: token,
      });
      expect(r).toMatchObject({ name, versionId: token });
      expect(r.executionArn).toMatch(/:execution:dbplane-rotate-secret:/);
      const { execution, history } = await finished(r.executionArn ?? '');
      expect(execution.status, history).toBe('SUCCEEDED');

      const current = await valueAt(name, 'AWSCURRENT');
      expect(current.password).not.toBe(f.credentials.password);
      expect(await f.accepts(current.password)).toBe(true);
      expect(await f.accepts(f.credentials.password)).toBe(false);
      expect((await valueAt(name, 'AWSPREVIOUS')).password).toBe(f.credentials.password);
      expect(history).not.toContain(current.password);
      expect(history).not.toContain(f.credentials.password);
      expect(history).toContain('TaskSucceeded');

      const d = await secrets().describe({ accountId: ACCOUNT, name });
      expect(d).toMatchObject({
        rotationEnabled: true,
        rotationRules: { automaticallyAfterDays: 30 },
        versionIdsToStages: { [token]: ['AWSCURRENT'], [first.versionId ?? '']: ['AWSPREVIOUS'] },
      });
      const last = Date.parse(d.lastRotatedDate ?? '');
      expect(Date.parse(d.nextRotationDate ?? '') - last).toBe(30 * 86_400_000);

      // the same call again answers the same rotation and changes nothing
      const again = await rotate({
        name,
        rotationRules: { automaticallyAfterDays: 30 },
        clientRequestToken: token,
      });
      expect(again.executionArn).toBe(r.executionArn);
      expect((await valueAt(name, 'AWSCURRENT')).password).toBe(current.password);

      // the schedule: a rule on the default bus that starts the machine for this secret
      const id = (await server.pool.query('SELECT id FROM secrets WHERE name = $1', [name])).rows[0].id;
      const rule = { accountId: ACCOUNT, name: scheduleRuleName(id) };
      expect(await server.services.bus.rules.describe(server.pool, rule)).toMatchObject({
        scheduleExpression: 'rate(30 days)',
        state: 'ENABLED',
      });
      const [target] = await server.services.bus.rules.listTargets(server.pool, rule);
      expect(target?.arn).toBe(rotation.machineArn(ACCOUNT));
      expect(JSON.parse(target?.input ?? '')).toEqual({ secretId: d.arn });
    });
  }

  it('a scheduled run (no token) draws its own token and rotates', async () => {
    const f = await createFixture('postgres', inject('pgUrl'));
    fixtures.push(f);
    const name = `rds/${f.credentials.username}`;
    const s = await store(name, f.credentials);
    // what the rule's target does: StartExecution with { secretId }
    const started = await withTransaction(server.pool, async (tx) => {
      await rotation.rotate(tx, {
        accountId: ACCOUNT,
        name,
        rotateImmediately: false,
        rotationRules: { scheduleExpression: 'cron(0 3 * * ? *)' },
      });
      return server.services.executions.start(tx, {
        accountId: ACCOUNT,
        stateMachine: ROTATION_MACHINE,
        input: { secretId: s.arn },
      });
    });
    const { execution } = await finished(started.executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    const current = await valueAt(name, 'AWSCURRENT');
    expect(await f.accepts(current.password)).toBe(true);
    expect(await f.accepts(f.credentials.password)).toBe(false);
    expect((await secrets().describe({ accountId: ACCOUNT, name })).nextRotationDate).toMatch(/T03:00:00/);
  });

  it('when a step fails, the Catch puts AWSCURRENT back on the server and drops AWSPENDING', async () => {
    const adminUrl = inject('pgUrl');
    const f = await createFixture('postgres', adminUrl);
    fixtures.push(f);
    // a database the login may not connect to: setSecret (as master) works, testSecret cannot
    const locked = `${f.credentials.username}_locked`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${locked}`);
    await admin.query(`REVOKE CONNECT ON DATABASE ${locked} FROM PUBLIC`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${locked} WITH (FORCE)`);
      await admin.end();
    });
    const master = await store(`admin/${f.credentials.username}`, {
      engine: 'postgres',
      host: f.credentials.host,
      port: f.credentials.port,
      username: 'postgres',
      password: '',
    });
    const name = `rds/${f.credentials.username}`;
    const first = await store(name, { ...f.credentials, dbname: locked, masterarn: master.arn });
    const r = await rotate({ name });
    const { execution, history } = await finished(r.executionArn ?? '');
    expect(execution.status).toBe('FAILED');
    expect(execution).toMatchObject({ error: 'Dbplane.LoginFailed' });
    expect(history).toContain('RevertSecret');
    expect(history).toContain('set by master');
    expect(history).toContain('reverted');
    const pending = await secrets().getValue({ accountId: ACCOUNT, name, versionId: r.versionId ?? '' });
    expect(history).not.toContain(JSON.parse(pending.secretString ?? '').password);
    expect(await f.accepts(f.credentials.password)).toBe(true);
    expect((await secrets().describe({ accountId: ACCOUNT, name })).versionIdsToStages).toEqual({
      [first.versionId ?? '']: ['AWSCURRENT'],
      [r.versionId ?? '']: [],
    });
    expect(history).not.toContain(f.credentials.password);
  });
});
