import type { TaskHandler } from './registry.js';

interface HttpParameters {
  ApiEndpoint?: unknown;
  Method?: unknown;
  Headers?: unknown;
  QueryParameters?: unknown;
  RequestBody?: unknown;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function fail(error: string, cause: string) {
  return { type: 'failed' as const, error, cause };
}

/**
 * `arn:aws:states:::http:invoke`: calls an HTTP endpoint whose host is on the
 * allow-list. Answers `{ StatusCode, StatusText, Headers, ResponseBody }` as
 * Step Functions does; a non-2xx answer fails with `States.Http.StatusCode.<code>`.
 *
 * @example
 * registry.register('arn:aws:states:::http:invoke', createHttpTask({ allowedHosts: ['127.0.0.1'] }));
 */
export function createHttpTask(options: {
  allowedHosts: readonly string[];
  timeoutMs?: number;
}): TaskHandler {
  return async (task) => {
    const p = (task.input ?? {}) as HttpParameters;
    if (typeof p.ApiEndpoint !== 'string') return fail('States.Runtime', 'ApiEndpoint must be a URL string');
    const method = typeof p.Method === 'string' ? p.Method.toUpperCase() : '';
    if (!METHODS.has(method))
      return fail('States.Runtime', `Method must be one of ${[...METHODS].join(', ')}`);
    let url: URL;
    try {
      url = new URL(p.ApiEndpoint);
    } catch {
      return fail('States.Runtime', `ApiEndpoint is not a valid URL: ${p.ApiEndpoint}`);
    }
    if (!options.allowedHosts.includes(url.hostname)) {
      return fail('States.Http.HostNotAllowed', `host ${url.hostname} is not in the allowed HTTP task hosts`);
    }
    for (const [k, v] of Object.entries((p.QueryParameters ?? {}) as Record<string, unknown>))
      url.searchParams.append(k, String(v));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((p.Headers ?? {}) as Record<string, unknown>))
      headers[k.toLowerCase()] = String(v);
    let body: string | null = null;
    if (p.RequestBody !== undefined && method !== 'GET' && method !== 'HEAD') {
      body = typeof p.RequestBody === 'string' ? p.RequestBody : JSON.stringify(p.RequestBody);
      headers['content-type'] ??= 'application/json';
    }
    headers['idempotency-key'] ??= task.idempotencyToken;
    const signal = AbortSignal.any([task.signal, AbortSignal.timeout(options.timeoutMs ?? 60_000)]);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal });
    } catch (err) {
      return fail('States.Http.ConnectionFailure', (err as Error).message);
    }
    const text = await res.text();
    let responseBody: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        responseBody = JSON.parse(text);
      } catch {
        responseBody = text;
      }
    }
    const output = {
      StatusCode: res.status,
      StatusText: res.statusText,
      Headers: Object.fromEntries(res.headers),
      ResponseBody: responseBody,
    };
    if (!res.ok) return fail(`States.Http.StatusCode.${res.status}`, JSON.stringify(output));
    return { type: 'succeeded', output };
  };
}
