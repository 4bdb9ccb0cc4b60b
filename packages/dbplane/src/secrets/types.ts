/** Staging labels with Secrets Manager's meaning. */
export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';
/** The label of the version a rotation is making. */
export const PENDING = 'AWSPENDING';
/** At most this many versions are kept; older unlabelled (deprecated) ones are removed. */
export const MAX_VERSIONS = 100;

/** A secret's value: exactly one of the two. */
export interface SecretValueInput {
  secretString?: string | undefined;
  /** Base64. */
  secretBinary?: string | undefined;
}

/** What `DescribeSecret` answers: metadata and versions, never values. */
export interface SecretDescription {
  arn: string;
  name: string;
  description: string;
  kmsKeyId: string;
  tags: Record<string, string>;
  createdDate: string;
  lastChangedDate: string;
  deletedDate?: string;
  /** Present while scheduled for deletion. */
  deletionDate?: string;
  versionIdsToStages: Record<string, string[]>;
  /** Whether a rotation schedule is set (RotateSecret with rules). */
  rotationEnabled?: boolean;
  rotationRules?: RotationRules;
  lastRotatedDate?: string;
  nextRotationDate?: string;
}

/** RotateSecret's schedule: every N days, or a `rate(...)` / `cron(...)` expression. */
export interface RotationRules {
  automaticallyAfterDays?: number;
  scheduleExpression?: string;
}

/** What `GetSecretValue` answers. */
export interface SecretValue {
  arn: string;
  name: string;
  versionId: string;
  versionStages: string[];
  secretString?: string;
  secretBinary?: string;
  createdDate: string;
}
