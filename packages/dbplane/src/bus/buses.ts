import { randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import type { Db } from '../store/db.js';
import { busNameOf } from './events-service.js';
import * as sql from './sql.js';
import type { EventBus } from './types.js';

/**
 * Event buses: each account's `default` bus (created on first use) and custom buses.
 *
 * @example
 * const bus = await buses.resolve(tx, accountId, 'default');
 */
export function createBusesService(deps: { region: string }) {
  const arnOf = (accountId: string, name: string) =>
    buildArn({ service: 'events', region: deps.region, accountId, resource: `event-bus/${name}` });

  /** A bus by name or ARN. */
  const find = (db: Db, accountId: string, nameOrArn: string) =>
    sql.findBus(db, { accountId, name: busNameOf(nameOrArn) });

  /** Ids of default buses seen committed (a default bus is never deleted, so its id never changes). */
  const defaultIds = new Map<string, string>();

  return {
    arnOf,
    find,

    /** The id of a bus to publish on: a committed default bus's id is remembered, saving a query per event. */
    async idOf(db: Db, accountId: string, nameOrArn: string): Promise<string> {
      const name = busNameOf(nameOrArn);
      const known = name === 'default' ? defaultIds.get(accountId) : undefined;
      if (known !== undefined) return known;
      const row = await find(db, accountId, name);
      if (row !== undefined) {
        if (name === 'default') defaultIds.set(accountId, row.id);
        return row.id;
      }
      return (await this.resolve(db, accountId, name)).id;
    },

    /** The bus, creating `default` lazily; NotFoundError for a missing custom bus. */
    async resolve(db: Db, accountId: string, nameOrArn: string): Promise<sql.BusRow> {
      const name = busNameOf(nameOrArn);
      const row = await find(db, accountId, name);
      if (row !== undefined) return row;
      if (name !== 'default') throw new NotFoundError('event bus', name);
      return sql.ensureBus(db, { id: randomUUID(), accountId, name, arn: arnOf(accountId, name) });
    },

    async create(tx: Db, p: { accountId: string; name: string; description?: string | undefined }) {
      if (p.name === 'default' || (await find(tx, p.accountId, p.name)) !== undefined)
        throw new ConflictError(`event bus "${p.name}" already exists`);
      const row = await sql.ensureBus(tx, {
        id: randomUUID(),
        accountId: p.accountId,
        name: p.name,
        arn: arnOf(p.accountId, p.name),
        description: p.description ?? null,
      });
      return toBus(row);
    },

    async list(db: Db, accountId: string): Promise<EventBus[]> {
      await this.resolve(db, accountId, 'default');
      return (await sql.listBuses(db, accountId)).map(toBus);
    },

    async describe(db: Db, accountId: string, name: string): Promise<EventBus> {
      return toBus(await this.resolve(db, accountId, name));
    },

    async remove(tx: Db, accountId: string, name: string): Promise<string> {
      if (name === 'default')
        throw new ValidationError([{ path: '/name', message: 'the default bus cannot be deleted' }]);
      const row = await find(tx, accountId, name);
      if (row === undefined) throw new NotFoundError('event bus', name);
      await sql.deleteBus(tx, row.id);
      return row.arn;
    },
  };
}

export type BusesService = ReturnType<typeof createBusesService>;

function toBus(row: sql.BusRow): EventBus {
  return {
    name: row.name,
    arn: row.arn,
    ...(row.description === null ? {} : { description: row.description }),
    createdAt: row.created_at.toISOString(),
  };
}
