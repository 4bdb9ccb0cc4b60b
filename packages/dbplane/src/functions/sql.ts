import type { Db } from '../store/db.js';
import type { FunctionConfig } from './types.js';

export interface FunctionRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  config: FunctionConfig;
  code: Buffer;
  code_sha256: string;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

export async function insertFunction(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    config: FunctionConfig;
    code: Uint8Array;
    sha: string;
    tags: Record<string, string>;
  }>,
): Promise<FunctionRow | undefined> {
  const r = await db.query<FunctionRow>(
    `INSERT INTO functions (id, account_id, name, arn, config, code, code_sha256, tags) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
     ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      JSON.stringify(p.config),
      Buffer.from(p.code),
      p.sha,
      JSON.stringify(p.tags),
    ],
  );
  return r.rows[0];
}

export async function findFunction(
  db: Db,
  p: Readonly<{ accountId: string; name: string; lock?: boolean }>,
): Promise<FunctionRow | undefined> {
  const r = await db.query<FunctionRow>(
    `SELECT * FROM functions WHERE account_id = $1 AND name = $2${p.lock ? ' FOR UPDATE' : ''}`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

export async function listFunctions(
  db: Db,
  p: Readonly<{ accountId: string; limit: number; afterName?: string | undefined }>,
): Promise<FunctionRow[]> {
  const r = await db.query<FunctionRow>(
    `SELECT id, account_id, name, arn, config, ''::bytea AS code, code_sha256, tags, created_at, updated_at FROM functions
     WHERE account_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3`,
    [p.accountId, p.afterName ?? null, p.limit + 1],
  );
  return r.rows;
}

export async function updateCode(
  db: Db,
  p: Readonly<{ id: string; code: Uint8Array; sha: string }>,
): Promise<void> {
  await db.query('UPDATE functions SET code = $2, code_sha256 = $3, updated_at = now() WHERE id = $1', [
    p.id,
    Buffer.from(p.code),
    p.sha,
  ]);
}

export async function updateConfig(
  db: Db,
  p: Readonly<{ id: string; config: FunctionConfig }>,
): Promise<void> {
  await db.query('UPDATE functions SET config = $2, updated_at = now() WHERE id = $1', [
    p.id,
    JSON.stringify(p.config),
  ]);
}

export async function deleteFunction(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM functions WHERE id = $1', [id]);
}

export interface VersionRow {
  version: number;
  config: FunctionConfig;
  code: Buffer;
  code_sha256: string;
  description: string;
  created_at: Date;
}

export async function publishVersion(
  db: Db,
  p: Readonly<{ id: string; description: string }>,
): Promise<VersionRow> {
  const r = await db.query<VersionRow>(
    `INSERT INTO function_versions (function_id, version, config, code, code_sha256, description)
     SELECT f.id, COALESCE((SELECT max(version) FROM function_versions WHERE function_id = f.id), 0) + 1, f.config, f.code,
       f.code_sha256, $2 FROM functions f WHERE f.id = $1
     RETURNING version, config, code, code_sha256, description, created_at`,
    [p.id, p.description],
  );
  return r.rows[0] as VersionRow;
}

export async function findVersion(
  db: Db,
  p: Readonly<{ id: string; version: number }>,
): Promise<VersionRow | undefined> {
  const r = await db.query<VersionRow>(
    'SELECT * FROM function_versions WHERE function_id = $1 AND version = $2',
    [p.id, p.version],
  );
  return r.rows[0];
}

export async function listVersions(db: Db, id: string): Promise<Omit<VersionRow, 'code'>[]> {
  const r = await db.query<VersionRow>(
    'SELECT version, config, code_sha256, description, created_at FROM function_versions WHERE function_id = $1 ORDER BY version',
    [id],
  );
  return r.rows;
}

export async function putAlias(
  db: Db,
  p: Readonly<{ id: string; alias: string; version: number; description: string }>,
): Promise<void> {
  await db.query(
    `INSERT INTO function_aliases (function_id, alias, version, description) VALUES ($1, $2, $3, $4)
     ON CONFLICT (function_id, alias) DO UPDATE SET version = EXCLUDED.version, description = EXCLUDED.description`,
    [p.id, p.alias, p.version, p.description],
  );
}

export async function findAlias(
  db: Db,
  p: Readonly<{ id: string; alias: string }>,
): Promise<number | undefined> {
  const r = await db.query<{ version: number }>(
    'SELECT version FROM function_aliases WHERE function_id = $1 AND alias = $2',
    [p.id, p.alias],
  );
  return r.rows[0]?.version;
}

export async function insertLogs(
  db: Db,
  p: Readonly<{ id: string; requestId: string; version: string; lines: readonly string[] }>,
): Promise<void> {
  if (p.lines.length === 0) return;
  await db.query(
    'INSERT INTO function_logs (function_id, request_id, version, line) SELECT $1, $2, $3, unnest($4::text[])',
    [p.id, p.requestId, p.version, p.lines.map((l) => l.slice(0, 8192))],
  );
}

export async function listLogs(
  db: Db,
  p: Readonly<{ id: string; afterSeq: number; limit: number }>,
): Promise<{ seq: string; request_id: string; version: string; line: string; created_at: Date }[]> {
  const r = await db.query<{
    seq: string;
    request_id: string;
    version: string;
    line: string;
    created_at: Date;
  }>(
    'SELECT seq, request_id, version, line, created_at FROM function_logs WHERE function_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [p.id, p.afterSeq, p.limit],
  );
  return r.rows;
}
