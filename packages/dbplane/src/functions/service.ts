import { randomUUID } from 'node:crypto';
import { zipSync } from 'fflate';
import type { Tokens } from '../accounts/tokens.js';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { Db, Pool } from '../store/db.js';
import { checkZip, extractCode, sha256, zipDirectory } from './code.js';
import type { WorkerPool } from './pool.js';
import * as sql from './sql.js';
import { FUNCTION_DEFAULTS, type FunctionConfig, type FunctionInfo, type InvocationResult } from './types.js';
import { compileTypeScript } from './typescript.js';

type Ref = Readonly<{ accountId: string; name: string }>;
export type CodeSource = { zipBase64: string } | { path: string };
export type ConfigChange = Partial<FunctionConfig>;

const HANDLER = /^[A-Za-z0-9_./-]+\.[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Functions: lifecycle (code, configuration, versions, aliases), invocation
 * in isolated worker processes, and per-invocation logs.
 *
 * @example
 * await functions.create(tx, { accountId, name: 'hello', handler: 'index.handler', code: { path: '/srv/hello' } });
 * const r = await functions.invoke({ accountId, name: 'hello', payload: { who: 'world' } });
 */
export function createFunctionsService(deps: {
  pool: Pool;
  region: string;
  cacheDir: string;
  workers: WorkerPool;
  /** How code calls the platform: the API's address, and short-lived tokens for each invocation. */
  platform?: { endpoint: () => string | undefined; tokens: Tokens };
}) {
  const { pool } = deps;
  const load = async (db: Db, ref: Ref, lock = false) => {
    const row = await sql.findFunction(db, { ...ref, lock });
    if (row === undefined) throw new NotFoundError('function', ref.name);
    return row;
  };
  /** The code as stored: a zip, with TypeScript compiled beside it. */
  const readCode = async (code: CodeSource): Promise<Uint8Array> => {
    const zip = 'path' in code ? await zipDirectory(code.path) : Buffer.from(code.zipBase64, 'base64');
    const files = checkZip(zip);
    if (!Object.keys(files).some((f) => /\.m?ts$/.test(f) && !f.endsWith('.d.ts'))) return zip;
    return zipSync(await compileTypeScript(files), { level: 6 });
  };

  const resolveVersion = async (row: sql.FunctionRow, qualifier: string | undefined) => {
    if (qualifier === undefined || qualifier === '$LATEST')
      return { version: '$LATEST', config: row.config, code: row.code, sha: row.code_sha256 };
    const number = /^\d+$/.test(qualifier)
      ? Number(qualifier)
      : await sql.findAlias(pool, { id: row.id, alias: qualifier });
    const v = number === undefined ? undefined : await sql.findVersion(pool, { id: row.id, version: number });
    if (v === undefined) throw new NotFoundError('function version or alias', `${row.name}:${qualifier}`);
    return { version: String(v.version), config: v.config, code: v.code, sha: v.code_sha256 };
  };

  return {
    async create(
      tx: Db,
      p: Ref &
        Partial<FunctionConfig> & {
          handler: string;
          code: CodeSource;
          tags?: Record<string, string> | undefined;
        },
    ): Promise<FunctionInfo> {
      checkConfig(p);
      if ((await sql.findFunction(tx, p)) !== undefined)
        throw new ConflictError(`function "${p.name}" already exists`);
      const code = await readCode(p.code);
      const config: FunctionConfig = {
        handler: p.handler,
        runtime: p.runtime ?? FUNCTION_DEFAULTS.runtime,
        timeoutSeconds: p.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds,
        memoryMb: p.memoryMb ?? FUNCTION_DEFAULTS.memoryMb,
        environment: p.environment ?? {},
        description: p.description ?? '',
        reservedConcurrency: p.reservedConcurrency ?? null,
        maximumRetryAttempts: p.maximumRetryAttempts ?? FUNCTION_DEFAULTS.maximumRetryAttempts,
        onFailureQueue: p.onFailureQueue ?? null,
      };
      const arn = buildArn({
        service: 'lambda',
        region: deps.region,
        accountId: p.accountId,
        resource: `function:${p.name}`,
      });
      const row = await sql.insertFunction(tx, {
        id: randomUUID(),
        accountId: p.accountId,
        name: p.name,
        arn,
        config,
        code,
        sha: sha256(code),
        tags: p.tags ?? {},
      });
      if (row === undefined) throw new ConflictError(`function "${p.name}" already exists`);
      return toInfo(row, '$LATEST');
    },

    async get(ref: Ref): Promise<FunctionInfo> {
      return toInfo(await load(pool, ref), '$LATEST');
    },

    async list(p: Readonly<{ accountId: string; limit: number; nextToken?: string | undefined }>) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listFunctions(pool, {
        ...p,
        afterName: token === undefined ? undefined : String(token.n),
      });
      const { page, more } = takePage(rows, p.limit);
      const result: { functions: FunctionInfo[]; nextToken?: string } = {
        functions: page.map((r) => toInfo(r, '$LATEST')),
      };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ n: last.name });
      return result;
    },

    async updateCode(tx: Db, p: Ref & { code: CodeSource }): Promise<FunctionInfo> {
      const row = await load(tx, p, true);
      const code = await readCode(p.code);
      await sql.updateCode(tx, { id: row.id, code, sha: sha256(code) });
      deps.workers.retire(`${row.id}:$LATEST`);
      return toInfo(await load(tx, p), '$LATEST');
    },

    async updateConfig(tx: Db, p: Ref & ConfigChange): Promise<FunctionInfo> {
      checkConfig(p);
      const row = await load(tx, p, true);
      const { accountId: _a, name: _n, ...change } = p;
      const config = {
        ...row.config,
        ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
      } as FunctionConfig;
      await sql.updateConfig(tx, { id: row.id, config });
      deps.workers.retire(`${row.id}:$LATEST`);
      return toInfo(await load(tx, p), '$LATEST');
    },

    async remove(tx: Db, ref: Ref): Promise<FunctionInfo> {
      const row = await load(tx, ref, true);
      await sql.deleteFunction(tx, row.id);
      deps.workers.retire(row.id);
      return toInfo(row, '$LATEST');
    },

    async publish(tx: Db, p: Ref & { description?: string | undefined }) {
      const row = await load(tx, p, true);
      const v = await sql.publishVersion(tx, { id: row.id, description: p.description ?? '' });
      return {
        ...toInfo({ ...row, config: v.config, code_sha256: v.code_sha256 }, String(v.version)),
        arn: `${row.arn}:${v.version}`,
      };
    },

    async listVersions(ref: Ref) {
      const row = await load(pool, ref);
      return (await sql.listVersions(pool, row.id)).map((v) => ({
        version: String(v.version),
        codeSha256: v.code_sha256,
        description: v.description,
        arn: `${row.arn}:${v.version}`,
      }));
    },

    async putAlias(tx: Db, p: Ref & { alias: string; version: string; description?: string | undefined }) {
      const row = await load(tx, p, true);
      if ((await sql.findVersion(tx, { id: row.id, version: Number(p.version) })) === undefined) {
        throw new ValidationError([{ path: '/version', message: `version ${p.version} is not published` }]);
      }
      await sql.putAlias(tx, {
        id: row.id,
        alias: p.alias,
        version: Number(p.version),
        description: p.description ?? '',
      });
      return { aliasArn: `${row.arn}:${p.alias}`, name: p.alias, functionVersion: p.version };
    },

    /** Invokes synchronously and answers as Lambda does; a thrown error is the payload with `functionError`. */
    async invoke(p: Ref & { payload?: unknown; qualifier?: string | undefined }): Promise<InvocationResult> {
      const row = await load(pool, p);
      const v = await resolveVersion(row, p.qualifier);
      const codeDir = await extractCode(deps.cacheDir, v.code);
      const requestId = randomUUID();
      const endpoint = deps.platform?.endpoint();
      const dbplane =
        endpoint === undefined || deps.platform === undefined
          ? undefined
          : {
              endpoint,
              token: await deps.platform.tokens.issue({
                accountId: p.accountId,
                role: 'operator',
                subject: `function:${row.name}`,
                ttlSeconds: v.config.timeoutSeconds + 60,
              }),
            };
      const outcome = await deps.workers.invoke(
        {
          key: `${row.id}:${v.version}:${v.sha}`,
          functionName: row.name,
          version: v.version,
          codeDir,
          handler: v.config.handler,
          environment: v.config.environment,
          timeoutSeconds: v.config.timeoutSeconds,
          memoryMb: v.config.memoryMb,
          concurrency: v.config.reservedConcurrency,
        },
        p.payload ?? {},
        {
          awsRequestId: requestId,
          functionName: row.name,
          functionVersion: v.version,
          invokedFunctionArn: row.arn,
          memoryLimitInMB: String(v.config.memoryMb),
          ...(dbplane === undefined ? {} : { dbplane }),
        },
      );
      await sql.insertLogs(pool, { id: row.id, requestId, version: v.version, lines: outcome.logs });
      if (outcome.type === 'result')
        return { statusCode: 200, payload: outcome.value, executedVersion: v.version };
      return {
        statusCode: 200,
        payload: outcome.error,
        functionError: 'Unhandled',
        executedVersion: v.version,
      };
    },

    /** The function's id and configuration, for the asynchronous invoker. */
    async find(ref: Ref) {
      const row = await load(pool, ref);
      return { id: row.id, arn: row.arn, config: row.config };
    },

    async logs(p: Ref & { afterSeq?: number | undefined; limit?: number | undefined }) {
      const row = await load(pool, p);
      const rows = await sql.listLogs(pool, { id: row.id, afterSeq: p.afterSeq ?? 0, limit: p.limit ?? 500 });
      return {
        lines: rows.map((r) => ({
          seq: Number(r.seq),
          requestId: r.request_id,
          version: r.version,
          line: r.line,
          time: r.created_at.toISOString(),
        })),
      };
    },
  };
}

export type FunctionsService = ReturnType<typeof createFunctionsService>;

function checkConfig(p: Partial<FunctionConfig>): void {
  const problems = [];
  if (p.handler !== undefined && !HANDLER.test(p.handler))
    problems.push({ path: '/handler', message: 'must look like file.export, e.g. index.handler' });
  if (p.runtime !== undefined && !/^nodejs(18|20|22)\.x$/.test(p.runtime))
    problems.push({ path: '/runtime', message: 'must be nodejs18.x, nodejs20.x or nodejs22.x' });
  if (problems.length > 0) throw new ValidationError(problems);
}

function toInfo(row: sql.FunctionRow, version: string): FunctionInfo {
  return {
    arn: row.arn,
    name: row.name,
    ...row.config,
    codeSha256: row.code_sha256,
    codeSize: row.code.byteLength,
    version,
    tags: row.tags,
    lastModified: row.updated_at.toISOString(),
  };
}
