import { resolve } from 'node:path';
import ora from 'ora';
import { type Config, loadConfig } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import { adminKeyPath } from '../node/admin-key.js';
import { startNode } from '../node/node.js';

export interface UpFlags {
  dataDir?: string;
  host?: string;
  port?: string;
  config?: string;
  logLevel?: string;
  databaseUrl?: string;
}

/**
 * `dbplane up`: starts the store (embedded unless DBPLANE_DATABASE_URL is
 * set), the API and the workers; prints the URL and, on first start, the
 * admin key; stops gracefully on SIGINT/SIGTERM.
 */
export async function up(flags: UpFlags): Promise<void> {
  const config = loadConfig({ env: process.env, file: flags.config, flags: toLayer(flags) });
  const log = createLogger({ level: config.logLevel, destination: process.stderr });
  const spinner = ora({
    text: 'starting dbplane',
    stream: process.stderr,
    isEnabled: process.stderr.isTTY === true,
  });
  spinner.start();
  let node: Awaited<ReturnType<typeof startNode>>;
  try {
    node = await startNode(config, log);
  } catch (err) {
    spinner.fail('dbplane could not start');
    throw err;
  }
  spinner.stop();
  printBanner(config, node.url, node.firstAdminKey, node.store.kind);
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('graceful shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function toLayer(flags: UpFlags): Partial<Record<keyof Config, unknown>> {
  return {
    dataDir: flags.dataDir,
    host: flags.host,
    port: flags.port === undefined ? undefined : /^\d+$/.test(flags.port) ? Number(flags.port) : flags.port,
    logLevel: flags.logLevel,
    databaseUrl: flags.databaseUrl,
  };
}

function printBanner(
  config: Config,
  url: string,
  firstKey: { key: string; file: string } | undefined,
  store: string,
): void {
  const lines = [
    `dbplane is up at ${url}`,
    `  region ${config.region} · store ${store} · data ${resolve(config.dataDir)}`,
  ];
  if (firstKey !== undefined) {
    lines.push(`  admin API key (shown once, also written to ${firstKey.file}):`, `  ${firstKey.key}`);
  } else {
    lines.push(`  admin API key: see ${adminKeyPath(resolve(config.dataDir))}`);
  }
  lines.push(`  try: curl -H "x-api-key: $(cat ${adminKeyPath(config.dataDir)})" ${url}/v1/api-keys`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
