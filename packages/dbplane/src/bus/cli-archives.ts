import type { Command } from 'commander';
import type { CommandContext } from '../cli/commands.js';
import { jsonOption } from './cli-commands.js';

type Json = Record<string, unknown>;

/** `dbplane archives create|list|describe|delete` and `dbplane replays start|list|describe|cancel`. */
export function registerArchiveCommands(program: Command, ctx: CommandContext): void {
  const archives = program.command('archives').description('event archives');
  archives
    .command('create <name>')
    .option('--event-bus <name>', 'the bus', 'default')
    .option('--event-pattern <json>', 'keep only matching events (JSON or @file)')
    .option('--retention-days <n>', '0 keeps them forever', '0')
    .action(async (name: string, o: { eventBus: string; eventPattern?: string; retentionDays: string }) => {
      const body = {
        name,
        eventBusName: o.eventBus,
        retentionDays: Number(o.retentionDays),
        ...(o.eventPattern ? { eventPattern: await jsonOption(o.eventPattern, '--event-pattern') } : {}),
      };
      const r = await (await ctx.api()).call<{ arn: string }>('POST', '/v1/archives', body);
      ctx.out().value(r, () => `created ${r.arn}`);
    });
  archives.command('list').action(async () => {
    const r = await (await ctx.api()).call<{ archives: Json[] }>('GET', '/v1/archives');
    ctx.out().table(r.archives, ['name', 'eventSourceArn', 'eventCount', 'retentionDays'], r);
  });
  archives.command('describe <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Json>('GET', `/v1/archives/${encodeURIComponent(name)}`);
    ctx.out().value(r, () => JSON.stringify(r, null, 2));
  });
  archives.command('delete <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Json>('DELETE', `/v1/archives/${encodeURIComponent(name)}`);
    ctx.out().value(r, () => `deleted archive "${name}"`);
  });

  const replays = program.command('replays').description('replays of archived events');
  replays
    .command('start <name>')
    .requiredOption('--archive <name>')
    .requiredOption('--from <time>', 'ISO 8601 start of the event time range')
    .requiredOption('--to <time>', 'ISO 8601 end of the event time range')
    .option('--event-bus <name>', "the destination bus (default: the archive's)")
    .option('--rules <names...>', 'only these rules')
    .action(
      async (
        name: string,
        o: { archive: string; from: string; to: string; eventBus?: string; rules?: string[] },
      ) => {
        const body = {
          name,
          archiveName: o.archive,
          eventStartTime: new Date(o.from).toISOString(),
          eventEndTime: new Date(o.to).toISOString(),
          ...(o.eventBus ? { destinationBusName: o.eventBus } : {}),
          ...(o.rules ? { destinationRules: o.rules } : {}),
        };
        const r = await (await ctx.api()).call<{ arn: string }>('POST', '/v1/replays', body);
        ctx.out().value(r, () => `started ${r.arn}`);
      },
    );
  replays.command('list').action(async () => {
    const r = await (await ctx.api()).call<{ replays: Json[] }>('GET', '/v1/replays');
    ctx.out().table(r.replays, ['name', 'archiveName', 'state', 'eventsReplayed'], r);
  });
  replays.command('describe <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Json>('GET', `/v1/replays/${encodeURIComponent(name)}`);
    ctx.out().value(r, () => JSON.stringify(r, null, 2));
  });
  replays.command('cancel <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Json>('POST', `/v1/replays/${encodeURIComponent(name)}/cancel`);
    ctx.out().value(r, () => `cancelled replay "${name}"`);
  });
}
