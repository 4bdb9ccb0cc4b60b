import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Generating passwords, and checking a password against the hash a server
 * stores, so that a plan sees a changed password without ever showing one.
 */

/**
 * A new random password of `length` characters (letters, digits, `-`, `_`).
 *
 * @example
 * generatePassword() // 'q3T0...' (32 characters)
 */
export function generatePassword(length = 32): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64url')
    .slice(0, length);
}

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

function scramMatches(stored: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored);
  if (!m) return false;
  const [, iterations, salt, , serverKey] = m;
  const salted = pbkdf2Sync(
    password.normalize('NFKC'),
    Buffer.from(salt ?? '', 'base64'),
    Number(iterations),
    32,
    'sha256',
  );
  const key = createHmac('sha256', salted).update('Server Key').digest();
  return equal(key, Buffer.from(serverKey ?? '', 'base64'));
}

/**
 * Whether `password` is the one PostgreSQL stores as `stored` (`rolpassword`:
 * SCRAM-SHA-256 or md5). Undefined when it cannot tell (no hash readable).
 *
 * @example
 * pgPasswordMatches(row.rolpassword, 'app_rw', await passwords.secret('db/app'))
 */
export function pgPasswordMatches(
  stored: string | null | undefined,
  role: string,
  password: string,
): boolean | undefined {
  if (stored === undefined) return undefined;
  if (stored === null) return false;
  if (stored.startsWith('SCRAM-SHA-256$')) return scramMatches(stored, password);
  if (stored.startsWith('md5'))
    return (
      stored ===
      `md5${createHash('md5')
        .update(password + role)
        .digest('hex')}`
    );
  return undefined;
}

/**
 * Whether `password` is the one a MySQL/MariaDB account stores, for the
 * `mysql_native_password` plugin; undefined for other plugins (it cannot tell).
 *
 * @example
 * mysqlPasswordMatches('mysql_native_password', '*D821...', 'pw') // true
 */
export function mysqlPasswordMatches(plugin: string, stored: string, password: string): boolean | undefined {
  if (plugin !== 'mysql_native_password' && plugin !== '') return undefined;
  if (stored === '') return password === '';
  const inner = createHash('sha1').update(password).digest();
  return stored.toUpperCase() === `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}
