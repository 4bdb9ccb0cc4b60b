import type { Db } from '../store/db.js';
import type { LoggingConfiguration, MachineType, RoutingEntry, Tags } from './types.js';

export interface MachineRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  type: MachineType;
  role_arn: string | null;
  logging: LoggingConfiguration;
  description: string;
  tags: Tags;
  revision: number;
  builtin: boolean;
  created_at: Date;
  updated_at: Date;
  revision_id: string;
  definition: unknown;
}

const MACHINE = `m.*, r.revision_id, r.definition FROM state_machines m
  JOIN state_machine_revisions r ON r.machine_id = m.id AND r.revision = m.revision`;

export async function insertMachine(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    type: MachineType;
    roleArn: string | null;
    logging: LoggingConfiguration;
    description: string;
    tags: Tags;
    builtin: boolean;
  }>,
): Promise<void> {
  await db.query(
    `INSERT INTO state_machines (id, account_id, name, arn, type, role_arn, logging, description, tags, revision, builtin)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      p.type,
      p.roleArn,
      JSON.stringify(p.logging),
      p.description,
      JSON.stringify(p.tags),
      p.builtin,
    ],
  );
}

export async function insertRevision(
  db: Db,
  p: Readonly<{ machineId: string; revisionId: string; definition: unknown }>,
): Promise<number> {
  const r = await db.query<{ revision: number }>(
    `WITH next AS (SELECT revision + 1 AS revision FROM state_machines WHERE id = $1 FOR UPDATE)
     INSERT INTO state_machine_revisions (machine_id, revision, revision_id, definition)
     SELECT $1, next.revision, $2, $3 FROM next RETURNING revision`,
    [p.machineId, p.revisionId, JSON.stringify(p.definition)],
  );
  const revision = r.rows[0]?.revision ?? 1;
  await db.query('UPDATE state_machines SET revision = $2, updated_at = now() WHERE id = $1', [
    p.machineId,
    revision,
  ]);
  return revision;
}

export async function updateMachineFields(
  db: Db,
  p: Readonly<{
    id: string;
    roleArn?: string | null;
    logging?: LoggingConfiguration;
    description?: string;
    tags?: Tags;
  }>,
): Promise<void> {
  await db.query(
    `UPDATE state_machines SET
       role_arn = CASE WHEN $2 THEN $3 ELSE role_arn END,
       logging = COALESCE($4::jsonb, logging),
       description = COALESCE($5, description),
       tags = COALESCE($6::jsonb, tags),
       updated_at = now()
     WHERE id = $1`,
    [
      p.id,
      p.roleArn !== undefined,
      p.roleArn ?? null,
      p.logging === undefined ? null : JSON.stringify(p.logging),
      p.description ?? null,
      p.tags === undefined ? null : JSON.stringify(p.tags),
    ],
  );
}

export async function findMachine(
  db: Db,
  p: Readonly<{ accountId: string; name: string; forUpdate?: boolean }>,
): Promise<MachineRow | undefined> {
  const r = await db.query<MachineRow>(
    `SELECT ${MACHINE} WHERE m.account_id = $1 AND m.name = $2${p.forUpdate ? ' FOR UPDATE OF m' : ''}`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

export async function listMachines(
  db: Db,
  p: Readonly<{ accountId: string; limit: number; afterName?: string | undefined }>,
): Promise<MachineRow[]> {
  const r = await db.query<MachineRow>(
    `SELECT ${MACHINE} WHERE m.account_id = $1 AND ($2::text IS NULL OR m.name > $2) ORDER BY m.name LIMIT $3`,
    [p.accountId, p.afterName ?? null, p.limit + 1],
  );
  return r.rows;
}

export async function deleteMachine(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM state_machines WHERE id = $1', [id]);
}

export async function findRevision(
  db: Db,
  p: Readonly<{ machineId: string; revision: number }>,
): Promise<{ revision_id: string; definition: unknown } | undefined> {
  const r = await db.query<{ revision_id: string; definition: unknown }>(
    'SELECT revision_id, definition FROM state_machine_revisions WHERE machine_id = $1 AND revision = $2',
    [p.machineId, p.revision],
  );
  return r.rows[0];
}

export interface VersionRow {
  machine_id: string;
  version: number;
  revision: number;
  description: string;
  created_at: Date;
  revision_id: string;
}

export async function insertVersion(
  db: Db,
  p: Readonly<{ machineId: string; revision: number; description: string }>,
): Promise<VersionRow> {
  const r = await db.query<VersionRow>(
    `WITH v AS (INSERT INTO state_machine_versions (machine_id, version, revision, description)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3 FROM state_machine_versions WHERE machine_id = $1
       RETURNING *)
     SELECT v.*, r.revision_id FROM v JOIN state_machine_revisions r ON r.machine_id = v.machine_id AND r.revision = v.revision`,
    [p.machineId, p.revision, p.description],
  );
  return r.rows[0] as VersionRow;
}

export async function listVersions(db: Db, machineId: string): Promise<VersionRow[]> {
  const r = await db.query<VersionRow>(
    `SELECT v.*, r.revision_id FROM state_machine_versions v
     JOIN state_machine_revisions r ON r.machine_id = v.machine_id AND r.revision = v.revision
     WHERE v.machine_id = $1 ORDER BY v.version DESC`,
    [machineId],
  );
  return r.rows;
}

export async function deleteVersion(
  db: Db,
  p: Readonly<{ machineId: string; version: number }>,
): Promise<boolean> {
  const r = await db.query('DELETE FROM state_machine_versions WHERE machine_id = $1 AND version = $2', [
    p.machineId,
    p.version,
  ]);
  return r.rowCount === 1;
}

export interface AliasRow {
  machine_id: string;
  alias: string;
  routing: RoutingEntry[];
  description: string;
  created_at: Date;
  updated_at: Date;
}

export async function upsertAlias(
  db: Db,
  p: Readonly<{
    machineId: string;
    alias: string;
    routing: RoutingEntry[];
    description: string;
    create: boolean;
  }>,
): Promise<AliasRow | undefined> {
  const sql = p.create
    ? `INSERT INTO state_machine_aliases (machine_id, alias, routing, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING *`
    : `UPDATE state_machine_aliases SET routing = $3, description = $4, updated_at = now()
       WHERE machine_id = $1 AND alias = $2 RETURNING *`;
  const r = await db.query<AliasRow>(sql, [p.machineId, p.alias, JSON.stringify(p.routing), p.description]);
  return r.rows[0];
}

export async function listAliases(db: Db, machineId: string): Promise<AliasRow[]> {
  const r = await db.query<AliasRow>(
    'SELECT * FROM state_machine_aliases WHERE machine_id = $1 ORDER BY alias',
    [machineId],
  );
  return r.rows;
}

export async function deleteAlias(
  db: Db,
  p: Readonly<{ machineId: string; alias: string }>,
): Promise<boolean> {
  const r = await db.query('DELETE FROM state_machine_aliases WHERE machine_id = $1 AND alias = $2', [
    p.machineId,
    p.alias,
  ]);
  return r.rowCount === 1;
}
