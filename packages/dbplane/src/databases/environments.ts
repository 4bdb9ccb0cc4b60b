import { randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import type { EngineName } from '../engines/admin/index.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type Problem,
  ValidationError,
} from '../errors/index.js';
import type { Db, Pool } from '../store/db.js';
import * as sql from './env-sql.js';
import type { Environment } from './types.js';

type Ref = Readonly<{ accountId: string; name: string }>;

export type EnvironmentInput = Partial<sql.EnvironmentFields>;

const DEFAULTS: sql.EnvironmentFields = {
  description: '',
  placement: {},
  engines: ['postgres', 'mysql'],
  maxTtlSeconds: null,
  defaultTtlSeconds: null,
  namePattern: null,
  allowDedicated: true,
};

/** What a database request asks of its environment. */
export interface PlacementRequest {
  name: string;
  engine: EngineName;
  ttlSeconds?: number | undefined;
  dedicated: boolean;
}

function checkFields(f: sql.EnvironmentFields): void {
  const problems: Problem[] = [];
  if (f.namePattern !== null) {
    try {
      new RegExp(f.namePattern, 'u');
    } catch (err) {
      problems.push({
        path: '/namePattern',
        message: `is not a regular expression: ${(err as Error).message}`,
      });
    }
  }
  if (f.maxTtlSeconds !== null && f.defaultTtlSeconds !== null && f.defaultTtlSeconds > f.maxTtlSeconds)
    problems.push({ path: '/defaultTtlSeconds', message: 'must not exceed maxTtlSeconds' });
  for (const engine of Object.keys(f.placement) as EngineName[])
    if (!f.engines.includes(engine))
      problems.push({
        path: `/placement/${engine}`,
        message: `places engine ${engine}, which /engines does not allow`,
      });
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * Environments: where database requests land and what they may ask for.
 * `default` is made on first use: every engine on a local instance of its
 * own, no TTL limit, dedicated instances allowed.
 */
export function createEnvironmentsService(deps: { pool: Pool; region: string }) {
  const arnOf = (accountId: string, name: string) =>
    buildArn({ service: 'rds', region: deps.region, accountId, resource: `environment:${name}` });

  const insert = (db: Db, ref: Ref, fields: sql.EnvironmentFields) =>
    sql.insertEnvironment(db, { ...ref, ...fields, id: randomUUID(), arn: arnOf(ref.accountId, ref.name) });

  const service = {
    async create(tx: Db, p: Ref & EnvironmentInput): Promise<Environment> {
      const fields = { ...DEFAULTS, ...definedOf(p) };
      checkFields(fields);
      const row = await insert(tx, p, fields);
      if (row === undefined) throw new ConflictError(`environment "${p.name}" already exists`);
      return toEnvironment(row);
    },

    /** Replaces the environment's settings (fields left out get their defaults). */
    async update(tx: Db, p: Ref & EnvironmentInput): Promise<Environment> {
      const row = await service.resolve(tx, p, true);
      const fields = { ...DEFAULTS, ...definedOf(p) };
      checkFields(fields);
      await sql.updateEnvironment(tx, { id: row.id, ...fields });
      return service.describe(p, tx);
    },

    async describe(ref: Ref, db: Db = deps.pool): Promise<Environment> {
      const row = await sql.findEnvironment(db, ref);
      if (row === undefined) {
        if (ref.name === 'default') return toEnvironment(await service.resolve(db, ref));
        throw new NotFoundError('environment', ref.name);
      }
      return toEnvironment(row);
    },

    async list(p: { accountId: string }): Promise<Environment[]> {
      await service.resolve(deps.pool, { accountId: p.accountId, name: 'default' });
      return (await sql.listEnvironments(deps.pool, p)).map(toEnvironment);
    },

    async remove(tx: Db, ref: Ref): Promise<void> {
      const row = await sql.findEnvironment(tx, { ...ref, lock: true });
      if (row === undefined) throw new NotFoundError('environment', ref.name);
      const n = await sql.databasesIn(tx, ref);
      if (n > 0) throw new ConflictError(`environment "${ref.name}" still has ${n} database(s)`);
      await sql.deleteEnvironment(tx, row.id);
    },

    /** The environment's row; `default` is created when missing. */
    async resolve(db: Db, ref: Ref, lock = false): Promise<sql.EnvironmentRow> {
      const found = await sql.findEnvironment(db, { ...ref, lock });
      if (found !== undefined) return found;
      if (ref.name !== 'default') throw new NotFoundError('environment', ref.name);
      await insert(db, ref, DEFAULTS);
      const made = await sql.findEnvironment(db, { ...ref, lock });
      if (made === undefined) throw new Error('the default environment could not be created');
      return made;
    },
  };
  return service;
}

export type EnvironmentsService = ReturnType<typeof createEnvironmentsService>;

/**
 * Checks a request against its environment's rules: a broken rule is a 400
 * naming the field (name pattern, TTL) or a 403 naming the rule (engine,
 * dedicated instances). Answers the TTL to apply.
 */
export function applyRules(env: sql.EnvironmentRow, r: PlacementRequest): number | undefined {
  if (!env.engines.includes(r.engine))
    throw new ForbiddenError(`environment "${env.name}" does not allow engine ${r.engine} (rule: engines)`);
  if (r.dedicated && !env.allow_dedicated)
    throw new ForbiddenError(
      `environment "${env.name}" does not allow dedicated instances (rule: allowDedicated)`,
    );
  const problems: Problem[] = [];
  if (env.name_pattern !== null && !new RegExp(env.name_pattern, 'u').test(r.name))
    problems.push({
      path: '/name',
      message: `must match the namePattern of environment "${env.name}": ${env.name_pattern}`,
    });
  const ttl = r.ttlSeconds ?? env.default_ttl_seconds ?? undefined;
  if (env.max_ttl_seconds !== null && (ttl === undefined || ttl > env.max_ttl_seconds))
    problems.push({
      path: '/ttl',
      message: `must be at most ${env.max_ttl_seconds} seconds (maxTtlSeconds of environment "${env.name}")`,
    });
  if (problems.length > 0) throw new ValidationError(problems);
  return ttl;
}

function definedOf(p: EnvironmentInput): Partial<sql.EnvironmentFields> {
  return Object.fromEntries(
    Object.entries({
      description: p.description,
      placement: p.placement,
      engines: p.engines,
      maxTtlSeconds: p.maxTtlSeconds,
      defaultTtlSeconds: p.defaultTtlSeconds,
      namePattern: p.namePattern,
      allowDedicated: p.allowDedicated,
    }).filter(([, v]) => v !== undefined),
  );
}

export function toEnvironment(row: sql.EnvironmentRow): Environment {
  return {
    arn: row.arn,
    name: row.name,
    description: row.description,
    placement: row.placement,
    engines: row.engines,
    maxTtlSeconds: row.max_ttl_seconds,
    defaultTtlSeconds: row.default_ttl_seconds,
    namePattern: row.name_pattern,
    allowDedicated: row.allow_dedicated,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
