import { DbplaneError } from '../../errors/index.js';

/** Stable codes of the errors this module throws. */
export const PostgresLocalCode = {
  BinariesNotFound: 'POSTGRES_BINARIES_NOT_FOUND',
  BinariesNotAccessible: 'POSTGRES_BINARIES_NOT_ACCESSIBLE',
  InitFailed: 'POSTGRES_INIT_FAILED',
  StartFailed: 'POSTGRES_START_FAILED',
  VersionMismatch: 'POSTGRES_VERSION_MISMATCH',
  DataDirInUse: 'POSTGRES_DATA_DIR_IN_USE',
  StopFailed: 'POSTGRES_STOP_FAILED',
} as const;
export type PostgresLocalCode = (typeof PostgresLocalCode)[keyof typeof PostgresLocalCode];

/** An error of the local PostgreSQL engine: a stable `code` and whether a retry may help. */
export class PostgresLocalError extends DbplaneError {
  constructor(
    code: PostgresLocalCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = 'PostgresLocalError';
  }
}
