import type { Command } from 'commander';
import type { CommandContext } from '../../cli/commands.js';
import { ROTATION_MACHINE } from './types.js';

const path = (name: string, rest: string) => `/v1/secrets/${encodeURIComponent(name)}${rest}`;
type Answer = { arn: string; name: string; versionId?: string; executionArn?: string };
type Execution = { status: string; error?: string; cause?: string };

/** Polls the rotation's execution until it ends, with a note each time its status changes. */
async function waitFor(ctx: CommandContext, executionArn: string): Promise<Execution> {
  const api = await ctx.api();
  const execution = executionArn.split(':').at(-1) ?? '';
  const url = `/v1/state-machines/${ROTATION_MACHINE}/executions/${encodeURIComponent(execution)}`;
  let last = '';
  for (;;) {
    const e = await api.call<Execution>('GET', url);
    if (e.status !== last) ctx.out().note(`rotation ${e.status.toLowerCase()}`);
    last = e.status;
    if (e.status !== 'RUNNING') return e;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** `dbplane secrets rotate|cancel-rotation`. */
export function registerRotationCommands(cmd: Command, ctx: CommandContext): void {
  cmd
    .command('rotate <name>')
    .description('rotate a database credential secret now and/or set its schedule')
    .option('--automatically-after-days <days>', 'rotate every N days')
    .option('--schedule-expression <expr>', 'rotate on rate(...) or cron(...)')
    .option('--no-rotate-immediately', 'only set the schedule')
    .option('--client-request-token <token>', 'the new version id (idempotency)')
    .option('--wait', 'wait for the rotation to end')
    .action(async (name: string, o: Record<string, string | boolean | undefined>) => {
      const days = o.automaticallyAfterDays === undefined ? undefined : Number(o.automaticallyAfterDays);
      const rules =
        days === undefined && o.scheduleExpression === undefined
          ? undefined
          : { automaticallyAfterDays: days, scheduleExpression: o.scheduleExpression };
      const body = {
        rotationRules: rules,
        rotateImmediately: o.rotateImmediately !== false,
        clientRequestToken: o.clientRequestToken,
      };
      const r = await (await ctx.api()).call<Answer>('POST', path(name, '/rotate'), body);
      const e =
        o.wait === true && r.executionArn !== undefined ? await waitFor(ctx, r.executionArn) : undefined;
      ctx
        .out()
        .value({ ...r, ...(e === undefined ? {} : { status: e.status, error: e.error }) }, () =>
          r.versionId === undefined
            ? `schedule set on ${r.arn}`
            : `rotating ${r.arn} to version ${r.versionId}`,
        );
      if (e !== undefined && e.status !== 'SUCCEEDED') process.exitCode = 1;
    });
  cmd.command('cancel-rotation <name>').action(async (name: string) => {
    const r = await (await ctx.api()).call<Answer>('POST', path(name, '/cancel-rotation'));
    ctx.out().value(r, () => `rotation schedule removed from ${r.arn}`);
  });
}
