import type { DatabasesService } from '../databases/service.js';
import { ConflictError } from '../errors/index.js';
import { readSchema } from './catalog.js';
import { type Target, withTarget } from './connection.js';
import type { RulesDocument, SchemaInfo } from './types.js';

/** How sanitize reaches an instance as its admin (the node's instance access). */
export type AdminUrl = (ref: { accountId: string; name: string }) => Promise<string>;

export interface TargetDeps {
  databases: DatabasesService;
  adminUrl: AdminUrl;
}

/** Runs `fn` connected as admin to the account's available database `name`, with its schema read. */
export async function onDatabase<T>(
  deps: TargetDeps,
  p: { accountId: string; database: string; rules: RulesDocument },
  fn: (t: Target, schema: SchemaInfo) => Promise<T>,
): Promise<T> {
  const db = await deps.databases.describe({ accountId: p.accountId, name: p.database });
  if (db.status !== 'available' || db.instance === null)
    throw new ConflictError(`database "${db.name}" is ${db.status}; only an available one can be sanitized`);
  const url = await deps.adminUrl({ accountId: p.accountId, name: db.instance });
  return withTarget(db.engine, url, db.name, async (t) =>
    fn(t, await readSchema(t, new Set(Object.keys(p.rules.tables)))),
  );
}
