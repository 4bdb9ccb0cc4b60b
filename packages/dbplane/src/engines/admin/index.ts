import { connectMysqlAdmin } from './mysql.js';
import { connectPostgresAdmin } from './postgres.js';
import type { EngineAdmin, EngineName } from './types.js';

export type { EngineAdmin, EngineName } from './types.js';

/** Opens an admin connection for `engine` at `url` (`postgres://...` or `mysql://...`). */
export function connectAdmin(engine: EngineName, url: string): Promise<EngineAdmin> {
  return engine === 'postgres' ? connectPostgresAdmin(url) : connectMysqlAdmin(url);
}
