/**
 * @module
 * The `dbplane` command: `up` runs a node; every other command is a client of
 * a running server (`--endpoint`, `DBPLANE_ENDPOINT`, `DBPLANE_API_KEY`).
 */
import { Command, Option } from 'commander';
import { registerBootstrapCommands } from '../bootstrap/cli.js';
import { registerArchiveCommands } from '../bus/cli-archives.js';
import { registerEventsCommands, registerRulesCommands } from '../bus/cli-commands.js';
import { registerDatabaseCommands, registerEnvironmentCommands } from '../databases/cli.js';
import { DbplaneError } from '../errors/index.js';
import { registerInstanceCommands } from '../instances/cli.js';
import { registerKmsCommands } from '../kms/cli.js';
import { registerSanitizeCommands } from '../sanitize/cli.js';
import { registerSecretsCommands } from '../secrets/cli.js';
import { registerSnapshotCommands } from '../snapshots/cli.js';
import { registerSnapshotCopyCommands } from '../snapshots/copy-cli.js';
import { ApiCallError, createClient } from './client.js';
import { type CommandContext, registerAudit, registerKeys, registerStatus } from './commands.js';
import { registerFunctionCommands } from './functions-commands.js';
import { createPrinter, type OutputFormat } from './output.js';
import { registerExecutionCommands, registerStateMachineCommands } from './states-commands.js';
import { up } from './up.js';

const program = new Command('dbplane')
  .description('a self-hosted database platform: provisioning, bootstrap, snapshots and durable workflows')
  .version('0.1.0')
  .addOption(new Option('--endpoint <url>', 'API endpoint (DBPLANE_ENDPOINT; default http://127.0.0.1:7070)'))
  .addOption(new Option('--api-key <key>', 'API key (DBPLANE_API_KEY; default: <data-dir>/admin.key)'))
  .addOption(new Option('--data-dir <dir>', 'data directory (DBPLANE_DATA_DIR; default ./.dbplane)'))
  .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
  .showHelpAfterError();

program
  .command('up')
  .description('start dbplane: store, API, workers and console')
  .option('--host <host>', 'listen address (DBPLANE_HOST; default 127.0.0.1)')
  .option('--port <port>', 'listen port (DBPLANE_PORT; default 7070)')
  .option('--config <file>', 'YAML or JSON config file (DBPLANE_CONFIG)')
  .option('--log-level <level>', 'log level (DBPLANE_LOG_LEVEL; default info)')
  .option('--database-url <url>', 'PostgreSQL URL of the store (DBPLANE_DATABASE_URL; default: embedded)')
  .action(async (opts: Record<string, string>) => {
    const global = program.opts<{ dataDir?: string }>();
    await up({ ...opts, ...(global.dataDir === undefined ? {} : { dataDir: global.dataDir }) });
  });

const ctx: CommandContext = {
  api: () => {
    const o = program.opts<{ endpoint?: string; apiKey?: string; dataDir?: string }>();
    return createClient({ endpoint: o.endpoint, apiKey: o.apiKey, dataDir: o.dataDir });
  },
  out: () => createPrinter(program.opts<{ output: OutputFormat }>().output),
};
registerStatus(program, ctx);
registerKeys(program, ctx);
registerAudit(program, ctx);
registerStateMachineCommands(program, ctx);
registerExecutionCommands(program, ctx);
registerFunctionCommands(program, ctx);
registerEventsCommands(program, ctx);
registerRulesCommands(program, ctx);
registerArchiveCommands(program, ctx);
registerSecretsCommands(program, ctx);
registerKmsCommands(program, ctx);
registerInstanceCommands(program, ctx);
registerDatabaseCommands(program, ctx);
registerEnvironmentCommands(program, ctx);
registerBootstrapCommands(program, ctx);
registerSnapshotCommands(program, ctx);
registerSanitizeCommands(program, ctx);
registerSnapshotCopyCommands(program, ctx);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = 1;
  report(err);
}

function report(err: unknown): void {
  const json = program.opts<{ output?: string }>().output === 'json';
  if (err instanceof ApiCallError || err instanceof DbplaneError) {
    const body = { error: { code: err.code, message: err.message, details: err.details } };
    process.stderr.write(json ? `${JSON.stringify(body)}\n` : `error: ${err.code}: ${err.message}\n`);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.DBPLANE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
}
