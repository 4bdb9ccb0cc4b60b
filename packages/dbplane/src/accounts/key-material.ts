import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^dbp_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A fresh key: 16-char public id, 256-bit secret. */
export function generateKeyMaterial(): { keyId: string; token: string; secretHash: Buffer } {
  const idBytes = randomBytes(16);
  const keyId = [...idBytes].map((b) => BASE32[b % 32]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `dbp_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented token into its id and secret; undefined when it is not a dbplane key. */
export function parseToken(token: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(token);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  return { keyId: m[1], secret: m[2] };
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}
