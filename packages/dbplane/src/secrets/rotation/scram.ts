import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 4096;
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** Passwords whose SASLprep is the identity (printable ASCII), so a verifier made here matches the server's check. */
export const scramSafe = (password: string) => /^[\x21-\x7e]+$/.test(password);

/**
 * A PostgreSQL SCRAM-SHA-256 verifier of `password`, as `ALTER ROLE ...
 * PASSWORD` accepts it: the server then never sees the password itself (like
 * psql's `\password`), so it cannot reach the server's statement log.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Whether a stored SCRAM-SHA-256 verifier (`pg_authid.rolpassword`) is that of `password`. */
export function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (m === null) return false;
  const [, iterations = '0', salt = '', storedKey = ''] = m;
  const salted = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    Buffer.from(salt, 'base64'),
    Number(iterations),
    32,
    'sha256',
  );
  const expected = Buffer.from(storedKey, 'base64');
  const actual = sha256(hmac(salted, 'Client Key'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
