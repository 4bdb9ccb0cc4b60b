import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { CommandContext } from './commands.js';

async function readDefinition(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.yaml') || file.endsWith('.yml') ? parseYaml(text) : JSON.parse(text);
}

function parseInput(input: string | undefined): unknown {
  if (input === undefined) return {};
  try {
    return JSON.parse(input);
  } catch {
    throw new Error(`--input is not valid JSON: ${input}`);
  }
}

const path = (machine: string, rest = '') => `/v1/state-machines/${encodeURIComponent(machine)}${rest}`;

/** `dbplane sm create|update|list|describe|delete`. */
export function registerStateMachineCommands(program: Command, ctx: CommandContext): void {
  const sm = program.command('sm').description('state machines');
  sm.command('create <name>')
    .description('create a state machine from an ASL file (JSON or YAML)')
    .requiredOption('-f, --file <file>', 'the definition')
    .option('--type <type>', 'STANDARD | EXPRESS', 'STANDARD')
    .option('--role-arn <arn>', 'execution role')
    .option('--publish', 'publish version 1')
    .action(async (name: string, o: { file: string; type: string; roleArn?: string; publish?: boolean }) => {
      const body = {
        name,
        definition: await readDefinition(o.file),
        type: o.type,
        ...(o.roleArn ? { roleArn: o.roleArn } : {}),
        publish: o.publish === true,
      };
      const res = await (await ctx.api()).call<{ stateMachine: { arn: string; revision: number } }>(
        'POST',
        '/v1/state-machines',
        body,
      );
      ctx.out().value(res, () => `created ${res.stateMachine.arn}`);
    });
  sm.command('update <name>')
    .description('update the definition (a new revision)')
    .requiredOption('-f, --file <file>', 'the definition')
    .option('--publish', 'publish a version of the new revision')
    .action(async (name: string, o: { file: string; publish?: boolean }) => {
      const res = await (await ctx.api()).call<{ stateMachine: { arn: string; revision: number } }>(
        'PATCH',
        path(name),
        {
          definition: await readDefinition(o.file),
          publish: o.publish === true,
        },
      );
      ctx.out().value(res, () => `updated ${res.stateMachine.arn} (revision ${res.stateMachine.revision})`);
    });
  sm.command('list').action(async () => {
    const page = await (await ctx.api()).call<{ stateMachines: Record<string, unknown>[] }>(
      'GET',
      '/v1/state-machines?limit=1000',
    );
    ctx.out().table(page.stateMachines, ['name', 'type', 'revision', 'builtin', 'updatedAt'], page);
  });
  sm.command('describe <name>').action(async (name: string) => {
    const m = await (await ctx.api()).call<Record<string, unknown>>('GET', path(name));
    ctx.out().value(m, () => JSON.stringify(m, null, 2));
  });
  sm.command('delete <name>').action(async (name: string) => {
    const m = await (await ctx.api()).call<{ arn: string }>('DELETE', path(name));
    ctx.out().value(m, () => `deleted ${m.arn}; running executions finish`);
  });
}

interface Exec {
  executionArn: string;
  name: string;
  status: string;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** `dbplane exec start|list|describe|history|stop|redrive|watch`. */
export function registerExecutionCommands(program: Command, ctx: CommandContext): void {
  const exec = program.command('exec').description('executions');
  exec
    .command('start <machine>')
    .description('start an execution (machine, machine:version or machine:alias)')
    .option('--name <name>', 'execution name (idempotent)')
    .option('--input <json>', 'input JSON', '{}')
    .option('--wait', 'wait for the end and show the output')
    .action(async (machine: string, o: { name?: string; input?: string; wait?: boolean }) => {
      const api = await ctx.api();
      const started = await api.call<{ executionArn: string; name: string }>(
        'POST',
        path(machine, '/executions'),
        {
          input: parseInput(o.input),
          ...(o.name ? { name: o.name } : {}),
        },
      );
      if (!o.wait) return ctx.out().value(started, () => `started ${started.executionArn}`);
      const done = await watch(ctx, machine.split(':')[0] ?? machine, started.name, false);
      process.exitCode = done.status === 'SUCCEEDED' ? 0 : 1;
    });
  exec
    .command('list <machine>')
    .option('--status <status>', 'RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED')
    .action(async (machine: string, o: { status?: string }) => {
      const q = o.status ? `?status=${o.status}&limit=1000` : '?limit=1000';
      const page = await (await ctx.api()).call<{ executions: Record<string, unknown>[] }>(
        'GET',
        path(machine, `/executions${q}`),
      );
      ctx.out().table(page.executions, ['name', 'status', 'startDate', 'stopDate', 'error'], page);
    });
  exec.command('describe <machine> <execution>').action(async (machine: string, name: string) => {
    const e = await (await ctx.api()).call<Exec>(
      'GET',
      path(machine, `/executions/${encodeURIComponent(name)}`),
    );
    ctx.out().value(e, () => JSON.stringify(e, null, 2));
  });
  exec
    .command('history <machine> <execution>')
    .option('--reverse', 'newest first')
    .action(async (machine: string, name: string, o: { reverse?: boolean }) => {
      const q = `?limit=1000${o.reverse ? '&reverseOrder=true' : ''}`;
      const page = await (await ctx.api()).call<{ events: Record<string, unknown>[] }>(
        'GET',
        path(machine, `/executions/${encodeURIComponent(name)}/history${q}`),
      );
      const rows = page.events.map((e) => ({ ...e, detail: stateName(e) }));
      ctx.out().table(rows, ['id', 'timestamp', 'type', 'detail'], page);
    });
  exec
    .command('stop <machine> <execution>')
    .option('--error <error>', 'error name')
    .option('--cause <cause>', 'cause')
    .action(async (machine: string, name: string, o: { error?: string; cause?: string }) => {
      const r = await (await ctx.api()).call<{ stopDate: string }>(
        'POST',
        path(machine, `/executions/${encodeURIComponent(name)}/stop`),
        o,
      );
      ctx.out().value(r, () => `stopped at ${r.stopDate}`);
    });
  exec.command('redrive <machine> <execution>').action(async (machine: string, name: string) => {
    const r = await (await ctx.api()).call<{ redriveDate: string }>(
      'POST',
      path(machine, `/executions/${encodeURIComponent(name)}/redrive`),
    );
    ctx.out().value(r, () => `redriven at ${r.redriveDate}`);
  });
  exec
    .command('watch <machine> <execution>')
    .description('follow an execution live, state by state')
    .action(async (machine: string, name: string) => {
      const done = await watch(ctx, machine, name, true);
      process.exitCode = done.status === 'SUCCEEDED' ? 0 : 1;
    });
}

function stateName(e: Record<string, unknown>): string {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventDetails') && v !== null && typeof v === 'object') {
      const d = v as Record<string, unknown>;
      return String(d.name ?? d.resource ?? d.error ?? '');
    }
  }
  return '';
}

async function watch(ctx: CommandContext, machine: string, name: string, verbose: boolean): Promise<Exec> {
  const api = await ctx.api();
  const out = ctx.out();
  let after = 0;
  for (;;) {
    const page = await api.call<{ events: { id: number; type: string; timestamp: string }[] }>(
      'GET',
      path(machine, `/executions/${encodeURIComponent(name)}/history?limit=1000`),
    );
    for (const e of page.events.filter((x) => x.id > after)) {
      if (verbose)
        out.note(`${e.timestamp}  ${e.type}  ${stateName(e as unknown as Record<string, unknown>)}`);
      after = e.id;
    }
    const exec = await api.call<Exec>('GET', path(machine, `/executions/${encodeURIComponent(name)}`));
    if (exec.status !== 'RUNNING') {
      out.value(
        exec,
        () =>
          `${exec.status}${exec.error ? ` ${exec.error}: ${exec.cause ?? ''}` : ''}\n${JSON.stringify(exec.output ?? null, null, 2)}`,
      );
      return exec;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
