import type { EngineName } from '../engines/admin/index.js';
import { ValidationError } from '../errors/index.js';
import type { AdminCredentials } from './types.js';

const SCHEMES: Record<EngineName, readonly string[]> = {
  postgres: ['postgres:', 'postgresql:'],
  mysql: ['mysql:', 'mariadb:'],
};
const DEFAULT_PORT: Record<EngineName, number> = { postgres: 5432, mysql: 3306 };

/** Admin credentials from an admin URL (`postgres://user:pass@host:port/db`); a bad URL is a problem at `/url`. */
export function credentialsFromUrl(engine: EngineName, url: string): AdminCredentials {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError([{ path: '/url', message: 'is not a URL' }]);
  }
  if (!SCHEMES[engine].includes(u.protocol)) {
    throw new ValidationError([
      {
        path: '/url',
        message: `must start with ${SCHEMES[engine].map((s) => `${s}//`).join(' or ')} for engine ${engine}`,
      },
    ]);
  }
  if (u.hostname === '') throw new ValidationError([{ path: '/url', message: 'has no host' }]);
  const c: AdminCredentials = {
    engine,
    host: u.hostname,
    port: u.port === '' ? DEFAULT_PORT[engine] : Number(u.port),
    username: decodeURIComponent(u.username || (engine === 'postgres' ? 'postgres' : 'root')),
    password: decodeURIComponent(u.password),
  };
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (db !== '') c.dbname = db;
  return c;
}

/** The admin URL of stored credentials. */
export function urlFromCredentials(c: AdminCredentials): string {
  const scheme = c.engine === 'postgres' ? 'postgres' : 'mysql';
  const auth = `${encodeURIComponent(c.username)}${c.password === '' ? '' : `:${encodeURIComponent(c.password)}`}`;
  return `${scheme}://${auth}@${c.host}:${c.port}/${encodeURIComponent(c.dbname ?? (c.engine === 'postgres' ? 'postgres' : ''))}`;
}
