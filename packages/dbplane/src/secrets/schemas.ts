import { Type } from '@sinclair/typebox';

/** Secret names as Secrets Manager allows them: letters, digits and `/_+=.@-`. */
export const SecretName = Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9/_+=.@-]+$' });
/** A name or an ARN, in the URL (URL-encode slashes). */
export const SecretId = Type.Object({ name: Type.String({ minLength: 1, maxLength: 2048 }) });
export const Token = Type.String({ minLength: 32, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
export const Stage = Type.String({ minLength: 1, maxLength: 256 });
export const Tags = Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 256 }));
export const Value = {
  secretString: Type.Optional(Type.String({ maxLength: 65_536 })),
  secretBinary: Type.Optional(Type.String({ maxLength: 87_384, contentEncoding: 'base64' })),
};

/** RotateSecret's schedule: every N days, or a `rate(...)`/`cron(...)` expression. */
export const RotationRules = Type.Object(
  {
    automaticallyAfterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    scheduleExpression: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const Description = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    description: Type.String(),
    kmsKeyId: Type.String(),
    tags: Type.Record(Type.String(), Type.String()),
    createdDate: Type.String(),
    lastChangedDate: Type.String(),
    deletedDate: Type.Optional(Type.String()),
    deletionDate: Type.Optional(Type.String()),
    versionIdsToStages: Type.Record(Type.String(), Type.Array(Type.String())),
    rotationEnabled: Type.Optional(Type.Boolean()),
    rotationRules: Type.Optional(RotationRules),
    lastRotatedDate: Type.Optional(Type.String()),
    nextRotationDate: Type.Optional(Type.String()),
  },
  { $id: 'SecretDescription' },
);

export const ValueAnswer = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    versionId: Type.String(),
    versionStages: Type.Array(Type.String()),
    secretString: Type.Optional(Type.String()),
    secretBinary: Type.Optional(Type.String()),
    createdDate: Type.String(),
  },
  { $id: 'SecretValue' },
);

export const Ack = Type.Object({
  arn: Type.String(),
  name: Type.String(),
  versionId: Type.Optional(Type.String()),
  versionStages: Type.Optional(Type.Array(Type.String())),
  deletionDate: Type.Optional(Type.String()),
});
