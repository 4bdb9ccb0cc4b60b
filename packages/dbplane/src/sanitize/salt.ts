import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors/index.js';
import type { SecretsService } from '../secrets/service.js';
import { type Pool, withTransaction } from '../store/db.js';
import { SALT_SECRET } from './types.js';

/**
 * The account's masking salt: the secret `dbplane/sanitize/salt`, made
 * (256 random bits) on first use. Two callers racing agree on one value.
 */
export async function accountSalt(
  deps: { pool: Pool; secrets: SecretsService },
  accountId: string,
): Promise<string> {
  const ref = { accountId, name: SALT_SECRET };
  const read = async () => (await deps.secrets.getValue(ref)).secretString ?? '';
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  try {
    await withTransaction(deps.pool, (tx) =>
      deps.secrets.create(tx, {
        ...ref,
        description:
          'the salt of deterministic masking rules (dbplane sanitize); changing it changes every hash',
        secretString: randomBytes(32).toString('base64url'),
      }),
    );
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
  return read();
}
