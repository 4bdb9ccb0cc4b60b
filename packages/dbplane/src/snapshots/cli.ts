import type { Command } from 'commander';
import ora from 'ora';
import type { CommandContext } from '../cli/commands.js';
import { DbplaneError } from '../errors/index.js';
import { fieldLines } from '../instances/cli.js';

interface Snapshot {
  arn: string;
  name: string;
  source: { database: string | null; engine: string; instance: string | null };
  status: string;
  statusReason?: string;
  progress: number;
  sizeBytes: number | null;
  sharedWith: string[];
  createdAt: string;
}
interface Restore {
  /** A logical snapshot's new database, or a physical one's new instance. */
  database?: { arn: string; name: string; status: string };
  instance?: { arn: string; name: string; status: string };
  executionArn: string | null;
}

const POLL_MS = 300;
const path = (name: string, rest = '') => `/v1/snapshots/${encodeURIComponent(name)}${rest}`;
const COLUMNS = ['name', 'database', 'engine', 'status', 'progress', 'size', 'sharedWith', 'createdAt'];
const FIELDS = [
  'name',
  'arn',
  'ownerAccountId',
  'source',
  'kind',
  'status',
  'statusReason',
  'progress',
  'sizeBytes',
  'checksum',
  'compression',
  'region',
  'keyArn',
  'sharedWith',
  'executionArn',
  'createdAt',
];

/** `12.3 MB`, or `-` before anything is written. */
const size = (n: number | null) =>
  n === null ? '-' : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
const row = (s: Snapshot) => ({
  ...s,
  database: s.source.database ?? `(instance ${s.source.instance ?? '?'})`,
  engine: s.source.engine,
  progress: `${s.progress}%`,
  size: size(s.sizeBytes),
  sharedWith: s.sharedWith.join(','),
});

/** A spinner on a terminal, elsewhere one stderr line per change; `poll` answers the line and whether it is done. */
async function watch(
  ctx: CommandContext,
  label: string,
  poll: () => Promise<{ line: string; done: boolean }>,
) {
  const out = ctx.out();
  const spinner = process.stderr.isTTY ? ora({ text: label, stream: process.stderr }).start() : undefined;
  let last = '';
  try {
    for (;;) {
      const { line, done } = await poll();
      if (spinner !== undefined) spinner.text = `${label}: ${line}`;
      else if (line !== last) out.note(`${label}: ${line}`);
      last = line;
      if (done) {
        spinner?.succeed(`${label}: ${line}`);
        return;
      }
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  } catch (err) {
    spinner?.fail(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

/** Polls a snapshot until available, showing its progress and size; a failure throws its statusReason. */
async function waitAvailable(ctx: CommandContext, name: string): Promise<Snapshot> {
  const api = await ctx.api();
  let s: Snapshot | undefined;
  await watch(ctx, `snapshot ${name}`, async () => {
    s = await api.call<Snapshot>('GET', path(name));
    if (s.status === 'failed')
      throw new DbplaneError(
        'SnapshotFailed',
        `snapshot ${name} failed: ${s.statusReason ?? 'no reason given'}`,
      );
    return { line: `${s.status} ${s.progress}% (${size(s.sizeBytes)})`, done: s.status === 'available' };
  });
  return s as Snapshot;
}

/** Polls a restore's execution until it ends; a failure throws the new database's (or instance's) statusReason. */
async function waitRestored(ctx: CommandContext, r: Restore): Promise<void> {
  const api = await ctx.api();
  const arn = r.executionArn;
  if (arn === null) return;
  const [machine, run] = arn.split(':').slice(-2) as [string, string];
  const target =
    r.instance === undefined ? `/v1/databases/${r.database?.name}` : `/v1/instances/${r.instance.name}`;
  const what = r.instance === undefined ? 'database' : 'instance';
  await watch(ctx, `restore into ${r.instance?.name ?? r.database?.name}`, async () => {
    const e = await api.call<{ status: string }>('GET', `/v1/state-machines/${machine}/executions/${run}`);
    if (e.status === 'SUCCEEDED') return { line: 'restored', done: true };
    if (e.status !== 'RUNNING') {
      const made = await api.call<{ statusReason?: string }>('GET', target);
      throw new DbplaneError(
        'RestoreFailed',
        `restore ${e.status.toLowerCase()}: ${made.statusReason ?? 'see the execution'}`,
      );
    }
    const made = await api.call<{ status: string }>('GET', target);
    const loading = what === 'database' && made.status === 'available';
    return { line: loading ? 'loading the dump' : `${what} ${made.status}`, done: false };
  });
}

const accounts = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

/** `dbplane snapshots create|list|describe|delete|restore|share`. */
export function registerSnapshotCommands(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('snapshots')
    .description(
      'snapshots of databases (logical) and local PostgreSQL instances (physical): take, restore, share',
    );
  cmd
    .command('create <name>')
    .description(
      "snapshot a database with the engine's own dump tool, or copy a local PostgreSQL instance's data directory while it runs",
    )
    .option('--database <name>', 'the database to snapshot (logical)')
    .option('--instance <name>', 'the local PostgreSQL instance to snapshot (physical)')
    .option('--wait', 'wait until it is available, showing progress')
    .action(async (name: string, o: { database?: string; instance?: string; wait?: boolean }) => {
      let s = await (await ctx.api()).call<Snapshot>('POST', '/v1/snapshots', {
        name,
        ...(o.database === undefined ? {} : { database: o.database }),
        ...(o.instance === undefined ? {} : { instance: o.instance }),
      });
      if (o.wait) s = await waitAvailable(ctx, name);
      ctx
        .out()
        .value(s, () => `${s.status === 'available' ? 'took' : 'taking'} ${s.arn} (${size(s.sizeBytes)})`);
    });
  cmd.command('list').action(async () => {
    const api = await ctx.api();
    const snapshots: Snapshot[] = [];
    let token: string | undefined;
    do {
      const next = token === undefined ? '' : `&nextToken=${encodeURIComponent(token)}`;
      const page = await api.call<{ snapshots: Snapshot[]; nextToken?: string }>(
        'GET',
        `/v1/snapshots?limit=1000${next}`,
      );
      snapshots.push(...page.snapshots);
      token = page.nextToken;
    } while (token !== undefined);
    ctx.out().table(snapshots.map(row), COLUMNS, { snapshots });
  });
  cmd.command('describe <name>').action(async (name: string) => {
    const s = await (await ctx.api()).call<Snapshot>('GET', path(name));
    ctx.out().value(s, () => fieldLines(s as unknown as Record<string, unknown>, FIELDS));
  });
  cmd.command('delete <name>').action(async (name: string) => {
    const s = await (await ctx.api()).call<Snapshot>('DELETE', path(name));
    ctx.out().value(s, () => `deleted ${s.arn}`);
  });
  cmd
    .command('restore <name>')
    .description(
      'restore a snapshot (yours or shared with you) into a new database, or a physical one into a new local instance',
    )
    .option('--database-name <name>', 'the new database (a logical snapshot)')
    .option('--instance-name <name>', 'the new local instance (a physical snapshot)')
    .option(
      '--instance <name>',
      "where to put the new database (default: the source's instance, for the owner)",
    )
    .option('--wait', 'wait until the dump is loaded or the instance runs')
    .action(
      async (
        name: string,
        o: { databaseName?: string; instanceName?: string; instance?: string; wait?: boolean },
      ) => {
        const r = await (await ctx.api()).call<Restore>('POST', path(name, '/restore'), {
          ...(o.databaseName === undefined ? {} : { databaseName: o.databaseName }),
          ...(o.instanceName === undefined ? {} : { instanceName: o.instanceName }),
          ...(o.instance === undefined ? {} : { instance: o.instance }),
        });
        if (o.wait) await waitRestored(ctx, r);
        const made = r.instance ?? r.database;
        const next =
          r.instance === undefined
            ? `dbplane db ${o.wait ? 'connect' : 'describe'} ${made?.name}`
            : `dbplane instances describe ${made?.name}`;
        ctx
          .out()
          .value(r, () => `${o.wait ? 'restored' : 'restoring'} ${name} into ${made?.arn}; \`${next}\``);
      },
    );
  cmd
    .command('share <name>')
    .description('let other accounts see and restore a snapshot (not delete it)')
    .option('--accounts <ids>', 'account ids to share with, comma-separated')
    .option('--remove <ids>', 'account ids to stop sharing with, comma-separated')
    .action(async (name: string, o: { accounts?: string; remove?: string }) => {
      const s = await (await ctx.api()).call<Snapshot>('POST', path(name, '/share'), {
        accountIds: accounts(o.accounts),
        ...(o.remove === undefined ? {} : { removeAccountIds: accounts(o.remove) }),
      });
      ctx.out().value(s, () => `${s.name} is shared with ${s.sharedWith.join(', ') || 'no other account'}`);
    });
}
