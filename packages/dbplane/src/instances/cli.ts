import type { Command } from 'commander';
import ora from 'ora';
import { ApiCallError } from '../cli/client.js';
import type { CommandContext } from '../cli/commands.js';
import { DbplaneError } from '../errors/index.js';

/** A resource with a lifecycle, as the instances and databases APIs answer it. */
export interface Tracked {
  name: string;
  status: string;
  statusReason?: string | null | undefined;
  endpoint?: { host: string; port: number } | null;
}

type Instance = Tracked & { arn: string; engine: string; provider: string; version: string | null };

const POLL_MS = 200;
const WAIT_LIMIT_MS = 15 * 60_000;
const path = (name: string, rest = '') => `/v1/instances/${encodeURIComponent(name)}${rest}`;

/** `host:port`, or `-` while there is no endpoint yet. */
export const endpointText = (e: Tracked['endpoint']): string => (e ? `${e.host}:${e.port}` : '-');

/** Aligned `key  value` lines of the given fields (empty ones as `-`). */
export function fieldLines(value: Record<string, unknown>, keys: readonly string[]): string {
  const width = Math.max(...keys.map((k) => k.length));
  const cell = (v: unknown) =>
    v === null || v === undefined || v === '' ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return keys
    .map(
      (k) =>
        `${k.padEnd(width)}  ${cell(k === 'endpoint' ? endpointText(value[k] as Tracked['endpoint']) : value[k])}`,
    )
    .join('\n');
}

/**
 * Polls `GET path` until the resource reaches `target` (`gone`: answers 404),
 * with a spinner on a terminal and a note per status change elsewhere.
 * A `failed` status throws `failedCode` with the resource's `statusReason`.
 *
 * @example
 * const db = await waitFor(ctx, '/v1/databases/orders', 'database orders', 'available', 'DatabaseFailed');
 */
export async function waitFor<T extends Tracked>(
  ctx: CommandContext,
  resourcePath: string,
  label: string,
  target: string,
  failedCode: string,
): Promise<T | undefined> {
  const api = await ctx.api();
  const progress = createProgress(ctx, label);
  const started = Date.now();
  try {
    for (;;) {
      const r = await api.call<T>('GET', resourcePath).catch((err: unknown) => {
        if (target === 'gone' && err instanceof ApiCallError && err.status === 404) return undefined;
        throw err;
      });
      const status = r?.status ?? 'gone';
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (status === target) {
        progress.end(true, `${label}: ${status} after ${seconds}s`);
        return r;
      }
      if (status === 'failed') {
        progress.end(false, `${label}: failed after ${seconds}s`);
        throw new DbplaneError(failedCode, `${label} failed: ${r?.statusReason ?? 'no reason given'}`);
      }
      progress.update(status, seconds);
      if (Date.now() - started > WAIT_LIMIT_MS) {
        progress.end(false, `${label}: gave up after ${seconds}s`);
        throw new DbplaneError('WaitTimedOut', `${label} is still ${status} after ${seconds}s`);
      }
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  } finally {
    progress.stop();
  }
}

/** A spinner on a terminal; elsewhere (pipes, CI) one stderr line per status change. */
function createProgress(ctx: CommandContext, label: string) {
  const out = ctx.out();
  const spinner = process.stderr.isTTY ? ora({ text: label, stream: process.stderr }).start() : undefined;
  let last = '';
  return {
    update(status: string, seconds: string) {
      if (spinner !== undefined) spinner.text = `${label}: ${status} (${seconds}s)`;
      else if (status !== last) out.note(`${label}: ${status}`);
      last = status;
    },
    end(ok: boolean, message: string) {
      if (spinner === undefined) out.note(message);
      else if (ok) spinner.succeed(message);
      else spinner.fail(message);
    },
    stop() {
      if (spinner?.isSpinning) spinner.stop();
    },
  };
}

const COLUMNS = ['name', 'engine', 'provider', 'status', 'endpoint', 'version'] as const;
const FIELDS = [
  'name',
  'arn',
  'engine',
  'provider',
  'version',
  'status',
  'statusReason',
  'endpoint',
  'adminSecretArn',
  'deletionProtection',
  'executionArn',
  'createdAt',
  'updatedAt',
] as const;

const show = (i: Instance) => fieldLines(i as unknown as Record<string, unknown>, FIELDS);

/** `dbplane instances create|list|describe|start|stop|reboot|delete`. */
export function registerInstanceCommands(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('instances')
    .description('database servers: local ones dbplane runs, external ones');
  const wait = (name: string, target: string) =>
    waitFor<Instance>(ctx, path(name), `instance ${name}`, target, 'InstanceFailed');
  cmd
    .command('create <name>')
    .description('create a local instance or register an external server')
    .requiredOption('--engine <engine>', 'postgres | mysql')
    .requiredOption('--provider <provider>', 'local | external')
    .option(
      '--url <url>',
      'admin URL of an external server, e.g. postgres://postgres@127.0.0.1:5432/postgres',
    )
    .option('--engine-version <version>', 'server version (local instances)')
    .option('--deletion-protection', 'refuse deletion until turned off')
    .option('--wait', 'wait until it is available')
    .action(
      async (
        name: string,
        o: {
          engine: string;
          provider: string;
          url?: string;
          engineVersion?: string;
          deletionProtection?: boolean;
          wait?: boolean;
        },
      ) => {
        const body = {
          name,
          engine: o.engine,
          provider: o.provider,
          ...(o.url === undefined ? {} : { url: o.url }),
          ...(o.engineVersion === undefined ? {} : { version: o.engineVersion }),
          ...(o.deletionProtection ? { deletionProtection: true } : {}),
        };
        let i = await (await ctx.api()).call<Instance>('POST', '/v1/instances', body);
        if (o.wait) i = (await wait(name, 'available')) ?? i;
        ctx
          .out()
          .value(i, () => `${i.status === 'available' ? 'created' : 'creating'} ${i.arn} (${i.status})`);
      },
    );
  cmd.command('list').action(async () => {
    const page = await (await ctx.api()).call<{ instances: Instance[] }>('GET', '/v1/instances?limit=1000');
    const rows = page.instances.map((i) => ({ ...i, endpoint: endpointText(i.endpoint) }));
    ctx.out().table(rows, COLUMNS, page);
  });
  cmd.command('describe <name>').action(async (name: string) => {
    const i = await (await ctx.api()).call<Instance>('GET', path(name));
    ctx.out().value(i, () => show(i));
  });
  const actions = { start: 'available', stop: 'stopped', reboot: 'available' } as const;
  for (const [action, target] of Object.entries(actions)) {
    cmd
      .command(`${action} <name>`)
      .description(`${action} a local instance`)
      .option('--wait', `wait until it is ${target}`)
      .action(async (name: string, o: { wait?: boolean }) => {
        let i = await (await ctx.api()).call<Instance>('POST', path(name, `/${action}`));
        if (o.wait) i = (await wait(name, target)) ?? i;
        ctx.out().value(i, () => `${name}: ${i.status}`);
      });
  }
  cmd
    .command('delete <name>')
    .option('--wait', 'wait until it is gone')
    .action(async (name: string, o: { wait?: boolean }) => {
      const i = await (await ctx.api()).call<Instance>('DELETE', path(name));
      if (o.wait) await wait(name, 'gone');
      ctx
        .out()
        .value(o.wait ? { ...i, status: 'deleted' } : i, () => `${o.wait ? 'deleted' : 'deleting'} ${i.arn}`);
    });
}
