import { Type } from '@sinclair/typebox';
import { LogLevels, MachineTypes } from './types.js';

export const Logging = Type.Object(
  {
    level: Type.Union(LogLevels.map((l) => Type.Literal(l))),
    includeExecutionData: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export const TagsSchema = Type.Record(
  Type.String({ minLength: 1, maxLength: 128 }),
  Type.String({ maxLength: 256 }),
  {
    maxProperties: 50,
  },
);

export const Definition = Type.Union(
  [Type.Record(Type.String(), Type.Unknown()), Type.String({ maxLength: 1_048_576 })],
  {
    description: 'the ASL definition, as JSON or as a JSON string',
  },
);

export const StateMachineSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    type: Type.Union(MachineTypes.map((t) => Type.Literal(t))),
    definition: Type.Unknown(),
    roleArn: Type.Union([Type.String(), Type.Null()]),
    logging: Logging,
    description: Type.String(),
    tags: TagsSchema,
    revision: Type.Integer(),
    revisionId: Type.String(),
    builtin: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'StateMachine' },
);

export const VersionSchema = Type.Object(
  {
    arn: Type.String(),
    stateMachineArn: Type.String(),
    version: Type.Integer(),
    revisionId: Type.String(),
    description: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'StateMachineVersion' },
);

export const Routing = Type.Array(
  Type.Object(
    { version: Type.Integer({ minimum: 1 }), weight: Type.Integer({ minimum: 0, maximum: 100 }) },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 2 },
);

export const AliasSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    stateMachineArn: Type.String(),
    routing: Routing,
    description: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'StateMachineAlias' },
);
