import { randomUUID } from 'node:crypto';
import { buildArn } from '../../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/index.js';
import type { ExecutionsService } from '../../executions/service.js';
import type { StateMachinesService } from '../../states/service.js';
import type { Db } from '../../store/db.js';
import * as sql from '../sql.js';
import { CURRENT, PENDING, type RotationRules } from '../types.js';
import { checkRules, scheduleOf } from './schedule.js';
import { ROTATION_MACHINE } from './types.js';
import { ROTATION_BUILTIN } from './workflow.js';

/** The part of the bus's rules service rotation schedules use. */
export interface ScheduleRules {
  put(
    tx: Db,
    p: { accountId: string; name: string; scheduleExpression: string; description?: string },
  ): Promise<unknown>;
  putTargets(
    tx: Db,
    p: { accountId: string; name: string; targets: { id: string; arn: string; input: string }[] },
  ): Promise<unknown>;
  remove(tx: Db, p: { accountId: string; name: string }): Promise<string>;
}

export interface RotationDeps {
  region: string;
  machines: StateMachinesService;
  executions: ExecutionsService;
  /** The bus's rules (`bus.rules`): a schedule is a rule on the default bus targeting the rotation machine. */
  rules: ScheduleRules;
}

export interface RotateParams {
  accountId: string;
  /** The secret's name or ARN. */
  name: string;
  rotationRules?: RotationRules | undefined;
  /** Rotate now as well as setting the schedule (default true). */
  rotateImmediately?: boolean | undefined;
  clientRequestToken?: string | undefined;
}

export interface RotateAnswer {
  arn: string;
  name: string;
  /** The version the rotation makes (its token); absent when nothing was started. */
  versionId?: string;
  executionArn?: string;
}

/** The rule that schedules a secret's rotation (rule names allow `[.\-_A-Za-z0-9]`). */
export const scheduleRuleName = (secretId: string) => `dbplane-rotation-${secretId}`;

const isNotFound = (err: unknown) => err instanceof NotFoundError;

/**
 * RotateSecret: sets the schedule (a rule on the default bus that starts the
 * built-in `dbplane-rotate-secret` machine) and starts a rotation whose
 * execution is named by its token, so a repeat of the call with the same
 * token answers the same rotation. Runs in the caller's transaction.
 *
 * @example
 * const r = await rotation.rotate(tx, { accountId, name: 'db/app', rotationRules: { automaticallyAfterDays: 30 } });
 */
export function createRotationService(deps: RotationDeps) {
  const machineArn = (accountId: string) =>
    buildArn({
      service: 'states',
      region: deps.region,
      accountId,
      resource: `stateMachine:${ROTATION_MACHINE}`,
    });

  const ensureMachine = (tx: Db, accountId: string) =>
    deps.machines.ensureBuiltin(tx, { accountId, ...ROTATION_BUILTIN });

  const schedule = async (tx: Db, row: sql.SecretRow, rules: RotationRules) => {
    const rule = { accountId: row.account_id, name: scheduleRuleName(row.id) };
    await deps.rules.put(tx, {
      ...rule,
      scheduleExpression: scheduleOf(rules) ?? '',
      description: `rotates secret ${row.name}`,
    });
    await deps.rules.putTargets(tx, {
      ...rule,
      targets: [
        { id: 'rotation', arn: machineArn(row.account_id), input: JSON.stringify({ secretId: row.arn }) },
      ],
    });
  };

  /** A rotation still running on another token would race this one: refuse it. */
  const checkNotRotating = async (row: sql.SecretRow, token: string) => {
    const arn = row.rotation_execution_arn;
    if (arn === null || arn.endsWith(`:${token}`)) return;
    const running = await deps.executions
      .describe({ accountId: row.account_id, stateMachine: ROTATION_MACHINE, execution: arn })
      .then((e) => e.status === 'RUNNING')
      .catch((err: unknown) => (isNotFound(err) ? false : Promise.reject(err)));
    if (running)
      throw new ConflictError(`secret "${row.name}" is being rotated by ${arn}; wait for it to end`);
  };

  const start = async (tx: Db, row: sql.SecretRow, token: string) => {
    const versions = await sql.versions(tx, row.id);
    if (!versions.some((v) => v.stages.includes(CURRENT)))
      throw new ValidationError([
        { path: '/name', message: 'the secret has no AWSCURRENT version to rotate' },
      ]);
    const mine = versions.find((v) => v.version_id === token);
    if (mine !== undefined && !mine.stages.includes(PENDING) && !mine.stages.includes(CURRENT))
      throw new ConflictError(`version "${token}" exists and is not a rotation in progress; use a new token`);
    await checkNotRotating(row, token);
    return deps.executions.start(tx, {
      accountId: row.account_id,
      stateMachine: ROTATION_MACHINE,
      name: token,
      input: { secretId: row.arn, clientRequestToken: token },
    });
  };

  return {
    machineArn,

    async rotate(tx: Db, p: RotateParams): Promise<RotateAnswer> {
      if (p.rotationRules !== undefined) {
        const problems = checkRules(p.rotationRules);
        if (problems.length > 0) throw new ValidationError(problems);
      }
      const row = await sql.findSecret(tx, p, true);
      if (row === undefined) throw new NotFoundError('secret', p.name);
      if (row.deleted_at !== null)
        throw new ValidationError([
          { path: '/name', message: `secret "${p.name}" is scheduled for deletion` },
        ]);
      await ensureMachine(tx, row.account_id);
      const rules = p.rotationRules ?? row.rotation_rules ?? null;
      if (p.rotationRules !== undefined) await schedule(tx, row, p.rotationRules);
      const answer: RotateAnswer = { arn: row.arn, name: row.name };
      let executionArn: string | undefined;
      if (p.rotateImmediately !== false) {
        const token = p.clientRequestToken ?? randomUUID();
        executionArn = (await start(tx, row, token)).executionArn;
        Object.assign(answer, { versionId: token, executionArn });
      }
      // enabled only by rules given now, or kept as it was (a cancelled schedule stays off)
      const enabled = p.rotationRules !== undefined || row.rotation_enabled;
      await sql.updateRotation(tx, row.id, { enabled, rules, executionArn });
      return answer;
    },

    /** CancelRotateSecret: the schedule goes; a rotation in progress carries on to its end. */
    async cancel(tx: Db, p: { accountId: string; name: string }): Promise<RotateAnswer> {
      const row = await sql.findSecret(tx, p, true);
      if (row === undefined) throw new NotFoundError('secret', p.name);
      await deps.rules
        .remove(tx, { accountId: row.account_id, name: scheduleRuleName(row.id) })
        .catch((err: unknown) => (isNotFound(err) ? '' : Promise.reject(err)));
      await sql.updateRotation(tx, row.id, { enabled: false, rules: row.rotation_rules });
      return { arn: row.arn, name: row.name };
    },
  };
}

export type RotationService = ReturnType<typeof createRotationService>;
