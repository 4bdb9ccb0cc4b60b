import { describe, expect, it } from 'vitest';
import { mysqlDialect, postgresDialect } from './dialect.js';
import { maskExpression } from './expressions.js';
import { shapeProblems } from './schemas.js';
import type { ColumnInfo, RulesDocument, SchemaInfo } from './types.js';
import { collisionChance, validateRules } from './validate.js';

// Pure: rule validation against a described schema, shape problems, and what the SQL generation quotes.

const col = (name: string, over: Partial<ColumnInfo> = {}): ColumnInfo => ({
  name,
  kind: 'text',
  type: 'character varying',
  maxLength: 200,
  bits: null,
  nullable: true,
  unique: false,
  ...over,
});
const SCHEMA: SchemaInfo = {
  engine: 'postgres',
  tables: [
    {
      name: 'users',
      schema: 'public',
      table: 'users',
      rows: 1_000_000,
      columns: [
        col('id', {
          kind: 'integer',
          type: 'bigint',
          bits: 64,
          maxLength: null,
          nullable: false,
          unique: true,
        }),
        col('seq', { kind: 'integer', type: 'integer', bits: 32, maxLength: null, unique: true }),
        col('email', { nullable: false, unique: true }),
        col('short', { maxLength: 10 }),
        col('name', { kind: 'text', type: 'text', maxLength: null }),
        col('born', { kind: 'date', type: 'date', maxLength: null }),
        col('salary', { kind: 'number', type: 'numeric', maxLength: null }),
      ],
    },
    {
      name: 'orders',
      schema: 'public',
      table: 'orders',
      rows: 10,
      columns: [col('user_id', { kind: 'integer', type: 'bigint', bits: 64, maxLength: null }), col('email')],
    },
  ],
  foreignKeys: [
    { table: 'orders', columns: ['user_id'], refTable: 'users', refColumns: ['id'] },
    { table: 'orders', columns: ['email'], refTable: 'users', refColumns: ['email'] },
  ],
};
const errorsOf = (doc: RulesDocument) =>
  Object.fromEntries(
    validateRules(doc, SCHEMA)
      .filter((p) => p.severity === 'error')
      .map((p) => [p.path, p.message]),
  );

describe('validateRules', () => {
  it('accepts a consistent document', () => {
    const doc: RulesDocument = {
      tables: {
        users: {
          columns: { id: 'hash', email: 'fakeEmail', born: { rule: 'noise', days: 5 }, name: 'fakeName' },
        },
        orders: { columns: { user_id: 'hash', email: { rule: 'fakeEmail' } } },
      },
    };
    expect(validateRules(doc, SCHEMA)).toEqual([]);
  });

  it('names unknown tables and columns by their pointer', () => {
    expect(
      errorsOf({ tables: { ghosts: { columns: { a: 'null' } }, users: { columns: { 'a/b~c': 'null' } } } }),
    ).toEqual({
      '/tables/ghosts': expect.stringContaining('no table "ghosts"'),
      '/tables/users/columns/a~1b~0c': expect.stringContaining('no column "a/b~c"'),
    });
  });

  it('refuses rules that do not fit the type', () => {
    const e = errorsOf({
      tables: {
        users: {
          columns: {
            salary: 'fakeEmail',
            short: 'fakeEmail',
            born: { rule: 'noise', amount: 3 },
            name: { rule: 'constant', value: 3 },
          },
        },
      },
    });
    expect(e['/tables/users/columns/salary']).toMatch(
      /rule fakeEmail does not apply to "salary" of type numeric/,
    );
    expect(e['/tables/users/columns/short']).toMatch(/holds 10 characters; a fake email needs 29/);
    expect(e['/tables/users/columns/born/amount']).toMatch(/give days, not amount/);
    expect(e['/tables/users/columns/name/value']).toMatch(/must be a string/);
  });

  it('refuses colliding rules on unique columns, with the reason', () => {
    const e = errorsOf({
      tables: {
        users: {
          columns: { email: { rule: 'partial', keepLast: 3 }, seq: 'hash', name: 'fakeName', id: 'null' },
        },
      },
    });
    expect(e['/tables/users/columns/email']).toMatch(
      /primary key or UNIQUE: rule partial can give two rows the same value/,
    );
    expect(e['/tables/users/columns/seq']).toMatch(
      /31-bit values here, so two of its 1000000 rows collide with probability 1/,
    );
    expect(e['/tables/users/columns/id']).toMatch(/NOT NULL/);
    expect(collisionChance(1_000_000, 60)).toBeLessThan(1e-6);
    expect(collisionChance(1_000_000, 31)).toBe(1);
  });

  it('requires a key and every foreign key that references it to carry the same rule', () => {
    expect(errorsOf({ tables: { users: { columns: { id: 'hash' } } } })).toEqual({
      '/tables/orders/columns/user_id': expect.stringMatching(
        /orders\.user_id references users\.id: both need the same rule/,
      ),
    });
    expect(errorsOf({ tables: { orders: { columns: { email: 'fakeEmail' } } } })).toEqual({
      '/tables/users/columns/email': expect.stringMatching(/users\.email has none/),
    });
    const both = {
      tables: {
        users: { columns: { email: 'fakeEmail' as const } },
        orders: { columns: { email: 'hash' as const } },
      },
    };
    expect(Object.keys(errorsOf(both))).toEqual(['/tables/orders/columns/email']);
    // a reference may be cut (set NULL) without touching the key
    expect(errorsOf({ tables: { orders: { columns: { user_id: 'null' } } } })).toEqual({});
  });
});

describe('shapeProblems', () => {
  it('points at a rule that does not exist and at a bad option', () => {
    const problems = shapeProblems({
      tables: { users: { columns: { email: 'scramble', ssn: { rule: 'partial', keepFirst: -1 } } } },
      sql: 'DROP TABLE users',
    });
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('/tables/users/columns/email');
    expect(paths.some((p) => p.startsWith('/tables/users/columns/ssn'))).toBe(true);
    expect(paths).toContain('/sql');
    expect(shapeProblems({ tables: {} })).toEqual([]);
  });
});

describe('generated SQL', () => {
  const evil = col(`e"m'a\`il`);
  it('quotes identifiers and literals for each engine', () => {
    const salt = "x' OR 1=1 --";
    const pg = maskExpression(
      postgresDialect,
      evil,
      { rule: 'constant', value: "it's" },
      postgresDialect.lit(salt),
    );
    expect(pg).toBe("'it''s'");
    const pgHash = maskExpression(postgresDialect, evil, { rule: 'hash' }, postgresDialect.lit(salt));
    expect(pgHash).toContain(`"e""m'a\`il"`);
    expect(pgHash).toContain("'x'' OR 1=1 --'");
    const my = maskExpression(
      mysqlDialect,
      evil,
      { rule: 'fakeEmail', domain: 'qa.example.org' },
      mysqlDialect.lit(salt),
    );
    expect(my).toContain('`e"m\'a``il`');
    expect(my).not.toContain('OR 1=1');
    expect(my).toContain(`X'${Buffer.from('@qa.example.org').toString('hex')}'`);
    expect(() => postgresDialect.lit('a\u0000b')).toThrow(/NUL/);
  });
});
