import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from '../kms/keyring.js';

/** A version's value as stored: ciphertext and its wrapped data key, never plaintext. */
export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  wrappedKey: Buffer;
  keyId: string;
  keyVersion: number;
}

const aad = (arn: string, versionId: string) => Buffer.from(`${arn}\u0000${versionId}`);

/**
 * Envelope encryption: a fresh 256-bit data key per version, AES-256-GCM, the
 * data key wrapped by the region key; the AAD binds the ciphertext to the
 * secret's ARN and version id so that rows cannot be swapped.
 */
export function seal(ring: Keyring, keyRef: string, arn: string, versionId: string, plain: Buffer): Sealed {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', dataKey, iv);
  c.setAAD(aad(arn, versionId));
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  const wrapped = ring.wrap(keyRef, dataKey);
  dataKey.fill(0);
  return {
    ciphertext,
    iv,
    authTag: c.getAuthTag(),
    wrappedKey: wrapped.blob,
    keyId: wrapped.keyId,
    keyVersion: wrapped.keyVersion,
  };
}

/** Decrypts a sealed value; throws if it was moved to another secret or version. */
export function open(ring: Keyring, arn: string, versionId: string, s: Sealed): Buffer {
  const dataKey = ring.unwrap({ keyId: s.keyId, keyVersion: s.keyVersion, blob: s.wrappedKey });
  const d = createDecipheriv('aes-256-gcm', dataKey, s.iv);
  d.setAAD(aad(arn, versionId));
  d.setAuthTag(s.authTag);
  try {
    return Buffer.concat([d.update(s.ciphertext), d.final()]);
  } finally {
    dataKey.fill(0);
  }
}
