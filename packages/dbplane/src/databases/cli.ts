import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../cli/commands.js';
import { endpointText, fieldLines, type Tracked, waitFor } from '../instances/cli.js';

type Database = Tracked & {
  arn: string;
  engine: 'postgres' | 'mysql';
  environment: string;
  instance: string | null;
  expiresAt?: string;
};

interface Credentials {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
}

const path = (name: string, rest = '') => `/v1/databases/${encodeURIComponent(name)}${rest}`;
const COLUMNS = ['name', 'engine', 'environment', 'instance', 'status', 'endpoint', 'expiresAt'] as const;
const FIELDS = [
  'name',
  'arn',
  'engine',
  'environment',
  'instance',
  'dedicated',
  'status',
  'statusReason',
  'endpoint',
  'secretArn',
  'expiresAt',
  'executionArn',
  'createdAt',
  'updatedAt',
] as const;

const show = (d: Database) => fieldLines(d as unknown as Record<string, unknown>, FIELDS);

/** A TTL option as the API takes it: whole seconds, or a duration such as `30m`, `2h`, `7d`. */
function ttlOption(value: string, flag = '--ttl'): number | string {
  if (/^[0-9]+$/.test(value)) return Number(value);
  if (/^[1-9][0-9]{0,6}[smhd]$/.test(value)) return value;
  throw new Error(`${flag} must be seconds or a duration such as 30m, 2h or 7d; got "${value}"`);
}

/** Seconds of a TTL option (environments take seconds). */
function ttlSecondsOption(value: string, flag: string): number {
  const ttl = ttlOption(value, flag);
  if (typeof ttl === 'number') return ttl;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[ttl.slice(-1) as 's' | 'm' | 'h' | 'd'];
  return Number(ttl.slice(0, -1)) * unit;
}

/** `postgres://user:pass@host:port/db` or `mysql://...`, every part escaped. */
function connectionUrl(c: Credentials): string {
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const user = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}`;
  return `${c.engine}://${user}@${host}:${c.port}/${encodeURIComponent(c.dbname)}`;
}

async function onPath(names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
      const file = join(dir, name);
      const found = await access(file, constants.X_OK).then(
        () => true,
        () => false,
      );
      if (found) return file;
    }
  }
  return undefined;
}

/** Runs the engine's own client on the terminal; the password goes by environment, not argv. */
async function shell(c: Credentials): Promise<number> {
  const pg = c.engine === 'postgres';
  const clients = pg ? ['psql'] : ['mariadb', 'mysql'];
  const bin = await onPath(clients);
  if (bin === undefined)
    throw new Error(
      `no ${clients.join(' or ')} on PATH; install ${pg ? 'the PostgreSQL client (e.g. apt install postgresql-client)' : 'the MariaDB client (e.g. apt install mariadb-client)'} or use the URL from \`dbplane db connect\``,
    );
  const args = pg
    ? ['-h', c.host, '-p', String(c.port), '-U', c.username, '-d', c.dbname]
    : ['-h', c.host, '-P', String(c.port), '-u', c.username, c.dbname];
  const env = { ...process.env, ...(pg ? { PGPASSWORD: c.password } : { MYSQL_PWD: c.password }) };
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 0 : 1)));
  });
}

/** `dbplane db create|list|describe|delete|extend|connect`. */
export function registerDatabaseCommands(program: Command, ctx: CommandContext): void {
  const db = program.command('db').description('self-service databases');
  const wait = (name: string, target: string) =>
    waitFor<Database>(ctx, path(name), `database ${name}`, target, 'DatabaseFailed');
  db.command('create <name>')
    .description('request a database (on an instance the environment chooses, or a dedicated one)')
    .requiredOption('--engine <engine>', 'postgres | mysql')
    .option('--environment <name>', 'placement and limits (default: default)')
    .option('--ttl <ttl>', 'delete it after this long: seconds or 30m, 2h, 7d')
    .option('--instance <name>', 'the instance to place it on')
    .option('--dedicated', 'give it a new local instance of its own')
    .option('--wait', 'wait until it is available')
    .action(
      async (
        name: string,
        o: {
          engine: string;
          environment?: string;
          ttl?: string;
          instance?: string;
          dedicated?: boolean;
          wait?: boolean;
        },
      ) => {
        const body = {
          name,
          engine: o.engine,
          ...(o.environment === undefined ? {} : { environment: o.environment }),
          ...(o.ttl === undefined ? {} : { ttl: ttlOption(o.ttl) }),
          ...(o.instance === undefined ? {} : { instance: o.instance }),
          ...(o.dedicated ? { dedicated: true } : {}),
        };
        let d = await (await ctx.api()).call<Database>('POST', '/v1/databases', body);
        if (o.wait) d = (await wait(name, 'available')) ?? d;
        ctx
          .out()
          .value(d, () =>
            d.status === 'available'
              ? `${d.arn} is available at ${endpointText(d.endpoint)} (instance ${d.instance}); \`dbplane db connect ${name}\``
              : `requested ${d.arn} (${d.status}); \`dbplane db describe ${name}\` shows its progress`,
          );
      },
    );
  db.command('list')
    .option('--environment <name>', 'only this environment')
    .action(async (o: { environment?: string }) => {
      const api = await ctx.api();
      const env = o.environment === undefined ? '' : `&environment=${encodeURIComponent(o.environment)}`;
      const databases: Database[] = [];
      let token: string | undefined;
      do {
        const next = token === undefined ? '' : `&nextToken=${encodeURIComponent(token)}`;
        const page = await api.call<{ databases: Database[]; nextToken?: string }>(
          'GET',
          `/v1/databases?limit=1000${env}${next}`,
        );
        databases.push(...page.databases);
        token = page.nextToken;
      } while (token !== undefined);
      const rows = databases.map((d) => ({ ...d, endpoint: endpointText(d.endpoint) }));
      ctx.out().table(rows, COLUMNS, { databases });
    });
  db.command('describe <name>').action(async (name: string) => {
    const d = await (await ctx.api()).call<Database>('GET', path(name));
    ctx.out().value(d, () => show(d));
  });
  db.command('delete <name>')
    .description('deprovision a database: drop it, its owner login, and schedule its secret for deletion')
    .option('--wait', 'wait until it is gone')
    .action(async (name: string, o: { wait?: boolean }) => {
      const d = await (await ctx.api()).call<Database>('DELETE', path(name));
      if (o.wait) await wait(name, 'gone');
      ctx
        .out()
        .value(o.wait ? { ...d, status: 'deleted' } : d, () => `${o.wait ? 'deleted' : 'deleting'} ${d.arn}`);
    });
  db.command('extend <name>')
    .description('move the expiry to this long from now')
    .requiredOption('--ttl <ttl>', 'seconds or 30m, 2h, 7d')
    .action(async (name: string, o: { ttl: string }) => {
      const d = await (await ctx.api()).call<Database>('POST', path(name, '/extend'), {
        ttl: ttlOption(o.ttl),
      });
      ctx.out().value(d, () => `${name} now expires at ${d.expiresAt ?? '(never)'}`);
    });
  db.command('connect <name>')
    .description('print a connection URL (it contains the password), or open psql/mariadb with --shell')
    .option('--shell', "open the engine's client (psql, mariadb or mysql) when installed")
    .action(async (name: string, o: { shell?: boolean }) => {
      const api = await ctx.api();
      const d = await api.call<Database>('GET', path(name));
      if (d.status !== 'available') throw new Error(`database ${name} is ${d.status}, not available`);
      const secret = await api.call<{ secretString: string }>(
        'GET',
        `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`,
      );
      const c = JSON.parse(secret.secretString) as Credentials;
      if (o.shell) {
        process.exitCode = await shell(c);
        return;
      }
      const url = connectionUrl(c);
      ctx
        .out()
        .value(
          { url, engine: c.engine, host: c.host, port: c.port, username: c.username, dbname: c.dbname },
          () => url,
        );
    });
}

type Environment = {
  arn: string;
  name: string;
  engines: string[];
  placement: Record<string, { instance: string }>;
  maxTtlSeconds: number | null;
  defaultTtlSeconds: number | null;
  namePattern: string | null;
  allowDedicated: boolean;
};

const envPath = (name: string) => `/v1/environments/${encodeURIComponent(name)}`;
const ENV_COLUMNS = [
  'name',
  'engines',
  'placement',
  'maxTtlSeconds',
  'defaultTtlSeconds',
  'namePattern',
  'allowDedicated',
];
const envRow = (e: Environment) => ({
  ...e,
  engines: e.engines.join(','),
  placement: Object.entries(e.placement)
    .map(([engine, p]) => `${engine}=${p.instance}`)
    .join(','),
});

interface EnvOptions {
  description?: string;
  maxTtl?: string;
  defaultTtl?: string;
  namePattern?: string;
  engines?: string;
  dedicated: boolean;
  instancePostgres?: string;
  instanceMysql?: string;
}

function envBody(o: EnvOptions): Record<string, unknown> {
  const placement = {
    ...(o.instancePostgres === undefined ? {} : { postgres: { instance: o.instancePostgres } }),
    ...(o.instanceMysql === undefined ? {} : { mysql: { instance: o.instanceMysql } }),
  };
  return {
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(o.maxTtl === undefined ? {} : { maxTtlSeconds: ttlSecondsOption(o.maxTtl, '--max-ttl') }),
    ...(o.defaultTtl === undefined
      ? {}
      : { defaultTtlSeconds: ttlSecondsOption(o.defaultTtl, '--default-ttl') }),
    ...(o.namePattern === undefined ? {} : { namePattern: o.namePattern }),
    ...(o.engines === undefined
      ? {}
      : {
          engines: o.engines
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean),
        }),
    ...(o.dedicated ? {} : { allowDedicated: false }),
    ...(Object.keys(placement).length === 0 ? {} : { placement }),
  };
}

/** `dbplane envs create|list|describe|delete`. */
export function registerEnvironmentCommands(program: Command, ctx: CommandContext): void {
  const envs = program.command('envs').description('environments: placement and limits of database requests');
  envs
    .command('create <name>')
    .option('--description <text>')
    .option('--max-ttl <ttl>', 'longest TTL a request may ask for: seconds or 30m, 2h, 7d')
    .option('--default-ttl <ttl>', 'TTL of requests that give none')
    .option('--name-pattern <regex>', 'a regular expression database names must match')
    .option('--engines <list>', 'engines allowed, e.g. postgres,mysql')
    .option('--no-dedicated', 'refuse dedicated instances')
    .option('--instance-postgres <name>', 'the instance PostgreSQL databases go to')
    .option('--instance-mysql <name>', 'the instance MySQL databases go to')
    .action(async (name: string, o: EnvOptions) => {
      const e = await (await ctx.api()).call<Environment>('POST', '/v1/environments', {
        name,
        ...envBody(o),
      });
      ctx.out().value(e, () => `created ${e.arn}`);
    });
  envs.command('list').action(async () => {
    const r = await (await ctx.api()).call<{ environments: Environment[] }>('GET', '/v1/environments');
    ctx.out().table(r.environments.map(envRow), ENV_COLUMNS, r);
  });
  envs.command('describe <name>').action(async (name: string) => {
    const e = await (await ctx.api()).call<Environment>('GET', envPath(name));
    ctx.out().value(e, () => fieldLines(envRow(e), ['name', 'arn', ...ENV_COLUMNS.slice(1)]));
  });
  envs.command('delete <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<{ name: string }>('DELETE', envPath(name));
    ctx.out().value(r, () => `deleted environment ${r.name}`);
  });
}
