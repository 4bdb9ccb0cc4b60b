import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import type { Permission, Principal } from '../accounts/types.js';
import type { AuditService } from '../audit/service.js';
import type { Config } from '../config/index.js';
import type { ActivitiesService } from '../executions/activities.js';
import type { ExecutionsService } from '../executions/service.js';
import type { FunctionsService } from '../functions/service.js';
import type { QueuesService } from '../queues/service.js';
import type { StateMachinesService } from '../states/service.js';
import type { Pool } from '../store/db.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must allow; defaults to `read` for GET/HEAD, `write` otherwise. */
    permission?: Permission;
    /** Marks a mutating route: its audit record's service and action. */
    audit?: { service: string; action: string };
    /**
     * A data-plane call (send or receive a message, put events): not audited,
     * like CloudTrail's data events, so that traffic does not flood the trail.
     */
    dataPlane?: boolean;
    /** Served without an API key (health, metrics, OpenAPI, console). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    auditWritten: boolean;
    failure: { code: string; message: string } | undefined;
  }
}

/** The services the HTTP API reaches; one per domain. */
export interface Services {
  accounts: AccountsService;
  audit: AuditService;
  machines: StateMachinesService;
  queues: QueuesService;
  executions: ExecutionsService;
  activities: ActivitiesService;
  functions: FunctionsService;
  /** The event bus: buses, PutEvents, rules and targets, archives and replays. */
  bus: import('../bus/service.js').BusService;
  functionUrls: import('../functions/urls.js').FunctionUrls;
  /** Secrets (Secrets Manager semantics) over envelope encryption. */
  secrets: import('../secrets/service.js').SecretsService;
  /** Database servers: external ones registered, local ones run by this node. */
  instances: import('../instances/service.js').InstancesService;
  /** Rotation of database credentials (RotateSecret, CancelRotateSecret). */
  rotation: import('../secrets/rotation/service.js').RotationService;
  /** Placement and limits of database requests. */
  environments: import('../databases/environments.js').EnvironmentsService;
  /** Self-service databases. */
  databases: import('../databases/service.js').DatabasesService;
  /** Bootstrap specs per instance: plan, apply through the dbplane-bootstrap workflow, drift. */
  bootstrap: import('../bootstrap/service.js').BootstrapService;
  /** Logical snapshots of databases: create, restore, share. */
  snapshots: import('../snapshots/service.js').SnapshotsService;
  /** Each region's snapshot store (`/v1/snapshot-stores`). */
  snapshotStores: import('../snapshots/stores.js').RegionStores;
  /** CopySnapshot to another region's store, re-encrypted. */
  snapshotCopies: import('../snapshots/copy.js').CopyService;
  /** Retention policies per snapshot source. */
  snapshotRetention: import('../snapshots/retention.js').RetentionService;
  /** Masking rules validated and dry-run on databases; runs of dbplane-sanitized-snapshot. */
  sanitize: import('../sanitize/service.js').SanitizeService;
  /** The region's key-encryption keys. */
  kms: import('../kms/keyring.js').Keyring;
  /** Accepts an `Event` invocation durably; the node's asynchronous invoker runs it. */
  invokeAsync(p: {
    accountId: string;
    name: string;
    qualifier?: string | undefined;
    payload: unknown;
  }): Promise<string>;
}

export interface ApiDeps {
  config: Config;
  pool: Pool;
  services: Services;
  metrics: import('prom-client').Registry;
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;
