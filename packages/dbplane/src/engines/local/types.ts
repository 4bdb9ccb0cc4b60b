import type { EngineName } from '../admin/index.js';

/**
 * A database server process that dbplane runs itself (a `local` instance).
 *
 * Glossary:
 * - launcher: starts the server for one engine under a data directory and
 *   returns how to reach and stop it (PostgreSQL: `engines/postgres-local`,
 *   MariaDB: `engines/mariadb-local`).
 * - supervision: a health check every few seconds; a server found down while
 *   it should run is started again (with back-off), reusing its data.
 */
export interface RunningServer {
  host: string;
  port: number;
  /** Superuser URL (postgres://... or mysql://...), with its password. */
  adminUrl: string;
  version: string;
  stop(): Promise<void>;
}

export type Launcher = (p: { dataDir: string; log: (line: string) => void }) => Promise<RunningServer>;

export type Launchers = Readonly<Record<EngineName, Launcher>>;

export type LocalState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface LocalStatus {
  state: LocalState;
  host?: string;
  port?: number;
  version?: string;
  restarts: number;
  lastError?: string;
}
