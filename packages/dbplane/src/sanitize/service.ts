import { randomUUID } from 'node:crypto';
import type { DatabasesService } from '../databases/service.js';
import { ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { SecretsService } from '../secrets/service.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db, Pool } from '../store/db.js';
import { ensureSanitizeBuiltins } from './builtins.js';
import type { RunInput } from './integrations.js';
import { type DryRunTable, dryRun, problemsOf } from './operations.js';
import { accountSalt } from './salt.js';
import { type AdminUrl, onDatabase } from './target.js';
import { type RuleProblem, type RulesDocument, SANITIZE_MACHINE } from './types.js';

type Ask = Readonly<{ accountId: string; database: string; rules: RulesDocument }>;

export interface SanitizeRun {
  id: string;
  executionArn: string;
  status: string;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
}

/**
 * Sanitizing: rules validated and dry-run against a live database, and runs
 * of the `dbplane-sanitized-snapshot` workflow.
 *
 * @example
 * const sanitize = createSanitizeService({ pool, databases, secrets, machines, executions, adminUrl });
 * const { problems } = await sanitize.validate({ accountId, database: 'orders', rules });
 */
export function createSanitizeService(deps: {
  pool: Pool;
  databases: DatabasesService;
  secrets: SecretsService;
  machines: StateMachinesService;
  executions: ExecutionsService;
  adminUrl: AdminUrl;
}) {
  return {
    /** Every problem of `rules` on `database` (rules against its schema, then the free SQL); nothing runs. */
    async validate(p: Ask): Promise<{ valid: boolean; problems: RuleProblem[] }> {
      const problems = await onDatabase(deps, p, (t, s) => problemsOf(t, s, p.rules));
      return { valid: !problems.some((x) => x.severity === 'error'), problems };
    },

    /** Sample rows before and after masking, read in a read-only transaction; 400 with the problems when invalid. */
    async dryRun(
      p: Ask & { sampleRows: number },
    ): Promise<{ problems: RuleProblem[]; tables: DryRunTable[] }> {
      const salt = await accountSalt(deps, p.accountId);
      return onDatabase(deps, p, async (t, s) => {
        const problems = await problemsOf(t, s, p.rules);
        if (problems.some((x) => x.severity === 'error'))
          throw new ValidationError(
            problems
              .filter((x) => x.severity === 'error')
              .map((x) => ({ path: `/rules${x.path}`, message: x.message })),
          );
        return { problems, tables: await dryRun(t, s, p.rules, salt, p.sampleRows) };
      });
    },

    /** Starts a run in `tx` (the built-in machine installed first); the workflow does the rest. */
    async start(tx: Db, p: { accountId: string } & RunInput): Promise<SanitizeRun> {
      const { accountId, ...input } = p;
      if ('database' in input.source)
        await deps.databases.describe({ accountId, name: input.source.database });
      await ensureSanitizeBuiltins(tx, deps, accountId);
      const id = `run-${randomUUID()}`;
      const started = await deps.executions.start(tx, {
        accountId,
        stateMachine: SANITIZE_MACHINE,
        name: id,
        input,
      });
      return {
        id,
        executionArn: started.executionArn,
        status: 'RUNNING',
        input,
        startDate: started.startDate,
      };
    },

    /** A run: its execution's status, and its output (the snapshot, what was masked and verified) or error. */
    async describe(p: { accountId: string; id: string }): Promise<SanitizeRun> {
      const e = await deps.executions.describe({
        accountId: p.accountId,
        stateMachine: SANITIZE_MACHINE,
        execution: p.id,
      });
      return {
        id: e.name,
        executionArn: e.executionArn,
        status: e.status,
        input: e.input,
        ...(e.output === undefined ? {} : { output: e.output }),
        ...(e.error === undefined ? {} : { error: e.error }),
        ...(e.cause === undefined ? {} : { cause: e.cause }),
        startDate: e.startDate,
        ...(e.stopDate === undefined ? {} : { stopDate: e.stopDate }),
      };
    },
  };
}

export type SanitizeService = ReturnType<typeof createSanitizeService>;
