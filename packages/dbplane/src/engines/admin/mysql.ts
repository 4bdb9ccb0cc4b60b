import mysql from 'mysql2/promise';
import type { EngineAdmin } from './types.js';

/**
 * MySQL/MariaDB admin operations over one connection. Logins are
 * `'name'@'%'`; identifiers are quoted with the driver's `escapeId` and
 * literals with `escape`.
 *
 * @example
 * const admin = await connectMysqlAdmin('mysql://root@127.0.0.1:3306');
 * await admin.createDatabase({ name: 'app' });
 */
export async function connectMysqlAdmin(url: string): Promise<EngineAdmin> {
  const conn = await mysql.createConnection({ uri: url, connectTimeout: 10_000, multipleStatements: false });
  conn.on('error', () => {});
  const id = (name: string) => mysql.escapeId(name, true);
  const lit = (value: string) => mysql.escape(value);
  const count = async (sql: string, values: unknown[]) => {
    const [rows] = await conn.query(sql, values);
    return (rows as unknown[]).length;
  };
  const admin: EngineAdmin = {
    engine: 'mysql',
    async version() {
      const [rows] = await conn.query('SELECT VERSION() AS v');
      return String((rows as { v: string }[])[0]?.v ?? '');
    },
    databaseExists: async (name) =>
      (await count('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [name])) > 0,
    async createDatabase(p) {
      const existed = await admin.databaseExists(p.name);
      await conn.query(
        `CREATE DATABASE IF NOT EXISTS ${id(p.name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      return { created: !existed };
    },
    async dropDatabase(name) {
      const existed = await admin.databaseExists(name);
      await conn.query(`DROP DATABASE IF EXISTS ${id(name)}`);
      return { dropped: existed };
    },
    loginExists: async (name) =>
      (await count("SELECT 1 FROM mysql.user WHERE user = ? AND host = '%'", [name])) > 0,
    async putLogin(p) {
      const existed = await admin.loginExists(p.name);
      const user = `${lit(p.name)}@'%'`;
      await conn.query(
        existed
          ? `ALTER USER ${user} IDENTIFIED BY ${lit(p.password)}`
          : `CREATE USER ${user} IDENTIFIED BY ${lit(p.password)}`,
      );
      return { created: !existed };
    },
    async dropLogin(name) {
      const existed = await admin.loginExists(name);
      await conn.query(`DROP USER IF EXISTS ${lit(name)}@'%'`);
      return { dropped: existed };
    },
    async grantDatabase(p) {
      await conn.query(`GRANT ALL PRIVILEGES ON ${id(p.database)}.* TO ${lit(p.login)}@'%'`);
    },
    async close() {
      await conn.end().catch(() => {});
    },
  };
  return admin;
}
