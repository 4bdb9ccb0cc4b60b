import type { EngineName } from '../admin/index.js';
import { locateMariadbBinaries } from '../mariadb-local/index.js';
import { locatePostgresBinaries } from '../postgres-local/index.js';

/**
 * Why this node cannot run a local server of `engine`, or undefined when it
 * can: PostgreSQL from the machine's or the npm binaries, MariaDB/MySQL from
 * the machine's only.
 *
 * @example
 * const why = await localUnavailable('mysql'); // 'no MariaDB or MySQL server binaries found: ...'
 */
export async function localUnavailable(
  engine: EngineName,
  postgresSource: 'auto' | 'system' | 'npm' = 'auto',
): Promise<string | undefined> {
  try {
    if (engine === 'postgres') await locatePostgresBinaries({ source: postgresSource });
    else await locateMariadbBinaries();
    return undefined;
  } catch (err) {
    return `local ${engine} instances are unavailable on this node: ${(err as Error).message}`;
  }
}
