import { type Logger, pino } from 'pino';

/** Paths pino blanks out in every log line: keys, passwords, secret values. */
const SECRET_KEYS = ['password', 'secret', 'secretString', 'apiKey', 'token', 'databaseUrl', 'adminUrl'];
const REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
];

/**
 * The node's structured JSON logger, with secrets redacted.
 *
 * @example
 * const log = createLogger({ level: 'info' });
 * log.info({ port }, 'listening');
 */
export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'dbplane' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
