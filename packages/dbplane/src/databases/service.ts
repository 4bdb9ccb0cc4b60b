import { createHash, randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import type { BusService } from '../bus/service.js';
import type { EngineName } from '../engines/admin/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db, Pool } from '../store/db.js';
import { ensureDatabaseBuiltins } from './builtins.js';
import { applyRules, type EnvironmentsService } from './environments.js';
import * as sql from './sql.js';
import type { Database } from './types.js';

type Ref = Readonly<{ accountId: string; name: string }>;

export interface DatabaseRequest {
  name: string;
  engine: EngineName;
  environment?: string | undefined;
  /** Seconds until the database is deprovisioned. */
  ttl?: number | undefined;
  instance?: string | undefined;
  dedicated?: boolean | undefined;
  tags?: Record<string, string> | undefined;
}

/** A request and whether it was new (false: the same request was accepted before). */
export interface Accepted {
  database: Database;
  newRequest: boolean;
}

const hashOf = (r: DatabaseRequest, environment: string) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        r.engine,
        environment,
        r.instance ?? null,
        r.dedicated ?? false,
        r.ttl ?? null,
        r.tags ?? {},
      ]),
    )
    .digest('hex');

/**
 * Self-service databases: requests are recorded (the API answers 202) and
 * the built-in workflows, started by rules on the audit events, do the work.
 */
export function createDatabasesService(deps: {
  pool: Pool;
  region: string;
  environments: EnvironmentsService;
  machines: StateMachinesService;
  bus: BusService;
  clock?: () => Date;
}) {
  const now = deps.clock ?? (() => new Date());
  const load = async (db: Db, ref: Ref, lock = false) => {
    const row = await sql.findDatabase(db, { ...ref, lock });
    if (row === undefined) throw new NotFoundError('database', ref.name);
    return row;
  };

  return {
    /** CreateDatabase: the same name with the same request answers the database already accepted. */
    async request(tx: Db, p: { accountId: string } & DatabaseRequest): Promise<Accepted> {
      const environment = p.environment ?? 'default';
      if (p.instance !== undefined && p.dedicated === true)
        throw new ValidationError([{ path: '/instance', message: 'cannot be given with dedicated: true' }]);
      const env = await deps.environments.resolve(tx, { accountId: p.accountId, name: environment });
      const ttl = applyRules(env, {
        name: p.name,
        engine: p.engine,
        ttlSeconds: p.ttl,
        dedicated: p.dedicated ?? false,
      });
      const requestHash = hashOf(p, environment);
      const existing = await sql.findDatabase(tx, p);
      if (existing !== undefined) return repeated(existing, requestHash);
      await ensureDatabaseBuiltins(tx, deps, p.accountId);
      const row = await sql.insertDatabase(tx, {
        id: randomUUID(),
        accountId: p.accountId,
        name: p.name,
        arn: buildArn({
          service: 'rds',
          region: deps.region,
          accountId: p.accountId,
          resource: `database:${p.name}`,
        }),
        engine: p.engine,
        environment,
        requestedInstance: p.instance ?? null,
        dedicated: p.dedicated ?? false,
        ownerLogin: p.name,
        expiresAt: ttl === undefined ? null : new Date(now().getTime() + ttl * 1000),
        requestHash,
        tags: p.tags ?? {},
      });
      if (row === undefined)
        throw new ConflictError(`database "${p.name}" is being requested concurrently; retry`);
      return { database: toDatabase(row), newRequest: true };
    },

    async describe(ref: Ref): Promise<Database> {
      return toDatabase(await load(deps.pool, ref));
    },

    async list(p: {
      accountId: string;
      limit: number;
      nextToken?: string | undefined;
      environment?: string;
    }) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listDatabases(deps.pool, {
        ...p,
        afterName: token === undefined ? undefined : String(token.n),
      });
      const { page, more } = takePage(rows, p.limit);
      const last = page.at(-1);
      return {
        databases: page.map(toDatabase),
        ...(more && last !== undefined ? { nextToken: encodePageToken({ n: last.name }) } : {}),
      };
    },

    /** DeleteDatabase: marks it `deleting`; the deprovisioning workflow does the rest. */
    async remove(tx: Db, ref: Ref): Promise<Accepted> {
      const row = await load(tx, ref, true);
      if (row.status === 'deleting') return { database: toDatabase(row), newRequest: false };
      if (row.status === 'creating')
        throw new ConflictError(
          `database "${ref.name}" is still being created; delete it once it is available or failed`,
        );
      await ensureDatabaseBuiltins(tx, deps, ref.accountId);
      await sql.updateDatabase(tx, { id: row.id, status: 'deleting', statusReason: null });
      return { database: toDatabase(await load(tx, ref)), newRequest: true };
    },

    /** How many databases are placed on instance `name` (instances in use are not deleted). */
    countOnInstance: (db: Db, ref: Ref) => sql.countOnInstance(db, ref),

    /** Moves the expiry to `ttl` seconds from now, within the environment's maxTtlSeconds. */
    async extend(tx: Db, p: Ref & { ttl: number }): Promise<Database> {
      const row = await load(tx, p, true);
      if (row.status !== 'available' && row.status !== 'creating')
        throw new ConflictError(
          `database "${p.name}" is ${row.status}; only a live database can be extended`,
        );
      const env = await deps.environments.resolve(tx, { accountId: p.accountId, name: row.environment });
      if (env.max_ttl_seconds !== null && p.ttl > env.max_ttl_seconds)
        throw new ValidationError([
          {
            path: '/ttl',
            message: `must be at most ${env.max_ttl_seconds} seconds (maxTtlSeconds of environment "${env.name}")`,
          },
        ]);
      await sql.updateDatabase(tx, { id: row.id, expiresAt: new Date(now().getTime() + p.ttl * 1000) });
      return toDatabase(await load(tx, p));
    },
  };
}

export type DatabasesService = ReturnType<typeof createDatabasesService>;

function repeated(row: sql.DatabaseRow, requestHash: string): Accepted {
  if (row.request_hash !== requestHash)
    throw new ConflictError(`database "${row.name}" already exists with a different request`, {
      arn: row.arn,
    });
  return { database: toDatabase(row), newRequest: false };
}

export function toDatabase(row: sql.DatabaseRow): Database {
  return {
    arn: row.arn,
    name: row.name,
    engine: row.engine,
    environment: row.environment,
    instance: row.instance ?? row.requested_instance,
    dedicated: row.dedicated,
    status: row.status,
    ...(row.status_reason === null ? {} : { statusReason: row.status_reason }),
    endpoint: row.host === null || row.port === null ? null : { host: row.host, port: row.port },
    secretArn: row.secret_arn,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at.toISOString() }),
    executionArn: row.execution_arn,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
