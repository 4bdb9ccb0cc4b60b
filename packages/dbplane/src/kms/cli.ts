import type { Command } from 'commander';
import type { CommandContext } from '../cli/commands.js';

type Key = { keyId: string; arn: string; currentVersion: number };

/** `dbplane kms list|create|rotate`. */
export function registerKmsCommands(program: Command, ctx: CommandContext): void {
  const cmd = program.command('kms').description('region keys that encrypt secrets');
  cmd.command('list').action(async () => {
    const r = await (await ctx.api()).call<{ keys: Record<string, unknown>[] }>('GET', '/v1/kms-keys');
    ctx.out().table(r.keys, ['keyId', 'alias', 'currentVersion', 'createdAt'], r);
  });
  cmd
    .command('create')
    .option('--alias <alias>', 'alias/...')
    .option('--description <text>')
    .action(async (o: { alias?: string; description?: string }) => {
      const r = await (await ctx.api()).call<Key>('POST', '/v1/kms-keys', o);
      ctx.out().value(r, () => `created ${r.arn}`);
    });
  cmd
    .command('rotate <key>')
    .description('new key material; old versions still decrypt')
    .action(async (key: string) => {
      const r = await (await ctx.api()).call<Key>('POST', `/v1/kms-keys/${encodeURIComponent(key)}/rotate`);
      ctx.out().value(r, () => `${r.arn} now at version ${r.currentVersion}`);
    });
}
