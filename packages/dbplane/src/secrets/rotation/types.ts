/**
 * Rotation of database credentials, Secrets Manager's way.
 *
 * Glossary:
 * - token: the rotation's `ClientRequestToken`; it is the id of the version
 *   the rotation makes, and every step is keyed by it, so a step repeated
 *   after a crash or a retry changes nothing it has already done.
 * - steps: createSecret (a new password into a version labelled AWSPENDING),
 *   setSecret (the server's password becomes it), testSecret (log in with it),
 *   finishSecret (AWSCURRENT moves to it, AWSPREVIOUS follows, AWSPENDING goes).
 * - revert: the Catch of a failed rotation: the server's password goes back
 *   to AWSCURRENT's, then AWSPENDING is removed, so AWSCURRENT keeps working.
 * - credentials: the JSON value of an RDS secret,
 *   `{ engine, host, port, username, password, dbname?, masterarn? }`.
 * - master: with `masterarn`, the password is changed by that (admin)
 *   secret's login; else the login changes its own password.
 */

/** The built-in state machine of rotations. */
export const ROTATION_MACHINE = 'dbplane-rotate-secret';

/** Task resources of the rotation steps, for the built-in machine and users' own. */
export const RESOURCE = {
  createSecret: 'arn:dbplane:states:::secrets:rotation:createSecret',
  setSecret: 'arn:dbplane:states:::secrets:rotation:setSecret',
  testSecret: 'arn:dbplane:states:::secrets:rotation:testSecret',
  finishSecret: 'arn:dbplane:states:::secrets:rotation:finishSecret',
  revertSecret: 'arn:dbplane:states:::secrets:rotation:revertSecret',
} as const;

export type Step = keyof typeof RESOURCE;

/** What every step takes: never a value, only where it is. */
export interface StepInput {
  /** The secret's name or ARN. */
  secretId: string;
  clientRequestToken: string;
}

/** What every step answers, which is all the history ever sees. */
export interface StepOutput {
  secretId: string;
  versionId: string;
  /** What the step did, e.g. `created`, `existed`, `set`, `finished`, `already current`. */
  outcome: string;
}

export type Engine = 'postgres' | 'mysql';

/** An RDS secret's value. */
export interface Credentials {
  engine: Engine;
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
  masterarn?: string;
}

/** Errors the steps report (ASL error names); `Dbplane.Transient` is retried. */
export const RotationError = {
  Transient: 'Dbplane.Transient',
  SecretNotFound: 'Dbplane.SecretNotFound',
  InvalidSecret: 'Dbplane.InvalidSecret',
  Superseded: 'Dbplane.RotationSuperseded',
  LoginFailed: 'Dbplane.LoginFailed',
  SetFailed: 'Dbplane.SetPasswordFailed',
} as const;

/** A step's expected failure: an ASL error name and a cause that never holds a value. */
export class StepFailure extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(causeText);
  }
}
