/**
 * What dbplane does inside a database server, the same way for every engine.
 *
 * Glossary:
 * - admin connection: a superuser (or equivalent) connection to a server.
 * - login: a role that can log in (PostgreSQL) or a user `name@'%'` (MySQL).
 * - every operation is idempotent: doing it twice is the same as once, so
 *   workflow steps can be retried safely.
 */
export type EngineName = 'postgres' | 'mysql';

export interface EngineAdmin {
  readonly engine: EngineName;
  /** The server's version string, e.g. "15.20" or "10.11.19-MariaDB". */
  version(): Promise<string>;
  databaseExists(name: string): Promise<boolean>;
  /** Creates the database (owned by `owner` where the engine has owners) unless it exists. */
  createDatabase(p: { name: string; owner?: string }): Promise<{ created: boolean }>;
  /** Drops the database if it exists, ending its sessions first. */
  dropDatabase(name: string): Promise<{ dropped: boolean }>;
  loginExists(name: string): Promise<boolean>;
  /** Creates the login, or sets its password when it exists. */
  putLogin(p: { name: string; password: string }): Promise<{ created: boolean }>;
  dropLogin(name: string): Promise<{ dropped: boolean }>;
  /** Gives `login` every privilege on `database` (and, on PostgreSQL, its public schema). */
  grantDatabase(p: { database: string; login: string }): Promise<void>;
  close(): Promise<void>;
}
