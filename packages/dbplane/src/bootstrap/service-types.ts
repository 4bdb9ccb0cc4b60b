import type { Change } from './plan-types.js';
import type { ResultKind, ResultStatus } from './sql.js';
import type { BootstrapSpec, SpecProblem } from './types.js';

/**
 * The bootstrap domain as the API shows it.
 *
 * Glossary:
 * - stored spec: the spec of one instance (`PUT /v1/instances/{name}/bootstrap`),
 *   with a `version` that goes up when its content changes.
 * - run: one `dbplane-bootstrap` execution: validate the target, plan, apply,
 *   verify (a second plan must be empty); started by rules on audit and
 *   instance events, or by `POST .../bootstrap/apply`.
 * - result: the last plan, apply or drift check of a spec (`kind`), with its
 *   changes (passwords as `'***'`) and the execution that made it.
 * - drift: changes a plan finds although the spec was applied (a grant added
 *   or revoked by hand); a drift check publishes a "Bootstrap Drift Detected" event.
 */
export interface StoredSpec {
  instance: string;
  spec: BootstrapSpec;
  version: number;
  specHash: string;
  createdAt: string;
  updatedAt: string;
}

export interface BootstrapResult {
  instance: string;
  kind: ResultKind;
  status: ResultStatus;
  specVersion: number;
  changes: Change[];
  problems: SpecProblem[];
  error: string | null;
  executionArn: string | null;
  at: string;
}

export const BOOTSTRAP_MACHINE = 'dbplane-bootstrap';
export const DRIFT_MACHINE = 'dbplane-bootstrap-drift';
export const FUNCTION_MACHINE = 'dbplane-bootstrap-function';
export const DRIFT_DETAIL_TYPE = 'dbplane Bootstrap Drift Detected';
