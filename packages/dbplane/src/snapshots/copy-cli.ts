import type { Command } from 'commander';
import ora from 'ora';
import type { CommandContext } from '../cli/commands.js';
import { DbplaneError } from '../errors/index.js';

interface Snapshot {
  arn: string;
  name: string;
  region: string;
  status: string;
  statusReason?: string;
  progress: number;
  sizeBytes: number | null;
}
interface Progress {
  partsTotal: number | null;
  partsDone: number;
  resumedFromPart: number | null;
}
interface StoreView {
  region: string;
  type: string;
  location: string;
  local: boolean;
  reachable: boolean;
  reason?: string;
}

const POLL_MS = 300;
const WIDTH = 30;
const path = (name: string, rest = '') => `/v1/snapshots/${encodeURIComponent(name)}${rest}`;

/** `[#########.....] 60% 3/5 parts`: a progress bar of a copy. */
export function copyBar(s: { progress: number }, p: Progress): string {
  const filled = Math.round((Math.min(100, Math.max(0, s.progress)) / 100) * WIDTH);
  const parts = p.partsTotal === null ? 'starting' : `${p.partsDone}/${p.partsTotal} parts`;
  const resumed = p.resumedFromPart === null ? '' : `, resumed at part ${p.resumedFromPart + 1}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${s.progress}% ${parts}${resumed}`;
}

/** Polls a copy until available: a bar on a terminal, else one stderr line per change. */
async function waitCopied(ctx: CommandContext, name: string): Promise<Snapshot> {
  const api = await ctx.api();
  const label = `copy ${name}`;
  const spinner = process.stderr.isTTY ? ora({ text: label, stream: process.stderr }).start() : undefined;
  let last = '';
  try {
    for (;;) {
      const s = await api.call<Snapshot>('GET', path(name));
      if (s.status === 'failed')
        throw new DbplaneError(
          'SnapshotCopyFailed',
          `copy ${name} failed: ${s.statusReason ?? 'no reason given'}`,
        );
      const line = copyBar(s, await api.call<Progress>('GET', path(name, '/copy')));
      if (spinner !== undefined) spinner.text = `${label} ${line}`;
      else if (line !== last) ctx.out().note(`${label} ${line}`);
      last = line;
      if (s.status === 'available') {
        spinner?.succeed(`${label} ${line}`);
        return s;
      }
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  } catch (err) {
    spinner?.fail(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

/** `dbplane snapshots copy` and `dbplane snapshot-stores list`. */
export function registerSnapshotCopyCommands(program: Command, ctx: CommandContext): void {
  const snapshots = program.commands.find((c) => c.name() === 'snapshots') ?? program.command('snapshots');
  snapshots
    .command('copy <name>')
    .description("copy a snapshot to another region's store, re-encrypted under that region's key")
    .requiredOption('--target-region <region>', 'the region to copy to')
    .option('--target-name <name>', "the copy's name (default: <name>-<region>)")
    .option('--kms-key <key>', 'a key of the target region (default: its default key)')
    .option('--wait', 'wait until the copy is available, with a progress bar')
    .action(
      async (
        name: string,
        o: { targetRegion: string; targetName?: string; kmsKey?: string; wait?: boolean },
      ) => {
        let s = await (await ctx.api()).call<Snapshot>('POST', path(name, '/copy'), {
          targetRegion: o.targetRegion,
          ...(o.targetName === undefined ? {} : { targetName: o.targetName }),
          ...(o.kmsKey === undefined ? {} : { kmsKeyId: o.kmsKey }),
        });
        if (o.wait) s = await waitCopied(ctx, s.name);
        ctx.out().value(s, () => `${s.status === 'available' ? 'copied to' : 'copying to'} ${s.arn}`);
      },
    );
  program
    .command('snapshot-stores')
    .description("each region's snapshot store")
    .command('list')
    .action(async () => {
      const r = await (await ctx.api()).call<{ stores: StoreView[] }>('GET', '/v1/snapshot-stores');
      const rows = r.stores.map((s) => ({ ...s, reachable: s.reachable ? 'yes' : `no: ${s.reason ?? ''}` }));
      ctx.out().table(rows, ['region', 'type', 'location', 'local', 'reachable'], r);
    });
}
