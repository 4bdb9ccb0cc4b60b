/**
 * The console's one way to the HTTP API: the signed-in key goes in
 * `x-api-key` (never in a URL), JSON in and out, and every failure becomes
 * an {@link ApiError} carrying the API's `{ error: { code, message } }`.
 */
import { forgetKey, readKey } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

/** `/v1/x` with its query; empty values are left out. */
export function path(base: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs === '' ? base : `${base}?${qs}`;
}

/** `/v1/state-machines/{name}`: each segment encoded. */
export function seg(...parts: readonly string[]): string {
  return parts.map(encodeURIComponent).join('/');
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message !== undefined) {
      return new ApiError(res.status, body.error.code ?? 'Error', body.error.message);
    }
  } catch {
    // not JSON
  }
  return new ApiError(res.status, `HTTP${res.status}`, text.slice(0, 300) || res.statusText);
}

/** Calls the API with the session's key (or `key`, to try one before keeping it). */
export async function api<T>(method: string, url: string, body?: unknown, key = readKey()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'NetworkError', `cannot reach the server: ${String(err)}`);
  }
  if (!res.ok) {
    const error = await errorOf(res);
    // the session's key no longer authenticates (revoked, expired): back to the sign-in form
    if (res.status === 401 && key !== null && key === readKey()) forgetKey();
    throw error;
  }
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const get = <T>(url: string) => api<T>('GET', url);
export const post = <T>(url: string, body: unknown = {}) => api<T>('POST', url, body);
