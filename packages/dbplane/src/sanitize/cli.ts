import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { CommandContext } from '../cli/commands.js';
import { DbplaneError } from '../errors/index.js';
import type { RuleProblem } from './types.js';

interface Run {
  id: string;
  executionArn: string;
  status: string;
  output?: { snapshot?: { name: string; arn: string } };
  error?: string;
  cause?: string;
}
interface DryRun {
  problems: RuleProblem[];
  tables: {
    table: string;
    columns: string[];
    rows: { before: Record<string, unknown>; after: Record<string, unknown> }[];
  }[];
}

const POLL_MS = 1000;
const problemLines = (problems: readonly RuleProblem[]) =>
  problems.map((p) => `${p.severity} ${p.path}: ${p.message}`).join('\n');

/** A rules document from a JSON or YAML file (YAML reads JSON too). */
async function readRules(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return parse(text);
  } catch (err) {
    throw new DbplaneError('ValidationError', `${file} is neither JSON nor YAML: ${(err as Error).message}`);
  }
}

const show = (v: unknown) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
function dryRunText(r: DryRun): string {
  const lines = r.problems.length > 0 ? [problemLines(r.problems)] : [];
  for (const t of r.tables) {
    lines.push(`${t.table}:`);
    for (const row of t.rows)
      for (const c of t.columns) lines.push(`  ${c}: ${show(row.before[c])} → ${show(row.after[c])}`);
  }
  return lines.join('\n');
}

async function waitRun(ctx: CommandContext, id: string): Promise<Run> {
  const api = await ctx.api();
  let last = '';
  for (;;) {
    const r = await api.call<Run>('GET', `/v1/sanitize/runs/${encodeURIComponent(id)}`);
    if (r.status !== last) ctx.out().note(`run ${id}: ${r.status.toLowerCase()}`);
    last = r.status;
    if (r.status === 'SUCCEEDED') return r;
    if (r.status !== 'RUNNING')
      throw new DbplaneError(
        r.error ?? 'SanitizeFailed',
        `run ${id} ${r.status.toLowerCase()}: ${r.cause ?? ''}`,
      );
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

/** `dbplane sanitize rules validate | dry-run | run | describe`. */
export function registerSanitizeCommands(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('sanitize')
    .description('masking rules for QA copies: validate, dry run, sanitized snapshots');
  cmd
    .command('rules')
    .description('masking rules documents')
    .command('validate <database>')
    .description("check a rules file against a database's schema; nothing runs")
    .requiredOption('--rules <file>', 'the rules, JSON or YAML')
    .action(async (database: string, o: { rules: string }) => {
      const r = await (await ctx.api()).call<{ valid: boolean; problems: RuleProblem[] }>(
        'POST',
        '/v1/sanitize/validate',
        {
          database,
          rules: await readRules(o.rules),
        },
      );
      ctx.out().value(r, () => (r.problems.length === 0 ? 'valid' : problemLines(r.problems)));
      if (!r.valid) process.exitCode = 1;
    });
  cmd
    .command('dry-run <database>')
    .description('show sample rows before and after masking; nothing changes')
    .requiredOption('--rules <file>', 'the rules, JSON or YAML')
    .option('--rows <n>', 'sample rows per table', '5')
    .action(async (database: string, o: { rules: string; rows: string }) => {
      const r = await (await ctx.api()).call<DryRun>('POST', '/v1/sanitize/dry-run', {
        database,
        rules: await readRules(o.rules),
        sampleRows: Number(o.rows),
      });
      ctx.out().value(r, () => dryRunText(r));
    });
  cmd
    .command('run')
    .description('snapshot, restore to a temporary database, mask, verify, snapshot the result and share it')
    .option('--database <name>', 'the source database (a fresh snapshot of it is taken)')
    .option('--snapshot <name>', 'or an existing snapshot to start from')
    .option('--latest-snapshot', 'with --database: start from its latest available snapshot')
    .requiredOption('--rules <file>', 'the rules, JSON or YAML')
    .option(
      '--snapshot-name <name>',
      'the name of the sanitized snapshot (default: sanitized-<database>-<run>)',
    )
    .option('--share-with <ids>', 'account ids to share it with, comma-separated')
    .option('--copy-region <region>', 'copy it to this region too')
    .option('--copy-kms-key <key>', "the copy's key in that region")
    .option('--wait', 'wait until the run ends')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      if ((o.database === undefined) === (o.snapshot === undefined))
        throw new DbplaneError('ValidationError', 'give exactly one of --database and --snapshot');
      const body = {
        source:
          o.database === undefined
            ? { snapshot: o.snapshot }
            : { database: o.database, ...(o.latestSnapshot === true ? { useLatestSnapshot: true } : {}) },
        rules: await readRules(String(o.rules)),
        ...(typeof o.snapshotName === 'string' ? { snapshotName: o.snapshotName } : {}),
        ...(typeof o.shareWith === 'string' ? { shareWith: list(o.shareWith) } : {}),
        ...(typeof o.copyRegion === 'string'
          ? {
              copy: {
                targetRegion: o.copyRegion,
                ...(typeof o.copyKmsKey === 'string' ? { kmsKeyId: o.copyKmsKey } : {}),
              },
            }
          : {}),
      };
      let r = await (await ctx.api()).call<Run>('POST', '/v1/sanitize/runs', body);
      if (o.wait === true) r = await waitRun(ctx, r.id);
      ctx
        .out()
        .value(r, () =>
          r.output?.snapshot === undefined
            ? `started ${r.id} (${r.executionArn})`
            : `sanitized snapshot ${r.output.snapshot.name}`,
        );
    });
  cmd.command('describe <id>').action(async (id: string) => {
    const r = await (await ctx.api()).call<Run>('GET', `/v1/sanitize/runs/${encodeURIComponent(id)}`);
    ctx.out().value(r, () => `${r.id} ${r.status}${r.cause === undefined ? '' : `: ${r.cause}`}`);
  });
}
