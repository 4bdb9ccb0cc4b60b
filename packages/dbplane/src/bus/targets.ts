import { NotFoundError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { QueuesService } from '../queues/service.js';
import type { Db, Pool } from '../store/db.js';

/** Why a delivery failed: EventBridge's DLQ `ERROR_CODE`s; `retriable` decides between retry and DLQ. */
export interface DeliveryFailure {
  code: string;
  message: string;
  retriable: boolean;
}

export class DeliveryError extends Error {
  constructor(readonly failure: DeliveryFailure) {
    super(failure.message);
    this.name = 'DeliveryError';
  }
}

export interface TargetContext {
  pool: Pool;
  accountId: string;
  input: string;
}

/** One kind of target: how its ARN is recognized, checked at PutTargets, and invoked. */
export interface TargetKind {
  kind: string;
  matches(arn: string): boolean;
  /** A problem message when the ARN cannot be used, or undefined. */
  check(arn: string): string | undefined;
  invoke(arn: string, ctx: TargetContext): Promise<void>;
}

const resourceOf = (arn: string, prefix: string) => arn.split(':').slice(5).join(':').slice(prefix.length);

function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError;
}

function parseJson(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    throw new DeliveryError({
      code: 'INVALID_JSON',
      message: 'the input is not valid JSON',
      retriable: false,
    });
  }
}

async function orNoResource<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (isNotFound(err))
      throw new DeliveryError({ code: 'NO_RESOURCE', message: (err as Error).message, retriable: false });
    throw err;
  }
}

/** StartExecution on a state machine ARN. */
function stateMachineKind(deps: {
  executions: ExecutionsService;
  withTx: <T>(f: (tx: Db) => Promise<T>) => Promise<T>;
}) {
  return {
    kind: 'state-machine',
    matches: (arn: string) => /^arn:dbplane:states:[^:]*:[^:]*:stateMachine:/.test(arn),
    check: () => undefined,
    async invoke(arn: string, ctx: TargetContext) {
      const input = parseJson(ctx.input);
      const stateMachine = resourceOf(arn, 'stateMachine:');
      await orNoResource(() =>
        deps.withTx((tx) => deps.executions.start(tx, { accountId: ctx.accountId, stateMachine, input })),
      );
    },
  } satisfies TargetKind;
}

/** SendMessage to a queue ARN. */
function queueKind(queues: QueuesService) {
  return {
    kind: 'queue',
    matches: (arn: string) => /^arn:dbplane:sqs:/.test(arn),
    check: () => undefined,
    async invoke(arn: string, ctx: TargetContext) {
      const name = resourceOf(arn, '');
      await orNoResource(() => queues.send({ accountId: ctx.accountId, name, body: ctx.input }));
    },
  } satisfies TargetKind;
}

/** POST to an HTTP endpoint on the allow-list. */
function httpKind(allowedHosts: readonly string[], timeoutMs: number) {
  const hostOf = (arn: string) => new URL(arn).hostname.replace(/^\[|\]$/g, '');
  return {
    kind: 'http',
    matches: (arn: string) => /^https?:\/\//.test(arn),
    check(arn: string) {
      try {
        const host = hostOf(arn);
        return allowedHosts.includes(host) ? undefined : `host "${host}" is not in httpTaskAllowedHosts`;
      } catch {
        return 'not a valid URL';
      }
    },
    async invoke(arn: string, ctx: TargetContext) {
      let res: Response;
      try {
        res = await fetch(arn, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: ctx.input,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer();
      } catch (err) {
        const timeout = (err as Error).name === 'TimeoutError';
        throw new DeliveryError({
          code: timeout ? 'TIMEOUT' : 'CONNECTION_FAILURE',
          message: (err as Error).message,
          retriable: true,
        });
      }
      if (res.ok) return;
      const throttled = res.status === 429;
      throw new DeliveryError({
        code: throttled ? 'THROTTLING' : 'ERROR_FROM_TARGET',
        message: `the endpoint answered ${res.status}`,
        retriable: throttled || res.status >= 500,
      });
    },
  } satisfies TargetKind;
}

/** The table of target kinds; add functions here when they can be targets. */
export function createTargetKinds(deps: {
  executions: ExecutionsService;
  queues: QueuesService;
  withTx: <T>(f: (tx: Db) => Promise<T>) => Promise<T>;
  httpAllowedHosts: readonly string[];
  httpTimeoutMs?: number;
}): TargetKind[] {
  return [
    stateMachineKind(deps),
    queueKind(deps.queues),
    httpKind(deps.httpAllowedHosts, deps.httpTimeoutMs ?? 5000),
  ];
}
