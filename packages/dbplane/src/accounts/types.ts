/**
 * Accounts and API keys.
 *
 * Glossary:
 * - account: a tenant, a 12-digit id; every resource belongs to one.
 * - API key: `dbp_<keyId>_<secret>`; `keyId` is public and indexes the row,
 *   only a SHA-256 hash of the high-entropy secret is stored.
 * - role: what a key may do: `viewer` reads, `operator` reads and writes,
 *   `admin` also manages keys.
 * - principal: who is calling, as resolved from a key.
 */
export const Roles = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof Roles)[number];

export const DEFAULT_ACCOUNT_ID = '000000000000';

export interface Principal {
  accountId: string;
  keyId: string;
  keyName: string;
  role: Role;
}

/** An API key as callers see it (never the secret, except once at creation). */
export interface ApiKey {
  arn: string;
  id: string;
  name: string;
  role: Role;
  description: string;
  status: 'active' | 'revoked';
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** The whole key; shown once. */
  secret: string;
}

/** What a permission level allows, by role. */
export type Permission = 'read' | 'write' | 'admin';

export function roleAllows(role: Role, permission: Permission): boolean {
  if (role === 'admin') return true;
  if (role === 'operator') return permission !== 'admin';
  return permission === 'read';
}
