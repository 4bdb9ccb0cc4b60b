import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandContext } from '../cli/commands.js';
import { registerRotationCommands } from './rotation/cli.js';

const path = (name: string, rest = '') => `/v1/secrets/${encodeURIComponent(name)}${rest}`;

/** A value from `--secret-string` (or `@file`), or `--secret-binary-file` read as base64. */
async function readValue(o: { secretString?: string; secretBinaryFile?: string }) {
  if (o.secretBinaryFile !== undefined)
    return { secretBinary: (await readFile(o.secretBinaryFile)).toString('base64') };
  if (o.secretString === undefined) return {};
  const s = o.secretString.startsWith('@') ? await readFile(o.secretString.slice(1), 'utf8') : o.secretString;
  return { secretString: s };
}

type Ack = { arn: string; name: string; versionId?: string };

/** `dbplane secrets create|get|put|describe|list|delete|restore|rotate|cancel-rotation`. */
export function registerSecretsCommands(program: Command, ctx: CommandContext): void {
  const cmd = program.command('secrets').description('secrets (Secrets Manager semantics)');
  cmd
    .command('create <name>')
    .option('--secret-string <value>', 'the value, or @file')
    .option('--secret-binary-file <file>', 'a binary value from a file')
    .option('--description <text>')
    .option('--kms-key-id <key>', 'key id, ARN or alias')
    .action(async (name: string, o: Record<string, string>) => {
      const body = { name, ...(await readValue(o)), description: o.description, kmsKeyId: o.kmsKeyId };
      const r = await (await ctx.api()).call<Ack>('POST', '/v1/secrets', body);
      ctx.out().value(r, () => `created ${r.arn}`);
    });
  cmd
    .command('get <name>')
    .description('print the value (AWSCURRENT unless a version or stage is given)')
    .option('--version-id <id>')
    .option('--version-stage <stage>')
    .action(async (name: string, o: { versionId?: string; versionStage?: string }) => {
      const q = new URLSearchParams({ ...o }).toString();
      const r = await (await ctx.api()).call<{ secretString?: string; secretBinary?: string }>(
        'GET',
        path(name, `/value${q ? `?${q}` : ''}`),
      );
      ctx.out().value(r, () => r.secretString ?? r.secretBinary ?? '');
    });
  cmd
    .command('put <name>')
    .option('--secret-string <value>', 'the value, or @file')
    .option('--secret-binary-file <file>', 'a binary value from a file')
    .option('--client-request-token <token>', 'the version id (idempotency)')
    .option('--version-stages <stages...>')
    .action(async (name: string, o: Record<string, string>) => {
      const body = {
        ...(await readValue(o)),
        clientRequestToken: o.clientRequestToken,
        versionStages: o.versionStages,
      };
      const r = await (await ctx.api()).call<Ack>('PUT', path(name, '/value'), body);
      ctx.out().value(r, () => `version ${r.versionId} of ${r.arn}`);
    });
  cmd.command('describe <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Record<string, unknown>>('GET', path(name));
    ctx.out().value(r, () => JSON.stringify(r, null, 2));
  });
  cmd
    .command('list')
    .option('--prefix <prefix>')
    .action(async (o: { prefix?: string }) => {
      const q = o.prefix ? `&prefix=${encodeURIComponent(o.prefix)}` : '';
      const page = await (await ctx.api()).call<{ secrets: Record<string, unknown>[] }>(
        'GET',
        `/v1/secrets?limit=1000${q}`,
      );
      ctx.out().table(page.secrets, ['name', 'arn', 'lastChangedDate', 'deletionDate'], page);
    });
  cmd
    .command('delete <name>')
    .option('--recovery-window-in-days <days>', '7 to 30 (default 30)')
    .option('--force-delete-without-recovery')
    .action(
      async (name: string, o: { recoveryWindowInDays?: string; forceDeleteWithoutRecovery?: boolean }) => {
        const q = new URLSearchParams();
        if (o.recoveryWindowInDays) q.set('recoveryWindowInDays', o.recoveryWindowInDays);
        if (o.forceDeleteWithoutRecovery) q.set('forceDeleteWithoutRecovery', 'true');
        const r = await (await ctx.api()).call<Ack & { deletionDate: string }>('DELETE', path(name, `?${q}`));
        ctx.out().value(r, () => `${r.arn} deleted on ${r.deletionDate}`);
      },
    );
  cmd.command('restore <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Ack>('POST', path(name, '/restore'));
    ctx.out().value(r, () => `restored ${r.arn}`);
  });
  registerRotationCommands(cmd, ctx);
}
