import { randomUUID } from 'node:crypto';
import { parseSchedule, validateInputTransformer, validatePattern, validateSchedule } from '@dbplane/events';
import { buildArn } from '../arn.js';
import { NotFoundError, type Problem, ValidationError } from '../errors/index.js';
import type { Db } from '../store/db.js';
import type { BusesService } from './buses.js';
import * as sql from './sql.js';
import type { TargetKind } from './targets.js';
import { MAX_TARGETS_PER_RULE, type Rule, type Target } from './types.js';

type RuleRef = { accountId: string; name: string; eventBusName?: string | undefined };
export type RuleInput = RuleRef & {
  eventPattern?: unknown;
  scheduleExpression?: string | undefined;
  state?: 'ENABLED' | 'DISABLED' | undefined;
  description?: string | undefined;
};

/** The next fire time of a schedule expression after `from`, or null. */
export function nextFire(expression: string, from: Date): Date | null {
  return parseSchedule(expression, { timezone: 'UTC' }).next(from);
}

const prefixed = (prefix: string, problems: readonly { path: string; message: string }[]): Problem[] =>
  problems.map((p) => ({
    path: `${prefix}${p.path === '' || p.path.startsWith('/') ? p.path : `/${p.path}`}`,
    message: p.message,
  }));

function checkRule(p: RuleInput): void {
  if (p.eventPattern === undefined && p.scheduleExpression === undefined)
    throw new ValidationError([
      { path: '/eventPattern', message: 'an event pattern or a schedule expression is required' },
    ]);
  const problems: Problem[] = [];
  if (p.eventPattern !== undefined)
    problems.push(...prefixed('/eventPattern', validatePattern(p.eventPattern as never)));
  if (p.scheduleExpression !== undefined)
    problems.push(...prefixed('/scheduleExpression', validateSchedule(p.scheduleExpression)));
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * Rules on a bus and their targets; every change bumps the bus's rules
 * version so each node's compiled matcher is rebuilt.
 */
export function createRulesService(deps: {
  region: string;
  buses: BusesService;
  kinds: readonly TargetKind[];
}) {
  const { buses } = deps;
  const arnOf = (accountId: string, bus: string, name: string) =>
    buildArn({
      service: 'events',
      region: deps.region,
      accountId,
      resource: bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`,
    });

  const load = async (db: Db, p: RuleRef) => {
    const bus = await buses.resolve(db, p.accountId, p.eventBusName ?? 'default');
    const row = await sql.findRule(db, { busId: bus.id, name: p.name });
    if (row === undefined) throw new NotFoundError('rule', p.name);
    return { bus, row };
  };

  const checkTarget = (t: Target, i: number): Problem[] => {
    const path = `/targets/${i}`;
    const kind = deps.kinds.find((k) => k.matches(t.arn));
    const problems: Problem[] = [];
    if (kind === undefined)
      problems.push({
        path: `${path}/arn`,
        message: 'not a supported target (state machine, queue or HTTP endpoint)',
      });
    const bad = kind?.check(t.arn);
    if (bad !== undefined) problems.push({ path: `${path}/arn`, message: bad });
    const forms = [t.input, t.inputPath, t.inputTransformer].filter((x) => x !== undefined).length;
    if (forms > 1)
      problems.push({ path, message: 'only one of input, inputPath and inputTransformer may be set' });
    const opts =
      t.inputTransformer ??
      (t.input !== undefined
        ? { input: t.input }
        : t.inputPath !== undefined
          ? { inputPath: t.inputPath }
          : {});
    if (forms <= 1)
      problems.push(
        ...prefixed(
          t.inputTransformer ? `${path}/inputTransformer` : path,
          validateInputTransformer(opts as never),
        ),
      );
    return problems;
  };

  return {
    arnOf,
    load,

    async put(tx: Db, p: RuleInput): Promise<Rule> {
      checkRule(p);
      const bus = await buses.resolve(tx, p.accountId, p.eventBusName ?? 'default');
      const busName = bus.name;
      const state = p.state ?? 'ENABLED';
      const next =
        p.scheduleExpression !== undefined && state === 'ENABLED'
          ? nextFire(p.scheduleExpression, new Date())
          : null;
      const row = await sql.upsertRule(tx, {
        id: randomUUID(),
        busId: bus.id,
        name: p.name,
        arn: arnOf(p.accountId, busName, p.name),
        eventPattern: p.eventPattern ?? null,
        scheduleExpression: p.scheduleExpression ?? null,
        state,
        description: p.description ?? null,
        nextFireAt: next,
      });
      await sql.bumpRules(tx, bus.id);
      return toRule(row, busName);
    },

    async describe(db: Db, p: RuleRef): Promise<Rule> {
      const { row, bus } = await load(db, p);
      return toRule(row, bus.name);
    },

    async list(
      db: Db,
      p: { accountId: string; eventBusName?: string | undefined; prefix?: string | undefined },
    ) {
      const bus = await buses.resolve(db, p.accountId, p.eventBusName ?? 'default');
      const rows = await sql.listRules(db, bus.id);
      return rows
        .filter((r) => p.prefix === undefined || r.name.startsWith(p.prefix))
        .map((r) => toRule(r, bus.name));
    },

    async setState(tx: Db, p: RuleRef, state: 'ENABLED' | 'DISABLED'): Promise<string> {
      const { row, bus } = await load(tx, p);
      const next =
        row.schedule_expression !== null && state === 'ENABLED'
          ? nextFire(row.schedule_expression, new Date())
          : null;
      await sql.setRuleState(tx, row.id, state, next);
      await sql.bumpRules(tx, bus.id);
      return row.arn;
    },

    async remove(tx: Db, p: RuleRef): Promise<string> {
      const { row, bus } = await load(tx, p);
      await sql.deleteRule(tx, row.id);
      await sql.bumpRules(tx, bus.id);
      return row.arn;
    },

    async putTargets(tx: Db, p: RuleRef & { targets: Target[] }) {
      const { row, bus } = await load(tx, p);
      const problems = p.targets.flatMap(checkTarget);
      if (problems.length > 0) throw new ValidationError(problems);
      const existing = await sql.listTargets(tx, [row.id]);
      const ids = new Set([...existing.map((t) => t.target_id), ...p.targets.map((t) => t.id)]);
      if (ids.size > MAX_TARGETS_PER_RULE)
        throw new ValidationError([
          { path: '/targets', message: `a rule has at most ${MAX_TARGETS_PER_RULE} targets` },
        ]);
      for (const t of p.targets)
        await sql.upsertTarget(tx, { ruleId: row.id, id: t.id, arn: t.arn, spec: t });
      await sql.bumpRules(tx, bus.id);
      return { ruleArn: row.arn, failedEntryCount: 0, failedEntries: [] };
    },

    async listTargets(db: Db, p: RuleRef): Promise<Target[]> {
      const { row } = await load(db, p);
      return (await sql.listTargets(db, [row.id])).map((t) => t.spec);
    },

    async removeTarget(tx: Db, p: RuleRef & { id: string }): Promise<string> {
      const { row, bus } = await load(tx, p);
      if ((await sql.deleteTarget(tx, row.id, p.id)) === 0) throw new NotFoundError('target', p.id);
      await sql.bumpRules(tx, bus.id);
      return row.arn;
    },
  };
}

function toRule(row: sql.RuleRow, busName: string): Rule {
  return {
    name: row.name,
    arn: row.arn,
    eventBusName: busName,
    ...(row.event_pattern === null ? {} : { eventPattern: row.event_pattern }),
    ...(row.schedule_expression === null ? {} : { scheduleExpression: row.schedule_expression }),
    state: row.state,
    ...(row.description === null ? {} : { description: row.description }),
  };
}
