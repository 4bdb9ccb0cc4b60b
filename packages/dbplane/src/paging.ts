import { ValidationError } from './errors/index.js';

/**
 * Opaque page tokens: the last row's sort key, base64url-encoded JSON.
 *
 * @example
 * const after = decodePageToken(query.nextToken); // undefined on the first page
 * const next = encodePageToken({ seq: 42 });
 */
export function encodePageToken(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodePageToken(token: string | undefined): Record<string, string | number> | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, string | number>;
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError([{ path: '/nextToken', message: 'is not a token this API returned' }]);
}

/** Splits `limit + 1` fetched rows into a page and whether more follow. */
export function takePage<T>(rows: readonly T[], limit: number): { page: T[]; more: boolean } {
  return { page: rows.slice(0, limit), more: rows.length > limit };
}
