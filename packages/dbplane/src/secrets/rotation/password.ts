import { randomBytes } from 'node:crypto';

/**
 * URL-unreserved characters only: a rotated password can go into a
 * connection URL, a shell or a config file without quoting (RDS' rotation
 * templates exclude `/@"'\` for the same reason).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~';
export const PASSWORD_LENGTH = 32;

/** A random password (about 193 bits), without modulo bias. */
export function randomPassword(length = PASSWORD_LENGTH): string {
  const out: string[] = [];
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out.push(ALPHABET[b % ALPHABET.length] ?? '');
    }
  }
  return out.join('');
}
