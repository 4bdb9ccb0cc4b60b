import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../errors/index.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import { type Db, type Pool, withTransaction, writeLater } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import { API_KEYS_CHANNEL, createKeyCache } from './key-cache.js';
import { generateKeyMaterial, parseToken, secretMatches } from './key-material.js';
import * as sql from './sql.js';
import { createTokens, type Tokens } from './tokens.js';
import { type ApiKey, type CreatedApiKey, DEFAULT_ACCOUNT_ID, type Principal, type Role } from './types.js';

export interface AccountsService {
  /** Resolves a presented key to its principal; throws `UnauthenticatedError` otherwise. */
  authenticate(token: string | undefined): Promise<Principal>;
  createKey(tx: Db, p: CreateKeyParams): Promise<CreatedApiKey>;
  getKey(p: Readonly<{ accountId: string; name: string }>): Promise<ApiKey>;
  listKeys(p: Readonly<{ accountId: string; limit: number; nextToken?: string | undefined }>): Promise<{
    apiKeys: ApiKey[];
    nextToken?: string;
  }>;
  revokeKey(tx: Db, p: Readonly<{ accountId: string; name: string }>): Promise<ApiKey>;
  /** On first start: the default account and its first admin key (returned once). */
  ensureDefaultAccount(): Promise<{ accountId: string; adminKey?: string }>;
  /** Short-lived tokens (functions calling the API). */
  tokens: Tokens;
}

export type CreateKeyParams = Readonly<{
  accountId: string;
  name: string;
  role: Role;
  description?: string | undefined;
  createdBy: string | null;
}>;

/**
 * The accounts domain: API keys and the default account.
 *
 * @example
 * const accounts = createAccountsService({ pool, region: 'local-1' });
 * const principal = await accounts.authenticate(request.headers['x-api-key']);
 */
export function createAccountsService(deps: {
  pool: Pool;
  region: string;
  notifier?: Notifier | undefined;
  /** The key cache's clock (tests freeze it). */
  clock?: () => number;
}): AccountsService {
  const { pool, region } = deps;
  const tokens = createTokens(pool);
  const cache = createKeyCache({ notifier: deps.notifier, now: deps.clock });
  const findKey = async (keyId: string) => {
    const cached = cache.get(keyId);
    if (cached !== undefined) return cached;
    const row = await sql.findKeyById(pool, keyId);
    if (row !== undefined && row.revoked_at === null) cache.set(row);
    return row;
  };
  const toApiKey = (row: sql.ApiKeyRow): ApiKey => ({
    arn: buildArn({ service: 'iam', region, accountId: row.account_id, resource: `api-key/${row.name}` }),
    id: row.id,
    name: row.name,
    role: row.role,
    description: row.description,
    status: row.revoked_at === null ? 'active' : 'revoked',
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  });

  const createKey = async (tx: Db, p: CreateKeyParams): Promise<CreatedApiKey> => {
    if ((await sql.findActiveKeyByName(tx, p)) !== undefined) {
      throw new ConflictError(`an active API key named "${p.name}" already exists`);
    }
    const material = generateKeyMaterial();
    const row = await sql.insertApiKey(tx, {
      id: material.keyId,
      accountId: p.accountId,
      name: p.name,
      role: p.role,
      description: p.description ?? '',
      secretHash: material.secretHash,
      createdBy: p.createdBy,
    });
    return { ...toApiKey(row), secret: material.token };
  };

  return {
    async authenticate(token) {
      if (token !== undefined && tokens.isToken(token.trim())) return tokens.verify(token.trim());
      const parsed = token === undefined ? undefined : parseToken(token.trim());
      if (parsed === undefined) throw new UnauthenticatedError();
      const row = await findKey(parsed.keyId);
      if (row === undefined || !secretMatches(parsed.secret, row.secret_hash)) {
        throw new UnauthenticatedError('the API key is not valid');
      }
      if (row.revoked_at !== null) throw new UnauthenticatedError('the API key has been revoked');
      return { accountId: row.account_id, keyId: row.id, keyName: row.name, role: row.role };
    },
    createKey,
    tokens,
    async getKey(p) {
      const row = await sql.findActiveKeyByName(pool, p);
      if (row === undefined) throw new NotFoundError('API key', p.name);
      return toApiKey(row);
    },
    async listKeys(p) {
      const after = decodePageToken(p.nextToken);
      const rows = await sql.listKeys(pool, {
        accountId: p.accountId,
        limit: p.limit,
        after: after === undefined ? undefined : { createdUs: String(after.t), id: String(after.id) },
      });
      const { page, more } = takePage(rows, p.limit);
      const last = page.at(-1);
      const result: { apiKeys: ApiKey[]; nextToken?: string } = { apiKeys: page.map(toApiKey) };
      if (more && last !== undefined) result.nextToken = encodePageToken({ t: last.created_us, id: last.id });
      return result;
    },
    async revokeKey(tx, p) {
      const row = await sql.findActiveKeyByName(tx, p);
      if (row === undefined) throw new NotFoundError('API key', p.name);
      if (row.role === 'admin' && (await sql.countActiveAdminKeys(tx, p.accountId)) <= 1) {
        throw new ConflictError(
          'cannot revoke the last active admin key of the account; create another admin key first',
        );
      }
      const revoked = await sql.revokeKey(tx, { id: row.id });
      cache.forget(row.id);
      await writeLater(tx, { text: 'SELECT pg_notify($1, $2)', values: [API_KEYS_CHANNEL, row.id] });
      return toApiKey(revoked ?? row);
    },
    async ensureDefaultAccount() {
      return withTransaction(pool, async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['dbplane:default-account']);
        await sql.insertAccount(tx, { id: DEFAULT_ACCOUNT_ID, name: 'default' });
        if ((await sql.countKeys(tx, DEFAULT_ACCOUNT_ID)) > 0) return { accountId: DEFAULT_ACCOUNT_ID };
        const key = await createKey(tx, {
          accountId: DEFAULT_ACCOUNT_ID,
          name: 'admin',
          role: 'admin',
          description: 'created on first start',
          createdBy: null,
        });
        return { accountId: DEFAULT_ACCOUNT_ID, adminKey: key.secret };
      });
    },
  };
}
