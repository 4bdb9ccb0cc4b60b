import { Type } from '@sinclair/typebox';
import { Engine } from '../databases/schemas.js';
import { Compressions, SnapshotKinds, SnapshotStatuses } from './types.js';

/** A snapshot name: like AWS's DB snapshot identifiers (letters, digits, hyphens). */
export const SnapshotName = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[A-Za-z][A-Za-z0-9-]*$',
  description: 'letters, digits and hyphens, starting with a letter; at most 63 characters',
});

export const AccountId = Type.String({ pattern: '^[0-9]{12}$' });

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const SnapshotSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    ownerAccountId: Type.String(),
    source: Type.Object({
      database: nullable(Type.String()),
      engine: Engine,
      instance: nullable(Type.String()),
    }),
    kind: Type.Union(SnapshotKinds.map((k) => Type.Literal(k))),
    status: Type.Union(SnapshotStatuses.map((s) => Type.Literal(s))),
    statusReason: Type.Optional(Type.String()),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    sizeBytes: Type.Union([Type.Integer(), Type.Null()]),
    checksum: nullable(Type.String()),
    compression: Type.Union([...Compressions.map((c) => Type.Literal(c)), Type.Null()]),
    region: Type.String(),
    keyArn: nullable(Type.String()),
    sharedWith: Type.Array(Type.String()),
    executionArn: nullable(Type.String()),
    copyOf: nullable(Type.String()),
    tags: Type.Record(Type.String(), Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Snapshot' },
);
