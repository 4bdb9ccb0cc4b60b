import { randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { Db, Pool } from '../store/db.js';
import { checkDefinition } from './definition.js';
import * as sql from './sql.js';
import {
  DEFAULT_LOGGING,
  type LoggingConfiguration,
  type MachineType,
  type ResolvedMachine,
  type RoutingEntry,
  type StateMachine,
  type StateMachineAlias,
  type StateMachineVersion,
  type Tags,
} from './types.js';

export type CreateMachineParams = Readonly<{
  accountId: string;
  name: string;
  definition: unknown;
  type?: MachineType | undefined;
  roleArn?: string | undefined;
  logging?: LoggingConfiguration | undefined;
  description?: string | undefined;
  tags?: Tags | undefined;
  publish?: boolean | undefined;
  builtin?: boolean | undefined;
}>;

export type UpdateMachineParams = Readonly<{
  accountId: string;
  name: string;
  definition?: unknown;
  roleArn?: string | null | undefined;
  logging?: LoggingConfiguration | undefined;
  description?: string | undefined;
  tags?: Tags | undefined;
  publish?: boolean | undefined;
  versionDescription?: string | undefined;
}>;

type Ref = Readonly<{ accountId: string; name: string }>;

/**
 * State machines, their revisions, versions and aliases.
 *
 * @example
 * const machines = createStateMachinesService({ pool, region });
 * await machines.create(tx, { accountId, name: 'hello', definition: { StartAt: 'A', States: { A: { Type: 'Succeed' } } } });
 */
export function createStateMachinesService(deps: { pool: Pool; region: string }) {
  const { pool, region } = deps;
  const machineArn = (accountId: string, name: string) =>
    buildArn({ service: 'states', region, accountId, resource: `stateMachine:${name}` });

  const load = async (db: Db, ref: Ref, forUpdate = false) => {
    const row = await sql.findMachine(db, { ...ref, forUpdate });
    if (row === undefined) throw new NotFoundError('state machine', ref.name);
    return row;
  };

  const toVersion = (row: sql.MachineRow, v: sql.VersionRow): StateMachineVersion => ({
    arn: `${row.arn}:${v.version}`,
    stateMachineArn: row.arn,
    version: v.version,
    revisionId: v.revision_id,
    description: v.description,
    createdAt: v.created_at.toISOString(),
  });

  const toAlias = (row: sql.MachineRow, a: sql.AliasRow): StateMachineAlias => ({
    arn: `${row.arn}:${a.alias}`,
    name: a.alias,
    stateMachineArn: row.arn,
    routing: a.routing,
    description: a.description,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
  });

  const checkRouting = async (db: Db, row: sql.MachineRow, routing: readonly RoutingEntry[]) => {
    const versions = new Set((await sql.listVersions(db, row.id)).map((v) => v.version));
    const problems = routing.flatMap((r, i) =>
      versions.has(r.version)
        ? []
        : [{ path: `/routing/${i}/version`, message: `version ${r.version} does not exist` }],
    );
    const total = routing.reduce((s, r) => s + r.weight, 0);
    if (total !== 100)
      problems.push({ path: '/routing', message: `weights must add up to 100 (got ${total})` });
    if (new Set(routing.map((r) => r.version)).size !== routing.length) {
      problems.push({ path: '/routing', message: 'a version may appear once' });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  };

  const service = {
    arnOf: machineArn,

    async create(
      tx: Db,
      p: CreateMachineParams,
    ): Promise<{ machine: StateMachine; version?: StateMachineVersion }> {
      const definition = checkDefinition(p.definition);
      if ((await sql.findMachine(tx, p)) !== undefined) {
        throw new ConflictError(`state machine "${p.name}" already exists`);
      }
      const id = randomUUID();
      await sql.insertMachine(tx, {
        id,
        accountId: p.accountId,
        name: p.name,
        arn: machineArn(p.accountId, p.name),
        type: p.type ?? 'STANDARD',
        roleArn: p.roleArn ?? null,
        logging: p.logging ?? DEFAULT_LOGGING,
        description: p.description ?? '',
        tags: p.tags ?? {},
        builtin: p.builtin ?? false,
      });
      await sql.insertRevision(tx, { machineId: id, revisionId: randomUUID(), definition });
      const row = await load(tx, p);
      if (!p.publish) return { machine: toMachine(row) };
      const version = await sql.insertVersion(tx, { machineId: id, revision: row.revision, description: '' });
      return { machine: toMachine(row), version: toVersion(row, version) };
    },

    /**
     * Installs or updates a built-in state machine (read-only to users) in an
     * account; a new revision only when its definition changed.
     */
    async ensureBuiltin(tx: Db, p: Ref & { definition: unknown; description: string }): Promise<void> {
      const row = await sql.findMachine(tx, { ...p, forUpdate: true });
      if (row === undefined) {
        await service.create(tx, { ...p, builtin: true });
        return;
      }
      if (!row.builtin)
        throw new ConflictError(`"${p.name}" is a built-in state machine name; rename your state machine`);
      if (JSON.stringify(row.definition) !== JSON.stringify(p.definition)) {
        await sql.insertRevision(tx, {
          machineId: row.id,
          revisionId: randomUUID(),
          definition: checkDefinition(p.definition),
        });
      }
    },

    async describe(ref: Ref): Promise<StateMachine> {
      return toMachine(await load(pool, ref));
    },

    async list(p: Readonly<{ accountId: string; limit: number; nextToken?: string | undefined }>) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listMachines(pool, {
        ...p,
        afterName: token === undefined ? undefined : String(token.n),
      });
      const { page, more } = takePage(rows, p.limit);
      const result: { stateMachines: StateMachine[]; nextToken?: string } = {
        stateMachines: page.map(toMachine),
      };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ n: last.name });
      return result;
    },

    async update(
      tx: Db,
      p: UpdateMachineParams,
    ): Promise<{ machine: StateMachine; version?: StateMachineVersion }> {
      const row = await load(tx, p, true);
      if (row.builtin) throw new ConflictError(`state machine "${p.name}" is built in; copy it to change it`);
      const definition = p.definition === undefined ? undefined : checkDefinition(p.definition);
      await sql.updateMachineFields(tx, { id: row.id, ...pick(p) });
      const changed =
        definition !== undefined && JSON.stringify(definition) !== JSON.stringify(row.definition);
      if (changed) await sql.insertRevision(tx, { machineId: row.id, revisionId: randomUUID(), definition });
      const updated = await load(tx, p);
      if (!p.publish) return { machine: toMachine(updated) };
      const version = await sql.insertVersion(tx, {
        machineId: row.id,
        revision: updated.revision,
        description: p.versionDescription ?? '',
      });
      return { machine: toMachine(updated), version: toVersion(updated, version) };
    },

    async remove(tx: Db, ref: Ref): Promise<StateMachine> {
      const row = await load(tx, ref, true);
      await sql.deleteMachine(tx, row.id);
      return toMachine(row);
    },

    async publishVersion(
      tx: Db,
      p: Ref & { description?: string | undefined; revisionId?: string | undefined },
    ) {
      const row = await load(tx, p, true);
      if (p.revisionId !== undefined && p.revisionId !== row.revision_id) {
        throw new ConflictError(`the current revision is ${row.revision_id}, not ${p.revisionId}`);
      }
      const latest = (await sql.listVersions(tx, row.id))[0];
      if (latest !== undefined && latest.revision === row.revision) return toVersion(row, latest);
      const v = await sql.insertVersion(tx, {
        machineId: row.id,
        revision: row.revision,
        description: p.description ?? '',
      });
      return toVersion(row, v);
    },

    async listVersions(ref: Ref): Promise<StateMachineVersion[]> {
      const row = await load(pool, ref);
      return (await sql.listVersions(pool, row.id)).map((v) => toVersion(row, v));
    },

    async deleteVersion(tx: Db, p: Ref & { version: number }): Promise<void> {
      const row = await load(tx, p, true);
      const aliases = await sql.listAliases(tx, row.id);
      const using = aliases.filter((a) => a.routing.some((r) => r.version === p.version)).map((a) => a.alias);
      if (using.length > 0)
        throw new ConflictError(`version ${p.version} is routed to by alias(es) ${using.join(', ')}`);
      if (!(await sql.deleteVersion(tx, { machineId: row.id, version: p.version }))) {
        throw new NotFoundError('state machine version', `${p.name}:${p.version}`);
      }
    },

    async putAlias(
      tx: Db,
      p: Ref & { alias: string; routing: RoutingEntry[]; description?: string | undefined; create: boolean },
    ): Promise<StateMachineAlias> {
      const row = await load(tx, p, true);
      await checkRouting(tx, row, p.routing);
      const existing = (await sql.listAliases(tx, row.id)).find((a) => a.alias === p.alias);
      const description = p.description ?? existing?.description ?? '';
      const saved = await sql.upsertAlias(tx, {
        machineId: row.id,
        alias: p.alias,
        routing: p.routing,
        description,
        create: p.create,
      });
      if (saved === undefined) {
        throw p.create
          ? new ConflictError(`alias "${p.alias}" already exists`)
          : new NotFoundError('state machine alias', `${p.name}:${p.alias}`);
      }
      return toAlias(row, saved);
    },

    async listAliases(ref: Ref): Promise<StateMachineAlias[]> {
      const row = await load(pool, ref);
      return (await sql.listAliases(pool, row.id)).map((a) => toAlias(row, a));
    },

    async deleteAlias(tx: Db, p: Ref & { alias: string }): Promise<void> {
      const row = await load(tx, p, true);
      if (!(await sql.deleteAlias(tx, { machineId: row.id, alias: p.alias }))) {
        throw new NotFoundError('state machine alias', `${p.name}:${p.alias}`);
      }
    },

    /**
     * What `name`, `name:<version>` or `name:<alias>` runs now. `random` picks
     * between an alias's versions by weight.
     */
    async resolve(db: Db, ref: Ref, random: () => number = Math.random): Promise<ResolvedMachine> {
      const [name = '', qualifier] = ref.name.split(':');
      const row = await load(db, { accountId: ref.accountId, name });
      const base = {
        machineId: row.id,
        stateMachineArn: row.arn,
        name: row.name,
        type: row.type,
        roleArn: row.role_arn,
        logging: row.logging,
      };
      if (qualifier === undefined) {
        return { ...base, revision: row.revision, revisionId: row.revision_id, definition: row.definition };
      }
      const versions = await sql.listVersions(db, row.id);
      let version: number;
      let alias: string | undefined;
      if (/^\d+$/.test(qualifier)) {
        version = Number(qualifier);
      } else {
        const a = (await sql.listAliases(db, row.id)).find((x) => x.alias === qualifier);
        if (a === undefined) throw new NotFoundError('state machine alias', ref.name);
        version = pickByWeight(a.routing, random());
        alias = qualifier;
      }
      const v = versions.find((x) => x.version === version);
      if (v === undefined) throw new NotFoundError('state machine version', `${name}:${version}`);
      const rev = await sql.findRevision(db, { machineId: row.id, revision: v.revision });
      if (rev === undefined) throw new NotFoundError('state machine revision', `${name}:${version}`);
      const resolved: ResolvedMachine = {
        ...base,
        revision: v.revision,
        revisionId: rev.revision_id,
        definition: rev.definition,
        version,
      };
      if (alias !== undefined) resolved.alias = alias;
      return resolved;
    },
  };
  return service;
}

export type StateMachinesService = ReturnType<typeof createStateMachinesService>;

function pick(p: UpdateMachineParams) {
  const out: { roleArn?: string | null; logging?: LoggingConfiguration; description?: string; tags?: Tags } =
    {};
  if (p.roleArn !== undefined) out.roleArn = p.roleArn;
  if (p.logging !== undefined) out.logging = p.logging;
  if (p.description !== undefined) out.description = p.description;
  if (p.tags !== undefined) out.tags = p.tags;
  return out;
}

function pickByWeight(routing: readonly RoutingEntry[], r: number): number {
  let acc = 0;
  for (const entry of routing) {
    acc += entry.weight / 100;
    if (r < acc) return entry.version;
  }
  return routing.at(-1)?.version ?? 0;
}

function toMachine(row: sql.MachineRow): StateMachine {
  return {
    arn: row.arn,
    name: row.name,
    type: row.type,
    definition: row.definition,
    roleArn: row.role_arn,
    logging: row.logging,
    description: row.description,
    tags: row.tags,
    revision: row.revision,
    revisionId: row.revision_id,
    builtin: row.builtin,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
