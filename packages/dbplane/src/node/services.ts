import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { createAccountsService } from '../accounts/service.js';
import type { Services } from '../api/types.js';
import { createAuditService } from '../audit/service.js';
import { registerBootstrapIntegrations } from '../bootstrap/integrations.js';
import { createBootstrapRunner } from '../bootstrap/runner.js';
import { createBootstrapService } from '../bootstrap/service.js';
import { publishingAudit } from '../bus/audit-events.js';
import { createBusService } from '../bus/service.js';
import { publishExecutionStatus } from '../bus/status-events.js';
import { startBusWorkers } from '../bus/workers.js';
import { createEnvironmentsService } from '../databases/environments.js';
import { registerDatabaseIntegrations } from '../databases/integrations.js';
import { createDatabasesService } from '../databases/service.js';
import { localUnavailable } from '../engines/local/availability.js';
import { createLocalInstanceManager, defaultLaunchers } from '../engines/local/index.js';
import { createAslEngine } from '../executions/engine.js';
import { createRuntime } from '../executions/runtime.js';
import { type AsyncInvoker, createAsyncInvoker } from '../functions/async.js';
import { registerFunctionIntegrations } from '../functions/integration.js';
import { createWorkerPool } from '../functions/pool.js';
import { createFunctionsService } from '../functions/service.js';
import { createFunctionUrls } from '../functions/urls.js';
import { createInstanceAccess } from '../instances/access.js';
import { createInstanceEvents } from '../instances/events.js';
import { registerInstanceIntegrations } from '../instances/integrations.js';
import { resumeLocalInstances } from '../instances/resume.js';
import { createInstancesService } from '../instances/service.js';
import { createKeyring } from '../kms/keyring.js';
import type { Logger } from '../log/logger.js';
import { createQueuesService } from '../queues/service.js';
import { createSanitizeParts } from '../sanitize/wiring.js';
import { createCredentialStore } from '../secrets/credentials.js';
import { registerRotationIntegrations } from '../secrets/rotation/integrations.js';
import { createRotationService } from '../secrets/rotation/service.js';
import { createSecretsService } from '../secrets/service.js';
import { createSnapshotCopyParts, type SnapshotCopySettings } from '../snapshots/copy-wiring.js';
import { registerSnapshotIntegrations } from '../snapshots/integrations.js';
import { registerPhysicalSnapshotIntegrations } from '../snapshots/physical-integrations.js';
import { createSnapshotsService } from '../snapshots/service.js';
import { createStateMachinesService } from '../states/service.js';
import type { Pool } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';

export interface ServiceDeps {
  pool: Pool;
  region: string;
  notifier: Notifier;
  httpTaskAllowedHosts?: readonly string[];
  taskLeaseMs?: number;
  metrics: Registry;
  retention?: { logDays: number; executionDays: number };
  /** Where extracted function code is cached. */
  dataDir: string;
  /** First retry delay of asynchronous function invocations (default a minute). */
  functionRetryDelayMs?: number;
  /** First retry delay of event bus deliveries (default a second). */
  eventRetryDelayMs?: number;
  /** A keyring JSON document given by environment (`DBPLANE_KMS_KEYRING`); else `<dataDir>/keyring.json`. */
  kmsKeyring?: string | undefined;
  /** Where this region's snapshots are and how copies write (`snapshotStore`, `snapshotCopy*` settings). */
  snapshotCopy?: SnapshotCopySettings;
  /** This node's stable id (local instances belong to the node that runs them). */
  nodeId: string;
  /** Binaries for local PostgreSQL instances: machine first, or only one source. */
  postgresSource?: 'auto' | 'system' | 'npm';
}

/** Builds every domain service over one pool; dependencies are passed by hand. */
export function createServices(deps: ServiceDeps) {
  const machines = createStateMachinesService(deps);
  const runtime = createRuntime({
    ...deps,
    machines,
    engine: createAslEngine(),
    httpTaskAllowedHosts: deps.httpTaskAllowedHosts ?? ['127.0.0.1', 'localhost', '::1'],
  });
  const workers = createWorkerPool();
  const accounts = createAccountsService(deps);
  let endpoint: string | undefined;
  const functions = createFunctionsService({
    ...deps,
    cacheDir: join(deps.dataDir, 'functions'),
    workers,
    platform: { endpoint: () => endpoint, tokens: accounts.tokens },
  });
  registerFunctionIntegrations(runtime.registry, functions);
  const queues = createQueuesService(deps);
  const bus = createBusService({
    ...deps,
    queues,
    executions: runtime.executions,
    httpAllowedHosts: deps.httpTaskAllowedHosts ?? ['127.0.0.1', 'localhost', '::1'],
  });
  runtime.onStatusChange(async (tx, change) =>
    publishExecutionStatus(
      bus.events,
      tx,
      await runtime.executions.byArn(tx, change.executionArn, change.row),
    ),
  );
  const kms = createKeyring({
    dataDir: deps.dataDir,
    region: deps.region,
    fromEnv: deps.kmsKeyring ?? process.env.DBPLANE_KMS_KEYRING,
  });
  const secrets = createSecretsService({ ...deps, keyring: kms });
  const rotation = createRotationService({
    region: deps.region,
    machines,
    executions: runtime.executions,
    rules: bus.rules,
  });
  registerRotationIntegrations(runtime.registry, { pool: deps.pool, secrets });
  const credentials = createCredentialStore(secrets);
  const launchers = defaultLaunchers(deps.postgresSource ?? 'auto');
  let local: ReturnType<typeof createLocalInstanceManager> | undefined;
  const localManager = (log: Logger) => {
    local ??= createLocalInstanceManager({ baseDir: join(deps.dataDir, 'instances'), launchers, log });
    return local;
  };
  const instanceEvents = createInstanceEvents(bus.events);
  const instances = createInstancesService({
    ...deps,
    events: instanceEvents,
    databasesOn: (db, ref) => databases.countOnInstance(db, ref),
    credentials,
    machines,
    executions: runtime.executions,
    localAvailable: (engine) => localUnavailable(engine, deps.postgresSource ?? 'auto'),
  });
  const environments = createEnvironmentsService(deps);
  const databases = createDatabasesService({ ...deps, environments, machines, bus });
  const bootstrapRunner = createBootstrapRunner({ pool: deps.pool, instances, credentials, secrets });
  const copyParts = createSnapshotCopyParts({
    ...deps,
    keyring: kms,
    machines,
    bus,
    executions: runtime.executions,
  });
  const snapshotStore = copyParts.stores.local;
  const snapshots = createSnapshotsService({
    ...deps,
    store: snapshotStore,
    storeFor: copyParts.stores.storeFor,
    databases,
    instances,
    machines,
    executions: runtime.executions,
  });
  const sanitize = createSanitizeParts({
    ...deps,
    databases,
    snapshots,
    secrets,
    machines,
    executions: runtime.executions,
  });
  const bootstrap = createBootstrapService({
    pool: deps.pool,
    runner: bootstrapRunner,
    machines,
    bus,
    executions: runtime.executions,
  });
  let busWorkers: { stop(): Promise<void> } | undefined;
  let asyncInvoker: AsyncInvoker | undefined;
  const services: Services = {
    accounts,
    audit: publishingAudit(createAuditService(deps), bus.events),
    bus,
    machines,
    queues,
    executions: runtime.executions,
    activities: runtime.activities,
    functions,
    kms,
    secrets,
    rotation,
    instances,
    environments,
    databases,
    bootstrap,
    snapshots,
    sanitize: sanitize.service,
    ...copyParts.services,
    functionUrls: createFunctionUrls({ pool: deps.pool, functions, accounts }),
    invokeAsync: async (p) => {
      const fn = await functions.find(p);
      if (asyncInvoker === undefined)
        throw new Error('asynchronous invocations need the workers of this node');
      return asyncInvoker.enqueue(deps.pool, { ...p, functionId: fn.id });
    },
  };
  const owner = `${hostname()}:${process.pid}:fn`;
  return {
    services,
    runtime,
    /** Starts the node's workers: the execution runtime's and the asynchronous function invoker. */
    startWorkers(log: Logger) {
      const manager = localManager(log);
      registerInstanceIntegrations(runtime.registry, {
        ...deps,
        local: manager,
        credentials,
        events: instanceEvents,
      });
      const instanceAccess = createInstanceAccess({
        ...deps,
        local: manager,
        credentials,
        events: instanceEvents,
      });
      registerDatabaseIntegrations(runtime.registry, {
        ...deps,
        instances: instanceAccess,
        environments,
        credentials,
        executions: runtime.executions,
      });
      copyParts.register(runtime.registry);
      registerSnapshotIntegrations(runtime.registry, {
        pool: deps.pool,
        store: snapshotStore,
        storeFor: copyParts.stores.storeFor,
        keyring: kms,
        databases,
        instances: instanceAccess,
      });
      registerPhysicalSnapshotIntegrations(runtime.registry, {
        pool: deps.pool,
        store: snapshotStore,
        storeFor: copyParts.stores.storeFor,
        keyring: kms,
        instances: instanceAccess,
      });
      sanitize.register(runtime.registry, (ref) => instanceAccess.adminUrl(ref));
      registerBootstrapIntegrations(runtime.registry, {
        pool: deps.pool,
        runner: bootstrapRunner,
        executions: runtime.executions,
        events: bus.events,
      });
      void resumeLocalInstances({ ...deps, local: manager, log, credentials, events: instanceEvents });
      asyncInvoker = createAsyncInvoker({
        ...deps,
        functions,
        queues,
        log,
        owner,
        ...(deps.functionRetryDelayMs === undefined ? {} : { retryDelayMs: deps.functionRetryDelayMs }),
      });
      asyncInvoker.start();
      runtime.startWorkers(log);
      busWorkers = startBusWorkers(
        {
          ...deps,
          queues,
          kinds: bus.kinds,
          observer: bus.observer,
          delivery: { baseDelayMs: deps.eventRetryDelayMs ?? 1000 },
        },
        log,
      );
    },
    async stopWorkers() {
      await runtime.stopWorkers();
      await busWorkers?.stop();
      await asyncInvoker?.stop();
      await local?.stopAll();
    },
    close: () => workers.close(),
    /** Where functions reach the API (known once the server listens). */
    setEndpoint(url: string) {
      endpoint = url;
    },
  };
}
