import mysql from 'mysql2/promise';

/** The MariaDB/MySQL server tests use: DBPLANE_TEST_MYSQL_URL or root on 127.0.0.1:3306. */
export const TEST_MYSQL_URL = process.env.DBPLANE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/**
 * Whether the test MariaDB answers. In CI a missing server is an error
 * (`.ci/run` installs one), elsewhere the MySQL cases are skipped with a note.
 */
export async function mysqlAvailable(): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ uri: TEST_MYSQL_URL, connectTimeout: 2000 });
    await c.end();
    return true;
  } catch (err) {
    if (process.env.CI)
      throw new Error(`MariaDB is required in CI at ${TEST_MYSQL_URL}: ${(err as Error).message}`);
    process.stderr.write(
      `note: MariaDB not reachable at ${TEST_MYSQL_URL}; MySQL cases are skipped (run scripts/ensure-mariadb.sh)\n`,
    );
    return false;
  }
}
