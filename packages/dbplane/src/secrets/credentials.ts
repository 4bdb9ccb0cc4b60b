import { unlessNotFound } from '../errors/index.js';
import type { AdminCredentials, CredentialStore } from '../instances/types.js';
import type { SecretsService } from './service.js';

/** The secret's name inside its ARN (`...:secret:<name>-XXXXXX`). */
function nameOf(arn: string): string {
  const tail = arn.split(':secret:')[1] ?? '';
  return tail.replace(/-[A-Za-z0-9]{6}$/, '');
}

/**
 * Database credentials kept as secrets, in the JSON shape Secrets Manager
 * uses for RDS (`{ engine, host, port, username, password, dbname }`).
 *
 * @example
 * const credentials = createCredentialStore(secrets);
 * const arn = await credentials.put(tx, { accountId, name: 'dbplane/instances/pg/admin', value });
 */
export function createCredentialStore(secrets: SecretsService): CredentialStore {
  return {
    async put(tx, p) {
      const value = JSON.stringify(p.value);
      const ref = { accountId: p.accountId, name: p.name };
      const existing = await secrets.describe(ref, tx).catch(unlessNotFound);
      if (existing === undefined) {
        const made = await secrets.create(tx, {
          ...ref,
          description: 'database credentials managed by dbplane',
          secretString: value,
        });
        return made.arn;
      }
      if (existing.deletedDate !== undefined) await secrets.restore(tx, ref);
      await secrets.putValue(tx, { ...ref, secretString: value });
      return existing.arn;
    },
    async get(p) {
      const v = await secrets.getValue({ accountId: p.accountId, name: nameOf(p.arn) });
      return JSON.parse(v.secretString ?? '{}') as AdminCredentials;
    },
    async remove(tx, p) {
      await secrets.scheduleDeletion(tx, {
        accountId: p.accountId,
        name: nameOf(p.arn),
        recoveryWindowInDays: 7,
      });
    },
  };
}
