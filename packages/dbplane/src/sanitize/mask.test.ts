import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectAdmin, type EngineName } from '../engines/admin/index.js';
import { TEST_MYSQL_URL } from '../test-support/mysql.js';
import { readSchema } from './catalog.js';
import { openTarget, type Target } from './connection.js';
import { applyMasking, maskedBy } from './mask.js';
import { dryRun, problemsOf } from './operations.js';
import { planMasking } from './plan.js';
import type { RulesDocument } from './types.js';
import { takeSamples, verifyMasking } from './verify.js';

// Direct masking on real servers (no control plane): the generated SQL runs, keeps types and formats,
// keeps joins, and verification sees what masking missed.

const SALT = 's\'alt\\"`x';
const ENGINES: { engine: EngineName; url: () => string; serial: string; text: string }[] = [
  { engine: 'postgres', url: () => inject('pgUrl'), serial: 'bigint', text: 'text' },
  { engine: 'mysql', url: () => TEST_MYSQL_URL, serial: 'bigint', text: 'varchar(300)' },
];

const made: { engine: EngineName; url: string; name: string }[] = [];
afterAll(async () => {
  for (const m of made) {
    const admin = await connectAdmin(m.engine, m.url);
    await admin.dropDatabase(m.name).finally(() => admin.close());
  }
}, 60_000);

async function fresh(e: (typeof ENGINES)[number]): Promise<Target> {
  const name = `san_${randomBytes(4).toString('hex')}`;
  const admin = await connectAdmin(e.engine, e.url());
  await admin.createDatabase({ name }).finally(() => admin.close());
  made.push({ engine: e.engine, url: e.url(), name });
  const t = await openTarget(e.engine, e.url(), name);
  const q = (s: string) => t.query(s);
  await q(`CREATE TABLE users (id ${e.serial} PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name ${e.text},
    phone varchar(30), ssn varchar(20), age integer, born date, note ${e.text})`);
  await q(`CREATE TABLE orders (id integer PRIMARY KEY, user_id ${e.serial} NOT NULL REFERENCES users (id),
    email varchar(200), total numeric(10,2))`);
  const users = Array.from({ length: 50 }, (_, i) => {
    const n = i + 1;
    return `(${n}, 'person${n}@corp.test', 'Person ${n}', '+1 (555) ${String(1000 + n)}-77', '123-45-${String(6000 + n)}', ${20 + (n % 50)}, '1980-01-${String((n % 28) + 1).padStart(2, '0')}', 'it''s "n" ${n}')`;
  });
  await q(`INSERT INTO users VALUES ${users.join(', ')}`);
  const orders = Array.from(
    { length: 120 },
    (_, i) => `(${i + 1}, ${(i % 50) + 1}, 'person${(i % 50) + 1}@corp.test', ${i}.50)`,
  );
  await q(`INSERT INTO orders VALUES ${orders.join(', ')}`);
  return t;
}

const RULES: RulesDocument = {
  tables: {
    users: {
      columns: {
        id: 'hash',
        email: { rule: 'fakeEmail' },
        name: 'fakeName',
        phone: 'fakePhone',
        ssn: { rule: 'partial', keepLast: 4 },
        age: { rule: 'noise', amount: 3, deterministic: true },
        born: { rule: 'noise', days: 10 },
        note: { rule: 'constant', value: 'redacted' },
      },
    },
    orders: {
      columns: { user_id: 'hash', email: { rule: 'fakeEmail' }, total: 'null' },
    },
  },
  sql: ["UPDATE users SET age = -1 WHERE ssn LIKE '%6001'"],
};

describe.each(ENGINES)('masking on $engine', (e) => {
  it('masks in place, keeps formats and joins, and verifies', { timeout: 60_000 }, async () => {
    const t = await fresh(e);
    try {
      const schema = await readSchema(t, new Set(['users', 'orders']));
      expect(schema.tables.find((x) => x.name === 'users')?.rows).toBe(50);
      expect(schema.foreignKeys).toContainEqual({
        table: 'orders',
        columns: ['user_id'],
        refTable: 'users',
        refColumns: ['id'],
      });
      expect((await problemsOf(t, schema, RULES)).filter((p) => p.severity === 'error')).toEqual([]);
      const plan = planMasking(RULES, schema, SALT);

      const preview = await dryRun(t, schema, RULES, SALT, 3);
      expect(preview.find((x) => x.table === 'users')?.rows).toHaveLength(3);
      const joinsBefore = await t.query<{ n: string | number }>(
        'SELECT count(*) AS n FROM orders o JOIN users u ON u.id = o.user_id AND u.email = o.email',
      );

      const samples = await takeSamples(t, plan, SALT);
      expect(samples.find((s) => s.column === 'email')?.hashes.length).toBe(50);
      const name = made.at(-1)?.name ?? '';
      expect(await maskedBy(t, 'run-1')).toBe(false);
      await applyMasking(t, plan, RULES.sql ?? [], { database: name, by: 'run-1' });
      // PostgreSQL remembers, in the same transaction, which run masked it
      expect(await maskedBy(t, 'run-1')).toBe(e.engine === 'postgres');
      expect(await maskedBy(t, 'run-2')).toBe(false);
      const report = await verifyMasking(t, plan, SALT, samples);
      expect(report.columns.find((c) => c.column === 'email')).toMatchObject({
        checked: 50,
        stillOriginal: 0,
      });

      const users = await t.query<Record<string, unknown>>('SELECT * FROM users ORDER BY id');
      expect(users).toHaveLength(50);
      for (const u of users) {
        expect(String(u.email)).toMatch(/^u[0-9a-f]{16}@example\.com$/);
        expect(String(u.phone)).toMatch(/^\+\d \(\d{3}\) \d{4}-\d{2}$/);
        expect(String(u.ssn)).toMatch(/^\*{7}\d{4}$/);
        expect(String(u.name)).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
        expect(u.note).toBe('redacted');
        expect(String(u.email)).not.toContain('corp.test');
      }
      expect(users.map((u) => String(u.ssn).slice(-4))).toContain('6001');
      const joinsAfter = await t.query<{ n: string | number }>(
        'SELECT count(*) AS n FROM orders o JOIN users u ON u.id = o.user_id AND u.email = o.email',
      );
      expect(Number(joinsAfter[0]?.n)).toBe(120);
      expect(Number(joinsAfter[0]?.n)).toBe(Number(joinsBefore[0]?.n));
      const ages = await t.query<{ age: number }>("SELECT age FROM users WHERE ssn LIKE '%6001'");
      expect(ages).toEqual([{ age: -1 }]);
      const totals = await t.query<{ n: string | number }>(
        'SELECT count(*) AS n FROM orders WHERE total IS NOT NULL',
      );
      expect(Number(totals[0]?.n)).toBe(0);

      // verification catches a column that went back to its originals
      await t.query(
        "UPDATE users SET email = 'person7@corp.test' WHERE id = (SELECT min(id) FROM (SELECT id FROM users) x)",
      );
      await expect(verifyMasking(t, plan, SALT, samples)).rejects.toThrow(
        /users\.email \(fakeEmail\): 1 rows/,
      );
    } finally {
      await t.close();
    }
  });

  it('masks tables and columns whose names hold quotes', { timeout: 60_000 }, async () => {
    const t = await fresh(e);
    const d =
      e.engine === 'postgres'
        ? (s: string) => `"${s.replaceAll('"', '""')}"`
        : (s: string) => `\`${s.replaceAll('`', '``')}\``;
    const [table, column] = [`we"i'r\`d; DROP TABLE users`, `e"m'a\`il`];
    try {
      await t.query(`CREATE TABLE ${d(table)} (${d(column)} varchar(100))`);
      await t.query(`INSERT INTO ${d(table)} VALUES ('a@corp.test'), ('it''s@corp.test')`);
      const rules: RulesDocument = { tables: { [table]: { columns: { [column]: 'fakeEmail' } } } };
      const schema = await readSchema(t, new Set([table]));
      expect(await problemsOf(t, schema, rules)).toEqual([]);
      const plan = planMasking(rules, schema, SALT);
      const samples = await takeSamples(t, plan, SALT);
      await applyMasking(t, plan, []);
      await verifyMasking(t, plan, SALT, samples);
      const rows = await t.query<{ v: string }>(`SELECT ${d(column)} AS v FROM ${d(table)}`);
      expect(rows.map((r) => r.v).every((v) => /^u[0-9a-f]{16}@example\.com$/.test(v))).toBe(true);
      expect(await t.query('SELECT count(*) AS n FROM users')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('rolls everything back when a statement fails midway', { timeout: 60_000 }, async () => {
    const t = await fresh(e);
    try {
      const schema = await readSchema(t, new Set(['users']));
      const rules: RulesDocument = {
        tables: { users: { columns: { email: 'fakeEmail' } } },
        sql: [
          e.engine === 'postgres'
            ? 'UPDATE users SET age = age / (id - id)'
            : 'UPDATE users SET age = (SELECT 1 UNION SELECT 2)',
        ],
      };
      expect((await problemsOf(t, schema, rules)).filter((p) => p.severity === 'error')).toEqual([]);
      await expect(applyMasking(t, planMasking(rules, schema, SALT), rules.sql ?? [])).rejects.toThrow(
        /free SQL statement \/sql\/0 failed, nothing was changed/,
      );
      const [row] = await t.query<{ n: string | number }>(
        "SELECT count(*) AS n FROM users WHERE email LIKE '%@corp.test'",
      );
      expect(Number(row?.n)).toBe(50);
    } finally {
      await t.close();
    }
  });
});
