import type { Command } from 'commander';
import type { CommandContext } from '../cli/commands.js';

type Key = { keyId: string; arn: string; currentVersion: number };

/** `dbplane kms list|create|rotate`. */
export function registerKmsCommands(program: Command, ctx: CommandContext): void {
  const cmd = program.command('kms').description('region keys that encrypt secrets');
  const REGION = [
    '--region <region>',
    "another region's keys (a copy to it is encrypted under one)",
  ] as const;
  const inRegion = (o: { region?: string | undefined }) =>
    o.region === undefined ? '' : `?region=${encodeURIComponent(o.region)}`;
  cmd
    .command('list')
    .option(...REGION)
    .action(async (o: { region?: string }) => {
      const r = await (await ctx.api()).call<{ keys: Record<string, unknown>[] }>(
        'GET',
        `/v1/kms-keys${inRegion(o)}`,
      );
      ctx.out().table(r.keys, ['keyId', 'alias', 'currentVersion', 'createdAt'], r);
    });
  cmd
    .command('create')
    .option('--alias <alias>', 'alias/...')
    .option('--description <text>')
    .option(...REGION)
    .action(async ({ region, ...body }: { alias?: string; description?: string; region?: string }) => {
      const r = await (await ctx.api()).call<Key>('POST', `/v1/kms-keys${inRegion({ region })}`, body);
      ctx.out().value(r, () => `created ${r.arn}`);
    });
  cmd
    .command('rotate <key>')
    .description('new key material; old versions still decrypt')
    .option(...REGION)
    .action(async (key: string, o: { region?: string }) => {
      const path = `/v1/kms-keys/${encodeURIComponent(key)}/rotate${inRegion(o)}`;
      const r = await (await ctx.api()).call<Key>('POST', path);
      ctx.out().value(r, () => `${r.arn} now at version ${r.currentVersion}`);
    });
}
