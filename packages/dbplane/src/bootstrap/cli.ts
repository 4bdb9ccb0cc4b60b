import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import ora from 'ora';
import { parse, stringify } from 'yaml';
import type { CommandContext } from '../cli/commands.js';
import { DbplaneError } from '../errors/index.js';
import type { Change } from './index.js';

interface Plan {
  specVersion: number | null;
  changes: Change[];
  problems: { path: string; message: string }[];
}
interface Stored {
  instance: string;
  spec: unknown;
  version: number;
  specHash: string;
  updatedAt: string;
}
interface Result extends Plan {
  kind: string;
  status: string;
  error: string | null;
  executionArn: string | null;
  at: string;
}
interface Execution {
  status: string;
  error?: string;
  cause?: string;
}

const POLL_MS = 200;
const WAIT_LIMIT_MS = 15 * 60_000;
const path = (instance: string, rest = '') =>
  `/v1/instances/${encodeURIComponent(instance)}/bootstrap${rest}`;

/** A spec file (YAML or JSON); a syntax error names the file, line and column. */
async function readSpec(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new DbplaneError('InvalidSpecFile', `${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** `+ create role "a"`, one line per change, and the SQL indented under it. */
function changeLines(changes: readonly Change[], withSql: boolean): string {
  if (changes.length === 0) return 'no changes: the instance is converged';
  const sign = { create: '+', alter: '~', grant: '+', revoke: '-', drop: '-' } as const;
  const lines = changes.map((c) => {
    const head = `${sign[c.action]} ${c.action} ${c.object}`;
    return withSql && c.sql !== undefined ? `${head}\n${c.sql.replace(/^/gm, '    ')}` : head;
  });
  return `${lines.join('\n')}\n${changes.length} change(s)`;
}

const problemLines = (problems: Plan['problems']) =>
  problems.map((p) => `! ${p.path || '/'}: ${p.message}`).join('\n');

/** Polls the execution until it ends, with a spinner on a terminal and a note per status elsewhere. */
async function waitForExecution(ctx: CommandContext, arn: string, label: string): Promise<Execution> {
  const api = await ctx.api();
  const [machine, name] = arn.split(':').slice(-2);
  const url = `/v1/state-machines/${machine}/executions/${name}`;
  const spinner = process.stderr.isTTY ? ora({ text: label, stream: process.stderr }).start() : undefined;
  if (spinner === undefined) ctx.out().note(`${label}: running`);
  const started = Date.now();
  try {
    for (;;) {
      const e = await api.call<Execution>('GET', url);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (e.status !== 'RUNNING') {
        const message = `${label}: ${e.status.toLowerCase()} after ${seconds}s`;
        if (spinner === undefined) ctx.out().note(message);
        else if (e.status === 'SUCCEEDED') spinner.succeed(message);
        else spinner.fail(message);
        return e;
      }
      if (spinner !== undefined) spinner.text = `${label} (${seconds}s)`;
      if (Date.now() - started > WAIT_LIMIT_MS)
        throw new DbplaneError('WaitTimedOut', `${label} is still running after ${seconds}s`);
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  } finally {
    if (spinner?.isSpinning) spinner.stop();
  }
}

/** `dbplane bootstrap plan|apply|show|drift`: an instance's bootstrap spec. */
export function registerBootstrapCommands(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('bootstrap')
    .description("an instance's roles, databases and grants, converged to a spec (YAML or JSON)");
  cmd
    .command('plan')
    .description('show what applying the spec would change (the stored spec without -f); nothing is changed')
    .requiredOption('--instance <name>', 'the instance')
    .option('-f, --file <spec>', 'a spec file, YAML or JSON (not stored)')
    .action(async (o: { instance: string; file?: string }) => {
      const api = await ctx.api();
      const body = o.file === undefined ? undefined : await readSpec(o.file);
      const plan = await api.call<Plan>('POST', path(o.instance, '/plan'), body);
      ctx
        .out()
        .value(plan, () =>
          [changeLines(plan.changes, true), problemLines(plan.problems)].filter(Boolean).join('\n'),
        );
    });
  cmd
    .command('apply')
    .description('store the spec and converge the instance to it, through the dbplane-bootstrap workflow')
    .requiredOption('--instance <name>', 'the instance')
    .requiredOption('-f, --file <spec>', 'a spec file, YAML or JSON')
    .action(async (o: { instance: string; file: string }) => {
      const api = await ctx.api();
      const body = await readSpec(o.file);
      const plan = await api.call<Plan>('POST', path(o.instance, '/plan'), body);
      if (plan.problems.length > 0)
        throw new DbplaneError('SpecProblems', `the spec cannot be applied:\n${problemLines(plan.problems)}`);
      if (ctx.out().format === 'text') ctx.out().note(changeLines(plan.changes, false));
      const stored = await api.call<Stored>('PUT', path(o.instance), body);
      // putting the spec starts a run through a rule; this one is ours to wait for (runs are serialized)
      const { executionArn } = await api.call<{ executionArn: string }>('POST', path(o.instance, '/apply'));
      const e = await waitForExecution(
        ctx,
        executionArn,
        `bootstrap of ${o.instance} (spec v${stored.version})`,
      );
      if (e.status !== 'SUCCEEDED') {
        const last = await api.call<Result>('GET', path(o.instance, '/apply'));
        throw new DbplaneError(
          'BootstrapFailed',
          `${executionArn} ${e.status}: ${last.error ?? e.cause ?? ''}`,
        );
      }
      const result = {
        instance: o.instance,
        specVersion: stored.version,
        executionArn,
        changes: plan.changes,
      };
      ctx
        .out()
        .value(
          result,
          () =>
            `${o.instance} converged to spec v${stored.version} (${plan.changes.length} change(s)); ${executionArn}`,
        );
    });
  cmd
    .command('show')
    .description("the instance's stored spec")
    .requiredOption('--instance <name>', 'the instance')
    .action(async (o: { instance: string }) => {
      const s = await (await ctx.api()).call<Stored>('GET', path(o.instance));
      ctx
        .out()
        .value(
          s,
          () => `# ${s.instance}: spec v${s.version}, updated ${s.updatedAt}\n${stringify(s.spec).trimEnd()}`,
        );
    });
  cmd
    .command('drift')
    .description('the last drift check (every 15 minutes, and after each apply)')
    .requiredOption('--instance <name>', 'the instance')
    .action(async (o: { instance: string }) => {
      const d = await (await ctx.api()).call<Result>('GET', path(o.instance, '/drift'));
      ctx.out().value(d, () => {
        const head = `${o.instance}: ${d.status} at ${d.at} (spec v${d.specVersion})`;
        const body = d.status === 'failed' ? `error: ${d.error ?? ''}` : changeLines(d.changes, true);
        return [head, body, problemLines(d.problems)].filter(Boolean).join('\n');
      });
    });
}
