import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import { DbplaneError, ErrorCode, NotFoundError, UnauthenticatedError } from '../errors/index.js';
import type { Db, Pool } from '../store/db.js';
import type { FunctionsService } from './service.js';

export type UrlAuth = 'API_KEY' | 'HMAC';

interface UrlRow {
  function_id: string;
  account_id: string;
  name: string;
  auth: UrlAuth;
  hmac_secret: string | null;
}

/** The header a webhook sender signs with: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-dbplane-signature';

/** Whether `signature` is the HMAC of `body` with `secret`, compared in constant time. */
export function signatureMatches(secret: string, body: string, signature: string | undefined): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Function URLs: `/fn/{name}` invokes the function with Lambda's function-URL
 * event (version 2.0) and answers with what the handler returns
 * (`{ statusCode, headers, body }`, or any JSON value as a 200).
 */
export function createFunctionUrls(deps: {
  pool: Pool;
  functions: FunctionsService;
  accounts: AccountsService;
}) {
  return {
    /** Creates or replaces a function's URL; the HMAC secret is shown once. */
    async put(tx: Db, p: { accountId: string; name: string; auth: UrlAuth }) {
      const fn = await deps.functions.find(p);
      const secret = p.auth === 'HMAC' ? randomBytes(32).toString('base64url') : null;
      await tx.query(
        `INSERT INTO function_urls (function_id, account_id, name, auth, hmac_secret) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (function_id) DO UPDATE SET auth = EXCLUDED.auth, hmac_secret = EXCLUDED.hmac_secret`,
        [fn.id, p.accountId, p.name, p.auth, secret],
      );
      return {
        functionUrl: `/fn/${encodeURIComponent(p.name)}`,
        auth: p.auth,
        ...(secret === null ? {} : { hmacSecret: secret }),
      };
    },

    async handle(request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) {
      const rows = (
        await deps.pool.query<UrlRow>('SELECT * FROM function_urls WHERE name = $1', [request.params.name])
      ).rows;
      const body = typeof request.body === 'string' ? request.body : '';
      const row = await authorise(rows, request, body, deps.accounts);
      const event = urlEvent(request, body);
      const result = await deps.functions.invoke({
        accountId: row.account_id,
        name: row.name,
        payload: event,
      });
      if (result.functionError !== undefined)
        return reply.status(502).send({
          error: {
            code: 'FunctionError',
            message: 'the function failed',
            details: result.payload as Record<string, unknown>,
          },
        });
      const out = result.payload as {
        statusCode?: unknown;
        headers?: Record<string, string>;
        body?: unknown;
      };
      if (out !== null && typeof out === 'object' && typeof out.statusCode === 'number') {
        return reply
          .status(out.statusCode)
          .headers(out.headers ?? {})
          .send(typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? ''));
      }
      return reply.status(200).send(result.payload);
    },
  };
}

async function authorise(
  rows: UrlRow[],
  request: FastifyRequest,
  body: string,
  accounts: AccountsService,
): Promise<UrlRow> {
  if (rows.length === 0) throw new NotFoundError('function URL', (request.params as { name: string }).name);
  const signature = request.headers[SIGNATURE_HEADER];
  const signed = rows.find(
    (r) =>
      r.auth === 'HMAC' &&
      r.hmac_secret !== null &&
      signatureMatches(r.hmac_secret, body, typeof signature === 'string' ? signature : undefined),
  );
  if (signed !== undefined) return signed;
  const key = request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer\s+/i, '');
  if (typeof key !== 'string' || key === '')
    throw new UnauthenticatedError('a function URL needs an API key or a valid signature');
  const principal = await accounts.authenticate(key);
  const row = rows.find((r) => r.account_id === principal.accountId && r.auth === 'API_KEY');
  if (row === undefined)
    throw new DbplaneError(ErrorCode.Forbidden, 'this function URL does not take API keys of your account');
  return row;
}

function urlEvent(request: FastifyRequest, body: string) {
  const [path = '/', query = ''] = request.url.split('?');
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: query,
    headers: Object.fromEntries(
      Object.entries(request.headers).filter(([k]) => k !== 'x-api-key' && k !== 'authorization'),
    ),
    queryStringParameters: Object.fromEntries(new URLSearchParams(query)),
    requestContext: {
      http: { method: request.method, path, sourceIp: request.ip },
      requestId: request.id,
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

export type FunctionUrls = ReturnType<typeof createFunctionUrls>;
