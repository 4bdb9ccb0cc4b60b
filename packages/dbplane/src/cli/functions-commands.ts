import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from './commands.js';

const path = (name: string, rest = '') => `/v1/functions/${encodeURIComponent(name)}${rest}`;

/** `--code DIR` (zipped by the server, which must see the path) or `--zip FILE` (uploaded). */
async function code(o: { code?: string; zip?: string }): Promise<{ path: string } | { zipBase64: string }> {
  if (o.zip !== undefined) return { zipBase64: (await readFile(o.zip)).toString('base64') };
  if (o.code !== undefined) return { path: resolve(o.code) };
  throw new Error('give the code with --code <dir> or --zip <file>');
}

function environment(pairs: string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined;
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** `dbplane fn create|update-code|update-config|invoke|list|logs|delete`. */
export function registerFunctionCommands(program: Command, ctx: CommandContext): void {
  const fn = program.command('fn').description('functions');
  fn.command('create <name>')
    .requiredOption('--handler <file.export>', 'e.g. index.handler')
    .option('--code <dir>', 'a directory the server can read')
    .option('--zip <file>', 'a zip to upload')
    .option('--timeout <seconds>', 'timeout in seconds', '3')
    .option('--memory <mb>', 'heap limit in MB', '128')
    .option('--env <KEY=VALUE...>', 'environment variables')
    .action(
      async (
        name: string,
        o: { handler: string; code?: string; zip?: string; timeout: string; memory: string; env?: string[] },
      ) => {
        const body = {
          name,
          handler: o.handler,
          code: await code(o),
          timeoutSeconds: Number(o.timeout),
          memoryMb: Number(o.memory),
          ...(o.env ? { environment: environment(o.env) } : {}),
        };
        const f = await (await ctx.api()).call<{ arn: string }>('POST', '/v1/functions', body);
        ctx.out().value(f, () => `created ${f.arn}`);
      },
    );
  fn.command('update-code <name>')
    .option('--code <dir>', 'a directory the server can read')
    .option('--zip <file>', 'a zip to upload')
    .action(async (name: string, o: { code?: string; zip?: string }) => {
      const f = await (await ctx.api()).call<{ codeSha256: string }>(
        'PUT',
        path(name, '/code'),
        await code(o),
      );
      ctx.out().value(f, () => `updated the code of ${name} (sha256 ${f.codeSha256})`);
    });
  fn.command('update-config <name>')
    .option('--timeout <seconds>', 'timeout in seconds')
    .option('--memory <mb>', 'heap limit in MB')
    .option('--env <KEY=VALUE...>', 'environment variables (replaces them all)')
    .action(async (name: string, o: { timeout?: string; memory?: string; env?: string[] }) => {
      const body = {
        ...(o.timeout ? { timeoutSeconds: Number(o.timeout) } : {}),
        ...(o.memory ? { memoryMb: Number(o.memory) } : {}),
        ...(o.env ? { environment: environment(o.env) } : {}),
      };
      const f = await (await ctx.api()).call<Record<string, unknown>>(
        'PUT',
        path(name, '/configuration'),
        body,
      );
      ctx.out().value(f, () => `updated the configuration of ${name}`);
    });
  fn.command('invoke <name>')
    .option('--payload <json>', 'the event', '{}')
    .option('--qualifier <version|alias>', 'a version or an alias')
    .action(async (name: string, o: { payload: string; qualifier?: string }) => {
      const payload: unknown = JSON.parse(o.payload);
      const r = await (await ctx.api()).call<{ payload: unknown; functionError?: string }>(
        'POST',
        path(name, '/invocations'),
        {
          payload,
          ...(o.qualifier ? { qualifier: o.qualifier } : {}),
        },
      );
      ctx.out().value(r, () => JSON.stringify(r.payload, null, 2));
      if (r.functionError !== undefined) process.exitCode = 1;
    });
  fn.command('list').action(async () => {
    const page = await (await ctx.api()).call<{ functions: Record<string, unknown>[] }>(
      'GET',
      '/v1/functions?limit=1000',
    );
    ctx
      .out()
      .table(
        page.functions,
        ['name', 'handler', 'runtime', 'timeoutSeconds', 'memoryMb', 'lastModified'],
        page,
      );
  });
  fn.command('logs <name>')
    .option('--follow', 'keep printing new lines')
    .action(async (name: string, o: { follow?: boolean }) => {
      const api = await ctx.api();
      let after = 0;
      for (;;) {
        const page = await api.call<{
          lines: { seq: number; time: string; requestId: string; line: string }[];
        }>('GET', path(name, `/logs?after=${after}`));
        for (const l of page.lines) process.stdout.write(`${l.time} ${l.requestId.slice(0, 8)} ${l.line}\n`);
        after = page.lines.at(-1)?.seq ?? after;
        if (!o.follow) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    });
  fn.command('delete <name>').action(async (name: string) => {
    const f = await (await ctx.api()).call<{ arn: string }>('DELETE', path(name));
    ctx.out().value(f, () => `deleted ${f.arn}`);
  });
}
