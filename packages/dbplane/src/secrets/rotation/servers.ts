import mysql from 'mysql2/promise';
import pg from 'pg';
import { scramSafe, scramVerifier } from './scram.js';
import { type Credentials, RotationError, StepFailure } from './types.js';

/** One login on a database server, opened with a secret's credentials. */
export interface Session {
  /** `SELECT 1`. */
  ping(): Promise<void>;
  /** Changes this login's own password. */
  setOwnPassword(password: string): Promise<void>;
  /** Changes another login's password (an admin session); fails if there is no such login. */
  setPasswordOf(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001',
  '40P01',
]);
const TRANSIENT_ERRNOS = new Set([1040, 1203, 1205, 1213, 2002, 2003, 2006, 2013]);
const AUTH_CODES = new Set(['28P01', '28000']);
const AUTH_ERRNOS = new Set([1045, 1698]);

type DriverError = { code?: string; errno?: number; message?: string };

/** Whether a driver error means "these credentials do not log in". */
function isAuthFailure(err: unknown): boolean {
  const e = err as DriverError;
  return AUTH_CODES.has(e.code ?? '') || AUTH_ERRNOS.has(e.errno ?? 0);
}

function isTransient(err: unknown): boolean {
  const e = err as DriverError;
  if (TRANSIENT_CODES.has(e.code ?? '') || TRANSIENT_ERRNOS.has(e.errno ?? 0)) return true;
  return /timeout|terminated unexpectedly|Connection terminated/i.test(e.message ?? '');
}

/** A step failure for a driver error; the cause names the error's code only, never the statement or a value. */
export function driverFailure(err: unknown, what: string, fallback: string): StepFailure {
  const e = err as DriverError;
  const code = e.code ?? (e.errno === undefined ? 'unknown' : String(e.errno));
  if (isTransient(err)) return new StepFailure(RotationError.Transient, `${what}: transient error ${code}`);
  return new StepFailure(fallback, `${what}: error ${code}`);
}

async function openPostgres(c: Credentials): Promise<Session> {
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    user: c.username,
    password: c.password,
    database: c.dbname ?? 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'dbplane-rotation',
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  const secret = (password: string) =>
    client.escapeLiteral(scramSafe(password) ? scramVerifier(password) : password);
  return {
    async ping() {
      await client.query('SELECT 1');
    },
    async setOwnPassword(password) {
      await client.query(`ALTER ROLE CURRENT_USER PASSWORD ${secret(password)}`);
    },
    async setPasswordOf(username, password) {
      const r = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
      if ((r.rowCount ?? 0) === 0)
        throw new StepFailure(RotationError.SetFailed, `login "${username}" does not exist`);
      await client.query(`ALTER ROLE ${client.escapeIdentifier(username)} PASSWORD ${secret(password)}`);
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}

async function openMysql(c: Credentials): Promise<Session> {
  const conn = await mysql.createConnection({
    host: c.host,
    port: c.port,
    user: c.username,
    password: c.password,
    ...(c.dbname === undefined || c.dbname === '' ? {} : { database: c.dbname }),
    connectTimeout: CONNECT_TIMEOUT_MS,
    multipleStatements: false,
  });
  conn.on('error', () => {});
  const lit = (v: string) => mysql.escape(v);
  return {
    async ping() {
      await conn.query('SELECT 1');
    },
    async setOwnPassword(password) {
      try {
        await conn.query(`ALTER USER CURRENT_USER() IDENTIFIED BY ${lit(password)}`);
      } catch (err) {
        // MariaDB wants CREATE USER for ALTER USER even on oneself; SET PASSWORD needs nothing.
        if ((err as DriverError).errno !== 1227) throw err;
        await conn.query(`SET PASSWORD = PASSWORD(${lit(password)})`);
      }
    },
    async setPasswordOf(username, password) {
      const [rows] = await conn.query('SELECT CAST(host AS CHAR) AS host FROM mysql.user WHERE user = ?', [
        username,
      ]);
      // the column is binary: a Buffer would be quoted as X'..', which ALTER USER does not take as a host
      const hosts = (rows as { host: string | Buffer }[]).map((r) => String(r.host));
      if (hosts.length === 0)
        throw new StepFailure(RotationError.SetFailed, `login "${username}" does not exist`);
      for (const host of hosts)
        await conn.query(`ALTER USER ${lit(username)}@${lit(host)} IDENTIFIED BY ${lit(password)}`);
    },
    async close() {
      await conn.end().catch(() => {});
    },
  };
}

/**
 * Logs in with `c`: a session, or `undefined` when the server refuses the
 * credentials. Any other failure is a `StepFailure` (transient ones retried).
 */
export async function tryLogin(c: Credentials): Promise<Session | undefined> {
  try {
    return c.engine === 'postgres' ? await openPostgres(c) : await openMysql(c);
  } catch (err) {
    if (isAuthFailure(err)) return undefined;
    throw driverFailure(err, `connecting to ${c.engine} at ${c.host}:${c.port}`, RotationError.LoginFailed);
  }
}

/** Runs `fn` on a session and closes it; driver errors become step failures. */
export async function using<T>(s: Session, what: string, fn: (s: Session) => Promise<T>): Promise<T> {
  try {
    return await fn(s);
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    throw driverFailure(err, what, RotationError.SetFailed);
  } finally {
    await s.close();
  }
}
