import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { connectAdmin } from '../../engines/admin/index.js';
import { scramMatches } from './scram.js';
import type { Credentials, Engine } from './types.js';

/**
 * Test fixtures of rotation: a uniquely named login and database on a real
 * server, and a way to ask the server whether a password is the login's.
 * The test PostgreSQL trusts loopback connections, so there a password is
 * checked against the role's stored SCRAM verifier instead of by logging in.
 */
export interface Fixture {
  engine: Engine;
  adminUrl: string;
  credentials: Credentials;
  /** Whether the server takes `password` for the fixture's login. */
  accepts(password: string): Promise<boolean>;
  drop(): Promise<void>;
}

export async function createFixture(engine: Engine, adminUrl: string): Promise<Fixture> {
  const name = `rot_${randomBytes(5).toString('hex')}`;
  const password = `Old-${randomBytes(12).toString('hex')}`;
  const admin = await connectAdmin(engine, adminUrl);
  try {
    await admin.putLogin({ name, password });
    await admin.createDatabase({ name, owner: name });
    await admin.grantDatabase({ database: name, login: name });
  } finally {
    await admin.close();
  }
  const u = new URL(adminUrl);
  const credentials: Credentials = {
    engine,
    host: u.hostname,
    port: Number(u.port || (engine === 'postgres' ? 5432 : 3306)),
    username: name,
    password,
    dbname: name,
  };
  return {
    engine,
    adminUrl,
    credentials,
    accepts: (pw) => (engine === 'postgres' ? pgAccepts(adminUrl, name, pw) : mysqlAccepts(credentials, pw)),
    async drop() {
      const a = await connectAdmin(engine, adminUrl);
      try {
        await a.dropDatabase(name);
        await a.dropLogin(name);
      } finally {
        await a.close();
      }
    },
  };
}

async function pgAccepts(adminUrl: string, role: string, password: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<{ p: string | null }>(
      'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1',
      [role],
    );
    return scramMatches(r.rows[0]?.p ?? '', password);
  } finally {
    await c.end();
  }
}

async function mysqlAccepts(c: Credentials, password: string): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({
      host: c.host,
      port: c.port,
      user: c.username,
      password,
      connectTimeout: 5000,
    });
    await conn.end();
    return true;
  } catch (err) {
    if ((err as { errno?: number }).errno === 1045) return false;
    throw err;
  }
}
