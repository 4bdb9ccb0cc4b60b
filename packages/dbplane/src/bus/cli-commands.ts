import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandContext } from '../cli/commands.js';

/** A JSON option: inline JSON, or `file://path` / `@path` to read it from a file. */
export async function jsonOption(value: string | undefined, flag: string): Promise<unknown> {
  if (value === undefined) return undefined;
  const file = value.startsWith('file://')
    ? value.slice(7)
    : value.startsWith('@')
      ? value.slice(1)
      : undefined;
  const text = file === undefined ? value : await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${flag} is not valid JSON`);
  }
}

const q = (bus: string | undefined) => (bus === undefined ? '' : `?eventBusName=${encodeURIComponent(bus)}`);
const rulePath = (name: string, rest = '') => `/v1/rules/${encodeURIComponent(name)}${rest}`;
type Api = Awaited<ReturnType<CommandContext['api']>>;
type Json = Record<string, unknown>;

/** `dbplane events put`. */
export function registerEventsCommands(program: Command, ctx: CommandContext): void {
  program
    .command('events')
    .description('the event bus')
    .command('put')
    .description('put events (PutEvents)')
    .option('--entries <json>', 'a JSON array of entries (or @file)')
    .option('--source <source>', 'one entry: its source')
    .option('--detail-type <type>', 'one entry: its detail-type')
    .option('--detail <json>', 'one entry: its detail (JSON or @file)', '{}')
    .option('--event-bus <name>', 'one entry: its bus')
    .action(
      async (o: {
        entries?: string;
        source?: string;
        detailType?: string;
        detail: string;
        eventBus?: string;
      }) => {
        const entries = (await jsonOption(o.entries, '--entries')) ?? [
          {
            source: o.source,
            detailType: o.detailType,
            detail: await jsonOption(o.detail, '--detail'),
            ...(o.eventBus ? { eventBusName: o.eventBus } : {}),
          },
        ];
        const res = await (await ctx.api()).call<{ failedEntryCount: number; entries: Json[] }>(
          'POST',
          '/v1/events',
          { entries },
        );
        ctx
          .out()
          .value(res, () =>
            res.entries
              .map((e) => (e.eventId ? `${e.eventId}` : `failed: ${e.errorCode} ${e.errorMessage}`))
              .join('\n'),
          );
      },
    );
}

/** `dbplane rules create|list|describe|delete|enable|disable|put-targets|list-targets|remove-targets`. */
export function registerRulesCommands(program: Command, ctx: CommandContext): void {
  const rules = program.command('rules').description('event bus rules and their targets');
  const api = (): Promise<Api> => ctx.api();
  rules
    .command('create <name>')
    .description('create or update a rule (PutRule)')
    .option('--event-pattern <json>', 'the event pattern (JSON or @file)')
    .option('--schedule <expression>', 'a schedule expression: rate(...), cron(...), at(...)')
    .option('--event-bus <name>', 'the bus', 'default')
    .option('--description <text>')
    .option('--disabled', 'create it disabled')
    .action(
      async (
        name: string,
        o: {
          eventPattern?: string;
          schedule?: string;
          eventBus: string;
          description?: string;
          disabled?: boolean;
        },
      ) => {
        const body = {
          name,
          eventBusName: o.eventBus,
          ...(o.eventPattern ? { eventPattern: await jsonOption(o.eventPattern, '--event-pattern') } : {}),
          ...(o.schedule ? { scheduleExpression: o.schedule } : {}),
          ...(o.description ? { description: o.description } : {}),
          state: o.disabled ? 'DISABLED' : 'ENABLED',
        };
        const r = await (await api()).call<{ arn: string }>('POST', '/v1/rules', body);
        ctx.out().value(r, () => `created ${r.arn}`);
      },
    );
  rules
    .command('list')
    .option('--event-bus <name>')
    .option('--prefix <prefix>')
    .action(async (o: { eventBus?: string; prefix?: string }) => {
      const params = new URLSearchParams({
        ...(o.eventBus ? { eventBusName: o.eventBus } : {}),
        ...(o.prefix ? { prefix: o.prefix } : {}),
      });
      const r = await (await api()).call<{ rules: Json[] }>('GET', `/v1/rules?${params}`);
      ctx.out().table(r.rules, ['name', 'state', 'eventBusName', 'scheduleExpression'], r);
    });
  const simple = (cmd: string, method: string, rest: string, text: (name: string) => string) =>
    rules
      .command(`${cmd} <name>`)
      .option('--event-bus <name>')
      .action(async (name: string, o: { eventBus?: string }) => {
        const r = await (await api()).call<Json>(method, `${rulePath(name, rest)}${q(o.eventBus)}`);
        ctx.out().value(r, () => (cmd === 'describe' ? JSON.stringify(r, null, 2) : text(name)));
      });
  simple('describe', 'GET', '', () => '');
  simple('delete', 'DELETE', '', (n) => `deleted rule "${n}"`);
  simple('enable', 'POST', '/enable', (n) => `enabled rule "${n}"`);
  simple('disable', 'POST', '/disable', (n) => `disabled rule "${n}"`);
  rules
    .command('put-targets <name>')
    .requiredOption('--targets <json>', 'a JSON array of targets (or @file)')
    .option('--event-bus <name>')
    .action(async (name: string, o: { targets: string; eventBus?: string }) => {
      const targets = await jsonOption(o.targets, '--targets');
      const r = await (await api()).call<Json>('PUT', `${rulePath(name, '/targets')}${q(o.eventBus)}`, {
        targets,
      });
      ctx.out().value(r, () => `put targets on rule "${name}"`);
    });
  rules
    .command('list-targets <name>')
    .option('--event-bus <name>')
    .action(async (name: string, o: { eventBus?: string }) => {
      const r = await (await api()).call<{ targets: Json[] }>(
        'GET',
        `${rulePath(name, '/targets')}${q(o.eventBus)}`,
      );
      ctx.out().table(r.targets, ['id', 'arn'], r);
    });
  rules
    .command('remove-targets <name> <ids...>')
    .option('--event-bus <name>')
    .action(async (name: string, ids: string[], o: { eventBus?: string }) => {
      const client = await api();
      for (const id of ids)
        await client.call(
          'DELETE',
          `${rulePath(name, `/targets/${encodeURIComponent(id)}`)}${q(o.eventBus)}`,
        );
      ctx.out().value({ removed: ids }, () => `removed ${ids.join(', ')} from rule "${name}"`);
    });
}
