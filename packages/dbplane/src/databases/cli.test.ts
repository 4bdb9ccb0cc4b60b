import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectAdmin } from '../engines/admin/index.js';
import { runCli } from '../test-support/cli.js';
import { useTestServer } from '../test-support/server.js';

/** `dbplane instances|db|envs`, run as a user runs them, against a real server and PostgreSQL. */
describe('dbplane db, instances and envs CLI', () => {
  const server = useTestServer();
  const suffix = randomBytes(4).toString('hex');
  const instance = `cli-pg-${suffix}`;
  const database = `cli_${suffix}`;
  const environment = `cli-env-${suffix}`;
  const env = () => ({ DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey });
  const cli = (...args: string[]) => runCli(args, env());
  const json = async (...args: string[]) => {
    const r = await cli('--output', 'json', ...args);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  afterAll(async () => {
    // whatever a failed assertion left behind: the database and its login are cluster-global
    if ((await server.call('GET', `/v1/databases/${database}`)).status === 200) {
      await server.call('DELETE', `/v1/databases/${database}`);
      await expect
        .poll(async () => (await server.call('GET', `/v1/databases/${database}`)).status, { timeout: 60_000 })
        .toBe(404);
    }
    await server.call('DELETE', `/v1/instances/${instance}`);
    await server.call('DELETE', `/v1/environments/${environment}`);
    const admin = await connectAdmin('postgres', inject('pgUrl'));
    try {
      await admin.dropDatabase(database);
      await admin.dropLogin(database);
    } finally {
      await admin.close();
    }
  }, 90_000);

  it('registers an external PostgreSQL and provisions, connects, lists, extends and deletes a database on it', {
    timeout: 180_000,
  }, async () => {
    const made = await cli(
      'instances',
      'create',
      instance,
      '--engine',
      'postgres',
      '--provider',
      'external',
      '--url',
      inject('pgUrl'),
      '--wait',
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`created arn:dbplane:rds:local-1:000000000000:db:${instance}`);
    expect((await cli('instances', 'list')).stdout).toMatch(
      new RegExp(`^${instance}\\s+postgres\\s+external\\s+available\\s+127\\.0\\.0\\.1:5432`, 'm'),
    );

    const created = await cli(
      'db',
      'create',
      database,
      '--engine',
      'postgres',
      '--instance',
      instance,
      '--ttl',
      '2h',
      '--wait',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`database:${database} is available at 127.0.0.1:5432`);
    expect(created.stderr).toContain(`database ${database}: available`);
    expect(created.stderr).not.toMatch(/\n\s+at /);

    const connect = await cli('db', 'connect', database);
    expect(connect.code, connect.stderr).toBe(0);
    const url = connect.stdout.trim();
    expect(url).toMatch(new RegExp(`^postgres://${database}:[^@]+@127\\.0\\.0\\.1:5432/${database}$`));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (id int PRIMARY KEY)');
      await client.query('INSERT INTO t VALUES (1)');
      const r = await client.query('SELECT current_database() AS db, count(*)::int AS n FROM t');
      expect(r.rows[0]).toEqual({ db: database, n: 1 });
    } finally {
      await client.end();
    }

    const listed = await json('db', 'list');
    expect(listed.databases).toContainEqual(
      expect.objectContaining({ name: database, instance, status: 'available', engine: 'postgres' }),
    );
    expect((await cli('db', 'list')).stdout).toMatch(
      new RegExp(
        `^NAME\\s+ENGINE\\s+ENVIRONMENT[\\s\\S]*^${database}\\s+postgres\\s+default\\s+${instance}\\s+available`,
        'm',
      ),
    );
    expect((await cli('db', 'describe', database)).stdout).toMatch(/^status\s+available$/m);

    const before = Date.parse((await json('db', 'describe', database)).expiresAt);
    expect(before - Date.now()).toBeLessThan(2 * 3600_000 + 60_000);
    const extended = await json('db', 'extend', database, '--ttl', '7d');
    expect(Date.parse(extended.expiresAt)).toBeGreaterThan(before);
    expect(Date.parse(extended.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const deleted = await cli('db', 'delete', database, '--wait');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(`deleted arn:dbplane:rds:local-1:000000000000:database:${database}`);
    expect((await server.call('GET', `/v1/databases/${database}`)).status).toBe(404);
    const admin = await connectAdmin('postgres', inject('pgUrl'));
    try {
      expect(await admin.databaseExists(database)).toBe(false);
      expect(await admin.loginExists(database)).toBe(false);
    } finally {
      await admin.close();
    }
    const gone = await cli('db', 'describe', database);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: ResourceNotFound: /);

    expect((await cli('instances', 'delete', instance, '--wait')).code).toBe(0);
    expect((await server.call('GET', `/v1/instances/${instance}`)).status).toBe(404);
  });

  it('refuses a bad database name with ValidationError naming /name, no stack trace, exit 1', {
    timeout: 120_000,
  }, async () => {
    for (const output of [[], ['--output', 'json']]) {
      const bad = await cli(...output, 'db', 'create', 'Bad"; DROP', '--engine', 'postgres', '--wait');
      expect(bad.code).toBe(1);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
      if (output.length === 0) expect(bad.stderr).toMatch(/^error: ValidationError: .*\/name/);
      else expect(JSON.parse(bad.stderr).error.details.problems[0].path).toBe('/name');
    }
    const ttl = await cli('db', 'create', 'fine', '--engine', 'postgres', '--ttl', 'soon');
    expect(ttl.code).toBe(1);
    expect(ttl.stderr).toBe('error: --ttl must be seconds or a duration such as 30m, 2h or 7d; got "soon"\n');
    expect((await server.call('GET', '/v1/databases')).body.databases).toEqual([]);
  });

  it('creates, lists, describes and deletes an environment', { timeout: 120_000 }, async () => {
    const created = await cli(
      'envs',
      'create',
      environment,
      '--max-ttl',
      '1d',
      '--default-ttl',
      '2h',
      '--name-pattern',
      '^qa_',
      '--engines',
      'postgres',
      '--no-dedicated',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`created arn:dbplane:`);
    const described = await json('envs', 'describe', environment);
    expect(described).toMatchObject({
      name: environment,
      engines: ['postgres'],
      maxTtlSeconds: 86_400,
      defaultTtlSeconds: 7200,
      namePattern: '^qa_',
      allowDedicated: false,
    });
    expect((await cli('envs', 'list')).stdout).toMatch(
      new RegExp(`^${environment}\\s+postgres\\s+-\\s+86400\\s+7200\\s+\\^qa_\\s+false$`, 'm'),
    );
    const refused = await cli(
      'db',
      'create',
      'prod_one',
      '--engine',
      'postgres',
      '--environment',
      environment,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: ValidationError: .*\/name/);
    expect((await cli('envs', 'delete', environment)).stdout).toContain(`deleted environment ${environment}`);
    expect((await json('envs', 'list')).environments.map((e: { name: string }) => e.name)).not.toContain(
      environment,
    );
  });
});
