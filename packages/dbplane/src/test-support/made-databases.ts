import { connectAdmin, type EngineName } from '../engines/admin/index.js';

/**
 * Drops databases a test made directly on a server, each with its login of
 * the same name (as the databases domain names an owner), in one admin session.
 *
 * @example
 * afterAll(() => dropMadeDatabases('postgres', inject('pgUrl'), made));
 */
export async function dropMadeDatabases(
  engine: EngineName,
  url: string,
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  const admin = await connectAdmin(engine, url);
  try {
    for (const name of names) {
      await admin.dropDatabase(name);
      await admin.dropLogin(name);
    }
  } finally {
    await admin.close();
  }
}
