import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors/index.js';
import type { Pool } from '../store/db.js';
import type { Principal, Role } from './types.js';

const PREFIX = 'dbpt_';

interface Claims {
  a: string; // account
  r: Role;
  s: string; // subject, e.g. function:hello
  e: number; // expiry, epoch seconds
}

/**
 * Short-lived tokens: `dbpt_<claims>.<HMAC>`, signed with a key kept in the
 * store (so every node verifies them) and never stored themselves. A
 * function's invocation gets one, limited to its account, an operator role
 * and the invocation's lifetime.
 *
 * @example
 * const token = await tokens.issue({ accountId, role: 'operator', subject: 'function:hello', ttlSeconds: 60 });
 */
export function createTokens(pool: Pool) {
  let key: Promise<Buffer> | undefined;
  const signingKey = () => {
    key ??= (async () => {
      await pool.query('INSERT INTO signing_keys (id, secret) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
        'tokens',
        randomBytes(32),
      ]);
      const r = await pool.query<{ secret: Buffer }>("SELECT secret FROM signing_keys WHERE id = 'tokens'");
      return r.rows[0]?.secret ?? Buffer.alloc(0);
    })();
    key.catch(() => {
      key = undefined;
    });
    return key;
  };
  const sign = async (body: string) =>
    createHmac('sha256', await signingKey())
      .update(body)
      .digest('base64url');
  return {
    isToken: (value: string) => value.startsWith(PREFIX),
    async issue(p: { accountId: string; role: Role; subject: string; ttlSeconds: number }): Promise<string> {
      const claims: Claims = {
        a: p.accountId,
        r: p.role,
        s: p.subject,
        e: Math.floor(Date.now() / 1000) + p.ttlSeconds,
      };
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${PREFIX}${body}.${await sign(body)}`;
    },
    async verify(token: string): Promise<Principal> {
      const [body = '', mac = ''] = token.slice(PREFIX.length).split('.');
      const expected = Buffer.from(await sign(body));
      const given = Buffer.from(mac);
      if (expected.length !== given.length || !timingSafeEqual(expected, given))
        throw new UnauthenticatedError('the token is not valid');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
      if (claims.e < Date.now() / 1000) throw new UnauthenticatedError('the token has expired');
      return { accountId: claims.a, keyId: `token:${claims.s}`, keyName: claims.s, role: claims.r };
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
