import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Problem } from '../errors/index.js';
import { type Rule, type RuleKind, RuleKinds, type RulesDocument } from './types.js';

const strict = { additionalProperties: false } as const;
const bare = (rule: string, props: Record<string, TSchema> = {}) =>
  Type.Object({ rule: Type.Literal(rule), ...props }, strict);

const RuleSchema = Type.Union([
  Type.Union(
    RuleKinds.filter((k) => k !== 'constant').map((k) => Type.Literal(k)),
    {
      description: 'a rule without options',
    },
  ),
  bare('null'),
  bare('constant', {
    value: Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean()]),
  }),
  bare('hash'),
  bare('fakeEmail', {
    domain: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$',
        maxLength: 100,
      }),
    ),
  }),
  bare('fakeName'),
  bare('fakePhone'),
  bare('noise', {
    amount: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
    deterministic: Type.Optional(Type.Boolean()),
  }),
  bare('partial', {
    keepFirst: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    keepLast: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    maskChar: Type.Optional(Type.String({ minLength: 1, maxLength: 1 })),
  }),
]);

/** The rules document: also the request body part of the sanitize routes, and the OpenAPI doc. */
export const RulesSchema = Type.Object(
  {
    tables: Type.Record(
      Type.String({ minLength: 1, maxLength: 127 }),
      Type.Object({ columns: Type.Record(Type.String({ minLength: 1, maxLength: 63 }), RuleSchema) }, strict),
    ),
    sql: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100_000 }), { maxItems: 100 })),
  },
  { ...strict, $id: 'SanitizeRules' },
);

/**
 * The shape problems of a rules document (each with its JSON pointer), none
 * when it is a valid document.
 *
 * @example
 * shapeProblems({ tables: { users: { columns: { email: 'nope' } } } }) // [{ path: '/tables/users/columns/email', ... }]
 */
export function shapeProblems(doc: unknown): Problem[] {
  if (Value.Check(RulesSchema, doc)) return [];
  const seen = new Map<string, Problem>();
  for (const e of Value.Errors(RulesSchema, doc)) {
    // a union reports every branch; the first problem at a path says enough
    if (!seen.has(e.path)) seen.set(e.path || '/', { path: e.path || '/', message: e.message });
  }
  return [...seen.values()].filter(
    (p, _, all) => !all.some((q) => q.path !== p.path && q.path.startsWith(`${p.path}/`)),
  );
}

/** A rule with its options, whether it was written as a bare name or an object. */
export function ruleOf(r: Rule | RuleKind): Rule {
  return typeof r === 'string' ? ({ rule: r } as Rule) : r;
}

/** The rules of a document, table by table, with their JSON pointers. */
export function* rulesOf(
  doc: RulesDocument,
): Generator<{ table: string; column: string; rule: Rule; path: string }> {
  for (const [table, t] of Object.entries(doc.tables))
    for (const [column, r] of Object.entries(t.columns))
      yield {
        table,
        column,
        rule: ruleOf(r),
        path: `/tables/${pointerToken(table)}/columns/${pointerToken(column)}`,
      };
}

/** JSON pointer escaping of one reference token. */
export const pointerToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
