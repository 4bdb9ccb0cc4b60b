import type { Command } from 'commander';
import type { ApiClient } from './client.js';
import type { Printer } from './output.js';

/** What every client command receives: an API client and a printer. */
export interface CommandContext {
  api(): Promise<ApiClient>;
  out(): Printer;
}

/** `dbplane status`: is the server up and ready. */
export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description('show whether the server answers and is ready')
    .action(async () => {
      const api = await ctx.api();
      const health = await api.call<{ status: string }>('GET', '/healthz');
      const ready = await api
        .call<{ status: string; reason?: string }>('GET', '/readyz')
        .catch((err: Error) => ({
          status: 'not-ready',
          reason: err.message,
        }));
      const status = {
        endpoint: api.endpoint,
        health: health.status,
        ready: ready.status,
        reason: ready.reason,
      };
      ctx
        .out()
        .value(status, () =>
          [
            `endpoint  ${status.endpoint}`,
            `health    ${status.health}`,
            `ready     ${status.ready}${status.reason ? ` (${status.reason})` : ''}`,
          ].join('\n'),
        );
    });
}

/** `dbplane keys create|list|revoke`. */
export function registerKeys(program: Command, ctx: CommandContext): void {
  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create <name>')
    .description('create a key; its secret is shown once')
    .option('--role <role>', 'admin | operator | viewer', 'viewer')
    .option('--description <text>', 'what the key is for')
    .action(async (name: string, opts: { role: string; description?: string }) => {
      const key = await (await ctx.api()).call<{ name: string; role: string; secret: string }>(
        'POST',
        '/v1/api-keys',
        {
          name,
          role: opts.role,
          ...(opts.description === undefined ? {} : { description: opts.description }),
        },
      );
      ctx
        .out()
        .value(key, () => `created ${key.role} key "${key.name}"; its secret (shown once):\n${key.secret}`);
    });
  keys
    .command('list')
    .description('list keys (no secrets)')
    .action(async () => {
      const page = await (await ctx.api()).call<{ apiKeys: Record<string, unknown>[] }>(
        'GET',
        '/v1/api-keys?limit=1000',
      );
      ctx
        .out()
        .table(page.apiKeys, ['name', 'role', 'status', 'createdAt', 'createdBy', 'description'], page);
    });
  keys
    .command('revoke <name>')
    .description('revoke a key at once')
    .action(async (name: string) => {
      const key = await (await ctx.api()).call<{ name: string }>(
        'DELETE',
        `/v1/api-keys/${encodeURIComponent(name)}`,
      );
      ctx.out().value(key, () => `revoked key "${key.name}"`);
    });
}

/** `dbplane audit list`. */
export function registerAudit(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description('list audit records, newest first')
    .option('--action <action>', 'only this action, e.g. CreateApiKey')
    .option('--service <service>', 'only this service, e.g. iam')
    .option('--key <name>', 'only calls made with this key')
    .option('--errors', 'only failed calls')
    .option('--limit <n>', 'how many', '50')
    .action(
      async (opts: { action?: string; service?: string; key?: string; errors?: boolean; limit: string }) => {
        const q = new URLSearchParams({ limit: opts.limit });
        if (opts.action) q.set('action', opts.action);
        if (opts.service) q.set('service', opts.service);
        if (opts.key) q.set('keyName', opts.key);
        if (opts.errors) q.set('errorsOnly', 'true');
        const page = await (await ctx.api()).call<{ records: Record<string, unknown>[] }>(
          'GET',
          `/v1/audit?${q}`,
        );
        const rows = page.records.map((r) => ({ ...r, key: (r.principal as { keyName?: string })?.keyName }));
        ctx.out().table(rows, ['eventTime', 'key', 'action', 'resourceArn', 'statusCode', 'errorCode'], page);
      },
    );
}
