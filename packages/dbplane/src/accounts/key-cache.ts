import type { Notifier } from '../store/notifier.js';
import type { ApiKeyRow } from './sql.js';

/** Revocations are announced here so that every node forgets the key at once. */
export const API_KEYS_CHANNEL = 'dbplane_api_keys';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * API key rows recently read by this node, so that a request does not pay a
 * store round trip to authenticate. An entry lives 5 seconds at most; a
 * revocation removes it at once on the revoking node and, through
 * `API_KEYS_CHANNEL`, on every other node that hears the notification (a
 * node that missed it forgets the key when the entry expires).
 */
export function createKeyCache(opts: { notifier?: Notifier | undefined; now?: (() => number) | undefined }) {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { row: ApiKeyRow; until: number }>();
  opts.notifier?.subscribe(API_KEYS_CHANNEL, (keyId) => entries.delete(keyId));
  return {
    get(keyId: string): ApiKeyRow | undefined {
      const entry = entries.get(keyId);
      if (entry === undefined) return undefined;
      if (entry.until > now()) return entry.row;
      entries.delete(keyId);
      return undefined;
    },
    set(row: ApiKeyRow): void {
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(row.id, { row, until: now() + TTL_MS });
    },
    forget(keyId: string): void {
      entries.delete(keyId);
    },
  };
}
