import pg from 'pg';
import { clientConfig } from './pg-config.js';
import type { EngineAdmin } from './types.js';

/**
 * PostgreSQL admin operations over one client. Identifiers and literals are
 * quoted with the driver's own escaping (`escapeIdentifier`, `escapeLiteral`):
 * DDL cannot take bind parameters.
 *
 * @example
 * const admin = await connectPostgresAdmin('postgres://postgres@127.0.0.1:5432/postgres');
 * await admin.putLogin({ name: 'app', password: 's3cret' });
 */
export async function connectPostgresAdmin(url: string): Promise<EngineAdmin> {
  const client = new pg.Client(clientConfig(url));
  client.on('error', () => {});
  await client.connect();
  const id = (name: string) => client.escapeIdentifier(name);
  const exists = async (sql: string, name: string) => ((await client.query(sql, [name])).rowCount ?? 0) > 0;
  const inDatabase = async (database: string, fn: (c: pg.Client) => Promise<void>) => {
    const c = new pg.Client(clientConfig(url, database));
    await c.connect();
    try {
      await fn(c);
    } finally {
      await c.end();
    }
  };
  /** Databases in which `role` owns objects or holds privileges (besides shared objects). */
  const dependentDatabases = async (role: string) =>
    (
      await client.query<{ datname: string }>(
        `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid
         WHERE s.refobjid = (SELECT oid FROM pg_roles WHERE rolname = $1) AND d.datallowconn`,
        [role],
      )
    ).rows.map((r) => r.datname);
  const admin: EngineAdmin = {
    engine: 'postgres',
    async version() {
      return (
        String(
          (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ??
            '',
        ).split(' ')[0] ?? ''
      );
    },
    databaseExists: (name) => exists('SELECT 1 FROM pg_database WHERE datname = $1', name),
    async createDatabase(p) {
      if (await admin.databaseExists(p.name)) return { created: false };
      try {
        await client.query(
          `CREATE DATABASE ${id(p.name)}${p.owner === undefined ? '' : ` OWNER ${id(p.owner)}`}`,
        );
        return { created: true };
      } catch (err) {
        if ((err as { code?: string }).code === '42P04') return { created: false }; // created concurrently
        throw err;
      }
    },
    async dropDatabase(name) {
      if (!(await admin.databaseExists(name))) return { dropped: false };
      await client.query(`DROP DATABASE IF EXISTS ${id(name)} WITH (FORCE)`);
      return { dropped: true };
    },
    loginExists: (name) => exists('SELECT 1 FROM pg_roles WHERE rolname = $1', name),
    async putLogin(p) {
      const existed = await admin.loginExists(p.name);
      const verb = existed ? 'ALTER' : 'CREATE';
      await client.query(
        `${verb} ROLE ${id(p.name)} WITH LOGIN PASSWORD ${client.escapeLiteral(p.password)}`,
      );
      return { created: !existed };
    },
    async dropLogin(name) {
      if (!(await admin.loginExists(name))) return { dropped: false };
      const drop = async (c: pg.Client) => {
        await c.query(`REASSIGN OWNED BY ${id(name)} TO CURRENT_USER`);
        await c.query(`DROP OWNED BY ${id(name)}`);
      };
      for (const database of await dependentDatabases(name)) await inDatabase(database, drop);
      await drop(client);
      await client.query(`DROP ROLE IF EXISTS ${id(name)}`);
      return { dropped: true };
    },
    async grantDatabase(p) {
      await client.query(`GRANT ALL PRIVILEGES ON DATABASE ${id(p.database)} TO ${id(p.login)}`);
      await inDatabase(p.database, async (c) => {
        await c.query(`GRANT ALL ON SCHEMA public TO ${id(p.login)}`);
      });
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
  return admin;
}
