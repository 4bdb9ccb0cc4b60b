import { resolve } from 'node:path';
import { readAdminKey } from '../node/admin-key.js';

/** An error answer from the API, or a failure to reach it. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export interface ClientOptions {
  endpoint?: string | undefined;
  apiKey?: string | undefined;
  dataDir?: string | undefined;
}

export interface ApiClient {
  endpoint: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * A small JSON client for the dbplane API. The key comes from `--api-key`,
 * `DBPLANE_API_KEY`, or the local data directory's `admin.key`.
 *
 * @example
 * const api = await createClient({ endpoint: 'http://127.0.0.1:7070' });
 * const keys = await api.call('GET', '/v1/api-keys');
 */
export async function createClient(options: ClientOptions, env = process.env): Promise<ApiClient> {
  const endpoint = (options.endpoint ?? env.DBPLANE_ENDPOINT ?? 'http://127.0.0.1:7070').replace(/\/+$/, '');
  const dataDir = resolve(options.dataDir ?? env.DBPLANE_DATA_DIR ?? '.dbplane');
  const apiKey = options.apiKey ?? env.DBPLANE_API_KEY ?? (await readAdminKey(dataDir));
  return {
    endpoint,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (apiKey !== undefined) headers['x-api-key'] = apiKey;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(`${endpoint}${path}`, {
          method,
          headers,
          body: body === undefined ? null : JSON.stringify(body),
        });
      } catch (err) {
        throw new ApiCallError(
          0,
          'ConnectionFailed',
          `cannot reach dbplane at ${endpoint} (${(err as Error).cause ?? (err as Error).message}); is \`dbplane up\` running?`,
        );
      }
      const text = await res.text();
      const parsed: unknown = text === '' ? undefined : safeJson(text);
      if (!res.ok) throw toCallError(res.status, parsed, text);
      return parsed as T;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toCallError(status: number, parsed: unknown, text: string): ApiCallError {
  const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
    ?.error;
  if (error?.code !== undefined)
    return new ApiCallError(status, error.code, error.message ?? '', error.details);
  return new ApiCallError(status, `Http${status}`, text.slice(0, 200));
}
