import { Type } from '@sinclair/typebox';
import { DatabaseStatuses } from './types.js';

export const Engine = Type.Union([Type.Literal('postgres'), Type.Literal('mysql')]);

/** A database name: what the server and the owner login are called, safe on PostgreSQL and MySQL alike. */
export const DatabaseName = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[a-z][a-z0-9_]*$',
  description: 'lowercase letters, digits and underscores, starting with a letter; at most 32 characters',
});

/** A TTL: seconds, or a duration such as `30m`, `12h`, `7d`. */
export const Ttl = Type.Union([
  Type.Integer({ minimum: 60, maximum: 31_536_000 }),
  Type.String({ pattern: '^[1-9][0-9]{0,6}[smhd]$' }),
]);

const UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds of a TTL given as a number or a duration string. */
export function ttlSeconds(ttl: number | string | undefined): number | undefined {
  if (ttl === undefined || typeof ttl === 'number') return ttl;
  return Number(ttl.slice(0, -1)) * UNIT[ttl.slice(-1) as keyof typeof UNIT];
}

const Endpoint = Type.Union([Type.Object({ host: Type.String(), port: Type.Integer() }), Type.Null()]);

export const DatabaseSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    engine: Engine,
    environment: Type.String(),
    instance: Type.Union([Type.String(), Type.Null()]),
    dedicated: Type.Boolean(),
    status: Type.Union(DatabaseStatuses.map((s) => Type.Literal(s))),
    statusReason: Type.Optional(Type.String()),
    endpoint: Endpoint,
    secretArn: Type.Union([Type.String(), Type.Null()]),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    executionArn: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Record(Type.String(), Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Database' },
);

const Placement = Type.Object(
  {
    postgres: Type.Optional(Type.Object({ instance: Type.String() }, { additionalProperties: false })),
    mysql: Type.Optional(Type.Object({ instance: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/** The settings of an environment, as PUT and POST take them. */
export const EnvironmentFields = {
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  placement: Type.Optional(Placement),
  engines: Type.Optional(Type.Array(Engine, { minItems: 1, uniqueItems: true })),
  maxTtlSeconds: Type.Optional(Type.Union([Type.Integer({ minimum: 60 }), Type.Null()])),
  defaultTtlSeconds: Type.Optional(Type.Union([Type.Integer({ minimum: 60 }), Type.Null()])),
  namePattern: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  allowDedicated: Type.Optional(Type.Boolean()),
};

export const EnvironmentSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    description: Type.String(),
    placement: Placement,
    engines: Type.Array(Engine),
    maxTtlSeconds: Type.Union([Type.Integer(), Type.Null()]),
    defaultTtlSeconds: Type.Union([Type.Integer(), Type.Null()]),
    namePattern: Type.Union([Type.String(), Type.Null()]),
    allowDedicated: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Environment' },
);
