import { type Pool, withTransaction } from '../../store/db.js';
import type { SecretsService } from '../service.js';
import * as sql from '../sql.js';
import { CURRENT, PENDING, PREVIOUS } from '../types.js';
import { parseCredentials } from './credentials.js';
import { randomPassword } from './password.js';
import { tryLogin, using } from './servers.js';
import {
  type Credentials,
  RotationError,
  type Step,
  StepFailure,
  type StepInput,
  type StepOutput,
} from './types.js';

export interface StepDeps {
  pool: Pool;
  secrets: SecretsService;
}

export interface StepContext {
  accountId: string;
  input: StepInput;
  /** Every value the step has read, so that an error message can be redacted. */
  seen: Set<string>;
}

type StepFn = (deps: StepDeps, ctx: StepContext) => Promise<StepOutput>;

const out = (ctx: StepContext, outcome: string): StepOutput => ({
  secretId: ctx.input.secretId,
  versionId: ctx.input.clientRequestToken,
  outcome,
});

/** The token's version's labels, or `undefined` if there is no such version. */
async function stagesOf(deps: StepDeps, ctx: StepContext): Promise<string[] | undefined> {
  const d = await deps.secrets.describe({ accountId: ctx.accountId, name: ctx.input.secretId });
  return d.versionIdsToStages[ctx.input.clientRequestToken];
}

async function read(
  deps: StepDeps,
  ctx: StepContext,
  at: { versionId: string } | { versionStage: string },
): Promise<Credentials> {
  const v = await deps.secrets.getValue({ accountId: ctx.accountId, name: ctx.input.secretId, ...at });
  if (v.secretString !== undefined) ctx.seen.add(v.secretString);
  const c = parseCredentials(v.secretString);
  ctx.seen.add(c.password);
  return c;
}

async function readOptional(deps: StepDeps, ctx: StepContext, versionStage: string) {
  try {
    return await read(deps, ctx, { versionStage });
  } catch (err) {
    if ((err as { code?: string }).code === 'ResourceNotFound') return undefined;
    throw err;
  }
}

const superseded = (ctx: StepContext) =>
  new StepFailure(
    RotationError.Superseded,
    `version ${ctx.input.clientRequestToken} no longer carries AWSPENDING (another rotation took over)`,
  );

/** Where the rotation stands: `current` (finished), `pending` (in progress) or neither. */
async function phase(deps: StepDeps, ctx: StepContext): Promise<'current' | 'pending' | 'absent' | 'other'> {
  const stages = await stagesOf(deps, ctx);
  if (stages === undefined) return 'absent';
  if (stages.includes(CURRENT)) return 'current';
  return stages.includes(PENDING) ? 'pending' : 'other';
}

/**
 * Makes the server's password of `target.username` be `target.password`: with
 * `masterarn` as that admin login, else as the login itself with the first of
 * `candidates` whose password the server takes. Setting a password it already
 * has changes nothing, so this is idempotent (and correct under `trust`
 * authentication, where every candidate "logs in").
 */
async function applyPassword(
  deps: StepDeps,
  ctx: StepContext,
  target: Credentials,
  candidates: readonly (Credentials | undefined)[],
): Promise<string> {
  if (target.masterarn !== undefined) {
    const v = await deps.secrets.getValue({ accountId: ctx.accountId, name: target.masterarn });
    if (v.secretString !== undefined) ctx.seen.add(v.secretString);
    const master = parseCredentials(v.secretString);
    ctx.seen.add(master.password);
    const s = await tryLogin(master);
    if (s === undefined)
      throw new StepFailure(RotationError.LoginFailed, `the master secret's credentials do not log in`);
    await using(s, 'changing the password as master', (m) =>
      m.setPasswordOf(target.username, target.password),
    );
    return 'set by master';
  }
  for (const c of candidates) {
    if (c === undefined) continue;
    const s = await tryLogin({ ...target, password: c.password });
    if (s === undefined) continue;
    await using(s, 'changing the password', (x) => x.setOwnPassword(target.password));
    return 'set';
  }
  throw new StepFailure(
    RotationError.LoginFailed,
    `no version of the secret (AWSPENDING, AWSCURRENT, AWSPREVIOUS) logs in as "${target.username}"`,
  );
}

/** createSecret: a new password into the token's version, labelled AWSPENDING; a repeat finds it. */
const createSecret: StepFn = async (deps, ctx) => {
  const ref = { accountId: ctx.accountId, name: ctx.input.secretId };
  return withTransaction(deps.pool, async (tx) => {
    await sql.findSecret(tx, ref, true);
    const stages = (await deps.secrets.describe(ref, tx)).versionIdsToStages[ctx.input.clientRequestToken];
    if (stages?.includes(CURRENT)) return out(ctx, 'already current');
    if (stages?.includes(PENDING)) return out(ctx, 'existed');
    if (stages !== undefined) throw superseded(ctx);
    const current = await read(deps, ctx, { versionStage: CURRENT });
    await deps.secrets.putValue(tx, {
      ...ref,
      secretString: JSON.stringify({ ...current, password: randomPassword() }),
      clientRequestToken: ctx.input.clientRequestToken,
      versionStages: [PENDING],
    });
    return out(ctx, 'created');
  });
};

/** setSecret: the server's password becomes AWSPENDING's. */
const setSecret: StepFn = async (deps, ctx) => {
  const p = await phase(deps, ctx);
  if (p === 'current') return out(ctx, 'already current');
  if (p !== 'pending') throw superseded(ctx);
  const pending = await read(deps, ctx, { versionId: ctx.input.clientRequestToken });
  const current = await read(deps, ctx, { versionStage: CURRENT });
  if (
    pending.username !== current.username ||
    pending.host !== current.host ||
    pending.engine !== current.engine
  )
    throw new StepFailure(RotationError.InvalidSecret, 'AWSPENDING and AWSCURRENT name different logins');
  const previous = await readOptional(deps, ctx, PREVIOUS);
  return out(ctx, await applyPassword(deps, ctx, pending, [pending, current, previous]));
};

/** testSecret: AWSPENDING logs in and runs `SELECT 1`. */
const testSecret: StepFn = async (deps, ctx) => {
  const p = await phase(deps, ctx);
  if (p !== 'pending' && p !== 'current') throw superseded(ctx);
  const pending = await read(deps, ctx, { versionId: ctx.input.clientRequestToken });
  const s = await tryLogin(pending);
  if (s === undefined)
    throw new StepFailure(
      RotationError.LoginFailed,
      `the new password does not log in as "${pending.username}"`,
    );
  await using(s, 'testing the new password', (x) => x.ping());
  return out(ctx, 'tested');
};

/** finishSecret: AWSCURRENT moves to the token's version (AWSPREVIOUS follows), AWSPENDING goes. */
const finishSecret: StepFn = async (deps, ctx) => {
  const ref = { accountId: ctx.accountId, name: ctx.input.secretId };
  const token = ctx.input.clientRequestToken;
  return withTransaction(deps.pool, async (tx) => {
    const row = await sql.findSecret(tx, ref, true);
    const d = await deps.secrets.describe(ref, tx);
    const stages = d.versionIdsToStages[token];
    if (stages?.includes(CURRENT)) return out(ctx, 'already current');
    if (!stages?.includes(PENDING)) throw superseded(ctx);
    const holder = Object.entries(d.versionIdsToStages).find(([, s]) => s.includes(CURRENT))?.[0];
    await deps.secrets.updateVersionStage(tx, {
      ...ref,
      versionStage: CURRENT,
      moveToVersionId: token,
      removeFromVersionId: holder,
    });
    await deps.secrets.updateVersionStage(tx, { ...ref, versionStage: PENDING, removeFromVersionId: token });
    if (row !== undefined) await sql.markRotated(tx, row.id);
    return out(ctx, 'finished');
  });
};

/**
 * revertSecret (the Catch): the server's password goes back to AWSCURRENT's,
 * then AWSPENDING leaves the token's version. Nothing to do when the rotation
 * finished, never began, or was superseded.
 */
const revertSecret: StepFn = async (deps, ctx) => {
  const p = await phase(deps, ctx);
  if (p === 'current') return out(ctx, 'already current');
  if (p === 'absent') return out(ctx, 'nothing to revert');
  if (p === 'other') return out(ctx, 'superseded');
  const current = await read(deps, ctx, { versionStage: CURRENT });
  const pending = await read(deps, ctx, { versionId: ctx.input.clientRequestToken }).catch(() => undefined);
  const previous = await readOptional(deps, ctx, PREVIOUS);
  await applyPassword(deps, ctx, current, [current, pending, previous]);
  const ref = { accountId: ctx.accountId, name: ctx.input.secretId };
  await withTransaction(deps.pool, async (tx) => {
    await sql.findSecret(tx, ref, true);
    const stages = (await deps.secrets.describe(ref, tx)).versionIdsToStages[ctx.input.clientRequestToken];
    if (stages?.includes(PENDING) === true)
      await deps.secrets.updateVersionStage(tx, {
        ...ref,
        versionStage: PENDING,
        removeFromVersionId: ctx.input.clientRequestToken,
      });
  });
  return out(ctx, 'reverted');
};

export const STEPS: Record<Step, StepFn> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
  revertSecret,
};
