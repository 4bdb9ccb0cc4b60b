import type { FastifyRequest } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import { type Permission, roleAllows } from '../accounts/types.js';
import { ForbiddenError } from '../errors/index.js';
import type { App } from './types.js';

/** The key from `x-api-key` or `Authorization: Bearer <key>`. */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}

function requiredPermission(request: FastifyRequest): Permission {
  const configured = request.routeOptions.config.permission;
  if (configured !== undefined) return configured;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/**
 * Authenticates every request outside public routes, then checks the role
 * against the route's permission. Runs before the body is parsed, so an
 * unauthorised write changes nothing and is not even validated.
 */
export function installAuth(app: App, accounts: AccountsService): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const isApi = request.url.startsWith('/v1/') || request.url === '/v1';
    if (request.routeOptions.config.public === true || !isApi) return;
    const principal = await accounts.authenticate(presentedKey(request));
    request.principal = principal;
    const permission = requiredPermission(request);
    if (!roleAllows(principal.role, permission)) {
      throw new ForbiddenError(
        `role "${principal.role}" may not ${describe(permission)} (${request.method} ${request.url.split('?')[0]})`,
      );
    }
  });
}

function describe(permission: Permission): string {
  if (permission === 'admin') return 'manage API keys';
  return permission === 'write' ? 'change resources' : 'read resources';
}
