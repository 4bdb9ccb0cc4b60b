import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePassword, mysqlPasswordMatches, pgPasswordMatches } from './passwords.js';

/** A SCRAM-SHA-256 verifier built the way PostgreSQL builds one (RFC 5802/7677). */
function scramVerifier(password: string, salt: Buffer, iterations: number): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

describe('passwords', () => {
  it('generates random passwords of the asked length from a URL-safe alphabet', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generatePassword(50)).toHaveLength(50);
    expect(generatePassword()).not.toBe(a);
  });

  it('checks a password against a PostgreSQL SCRAM or md5 verifier', () => {
    const v = scramVerifier('s3cret', Buffer.from('0123456789abcdef'), 4096);
    expect(pgPasswordMatches(v, 'app', 's3cret')).toBe(true);
    expect(pgPasswordMatches(v, 'app', 's3cret ')).toBe(false);
    const md5 = `md5${createHash('md5').update('pwapp').digest('hex')}`;
    expect(pgPasswordMatches(md5, 'app', 'pw')).toBe(true);
    expect(pgPasswordMatches(md5, 'other', 'pw')).toBe(false);
    expect(pgPasswordMatches(null, 'app', 'pw')).toBe(false);
    expect(pgPasswordMatches(undefined, 'app', 'pw')).toBeUndefined();
  });

  it("checks a password against MySQL's native hash, and cannot tell for other plugins", () => {
    // SELECT PASSWORD('pw') on MariaDB 10.11
    expect(
      mysqlPasswordMatches('mysql_native_password', '*D821809F681A40A6E379B50D0463EFAE20BDD122', 'pw'),
    ).toBe(true);
    expect(
      mysqlPasswordMatches('mysql_native_password', '*D821809F681A40A6E379B50D0463EFAE20BDD122', 'pW'),
    ).toBe(false);
    expect(mysqlPasswordMatches('ed25519', 'x', 'pw')).toBeUndefined();
  });
});
