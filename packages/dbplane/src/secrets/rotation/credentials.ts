import { type Credentials, type Engine, RotationError, StepFailure } from './types.js';

const ENGINES: Record<string, Engine> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  'aurora-postgresql': 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
};

const invalid = (what: string) => new StepFailure(RotationError.InvalidSecret, `the secret's value ${what}`);

/**
 * Reads an RDS secret's JSON value. A bad value is a failure whose cause
 * names the missing field, never the text (a JSON parse error would quote it).
 */
export function parseCredentials(text: string | undefined): Credentials {
  let v: unknown;
  try {
    v = JSON.parse(text ?? '');
  } catch {
    throw invalid('is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('is not a JSON object');
  const o = v as Record<string, unknown>;
  const engine = ENGINES[String(o.engine ?? '')];
  if (engine === undefined) throw invalid('has no supported "engine" (postgres, mysql, mariadb)');
  for (const f of ['host', 'username', 'password'] as const)
    if (typeof o[f] !== 'string' || (f !== 'password' && o[f] === '')) throw invalid(`has no string "${f}"`);
  const port = Number(o.port ?? (engine === 'postgres' ? 5432 : 3306));
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalid('has no valid "port"');
  const c: Credentials = {
    engine,
    host: o.host as string,
    port,
    username: o.username as string,
    password: o.password as string,
  };
  if (typeof o.dbname === 'string') c.dbname = o.dbname;
  if (typeof o.masterarn === 'string' && o.masterarn !== '') c.masterarn = o.masterarn;
  return c;
}

/** Replaces every known value in a message (driver messages may quote a statement). */
export function redact(message: string, values: Iterable<string>): string {
  let out = message;
  for (const v of values) if (v.length >= 4) out = out.split(v).join('[redacted]');
  return out;
}
