/**
 * Sanitize rate: rows per second masked by the sanitize domain's set-based
 * SQL on a table of 1,000,000 rows (`--quick`: 100,000) with the rules
 * `id: hash`, `email: fakeEmail`, `name: fakeName`, `phone: fakePhone`,
 * on PostgreSQL and (100,000 rows, when it answers) MariaDB. The peer is
 * one plain `UPDATE` of the same columns with md5 on the same table (what
 * the engine does with the cheapest masking one could write by hand).
 *
 * Figures: `<engine>_mask_rows_per_s` (the masking transaction alone),
 * `<engine>_sanitize_rows_per_s` (schema read, validation, samples,
 * masking and verification), `<engine>_rows` (table size).
 */
import { randomBytes } from 'node:crypto';
import { connectAdmin, type EngineName } from '../packages/dbplane/src/engines/admin/index.js';
import { readSchema } from '../packages/dbplane/src/sanitize/catalog.js';
import { openTarget, type Target } from '../packages/dbplane/src/sanitize/connection.js';
import { applyMasking } from '../packages/dbplane/src/sanitize/mask.js';
import { assertValid, problemsOf } from '../packages/dbplane/src/sanitize/operations.js';
import { planMasking } from '../packages/dbplane/src/sanitize/plan.js';
import type { RulesDocument } from '../packages/dbplane/src/sanitize/types.js';
import { takeSamples, verifyMasking } from '../packages/dbplane/src/sanitize/verify.js';
import { ADMIN_URL, type Bench } from './lib.js';

const MYSQL_URL = process.env.DBPLANE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const RULES: RulesDocument = {
  tables: { people: { columns: { id: 'hash', email: 'fakeEmail', name: 'fakeName', phone: 'fakePhone' } } },
};
const SALT = randomBytes(32).toString('base64url');

const FILL: Record<EngineName, (rows: number) => string[]> = {
  postgres: (rows) => [
    'CREATE TABLE people (id bigint PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name text, phone varchar(30))',
    `INSERT INTO people SELECT n, 'person' || n || '@corp.test', 'Given' || n || ' Family', '+1 (555) ' || lpad((n % 10000000)::text, 7, '0')
       FROM generate_series(1, ${rows}) n`,
    'ANALYZE people',
  ],
  mysql: (rows) => [
    'CREATE TABLE people (id bigint PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name text, phone varchar(30))',
    'SET SESSION max_recursive_iterations = 10000000',
    `INSERT INTO people WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${rows})
       SELECT n, CONCAT('person', n, '@corp.test'), CONCAT('Given', n, ' Family'), CONCAT('+1 (555) ', LPAD(n % 10000000, 7, '0')) FROM s`,
  ],
};
const PLAIN: Record<EngineName, string> = {
  postgres:
    "UPDATE people SET id = -id, email = md5(email) || '@example.com', name = md5(name), phone = left(md5(phone), 30)",
  mysql:
    "UPDATE people SET id = -id, email = CONCAT(MD5(email), '@example.com'), name = MD5(name), phone = LEFT(MD5(phone), 30)",
};

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [(performance.now() - t0) / 1000, v];
}

async function withDatabase(
  engine: EngineName,
  url: string,
  fn: (t: Target) => Promise<void>,
): Promise<void> {
  const name = `bench_sanitize_${randomBytes(4).toString('hex')}`;
  const admin = await connectAdmin(engine, url);
  try {
    await admin.createDatabase({ name });
    const t = await openTarget(engine, url, name);
    try {
      await fn(t);
    } finally {
      await t.close();
    }
  } finally {
    await admin.dropDatabase(name).catch(() => {});
    await admin.close();
  }
}

async function measure(engine: EngineName, url: string, rows: number, emit: Parameters<Bench>[0]['emit']) {
  const figure = (metric: string, value: number, unit: string, peerValue?: number) =>
    emit({
      bench: 'sanitize',
      metric: `${engine}_${metric}`,
      value,
      unit,
      ...(peerValue === undefined ? {} : { peer: 'plain_md5_update', peerValue }),
    });
  let plain = 0;
  await withDatabase(engine, url, async (t) => {
    for (const s of FILL[engine](rows)) await t.query(s);
    const [s] = await timed(() => t.query(PLAIN[engine]));
    plain = rows / s;
  });
  await withDatabase(engine, url, async (t) => {
    for (const s of FILL[engine](rows)) await t.query(s);
    const [total, mask] = await timed(async () => {
      const schema = await readSchema(t, new Set(['people']));
      assertValid(await problemsOf(t, schema, RULES));
      const plan = planMasking(RULES, schema, SALT);
      const samples = await takeSamples(t, plan, SALT);
      const [maskS] = await timed(() => applyMasking(t, plan, []));
      const report = await verifyMasking(t, plan, SALT, samples);
      if (report.columns.some((c) => c.stillOriginal > 0)) throw new Error('verification failed');
      return maskS;
    });
    figure('rows', rows, 'rows');
    figure('mask_rows_per_s', rows / mask, 'rows/s', plain);
    figure('sanitize_rows_per_s', rows / total, 'rows/s');
  });
}

async function mysqlAnswers(): Promise<boolean> {
  try {
    const a = await connectAdmin('mysql', MYSQL_URL);
    await a.close();
    return true;
  } catch {
    process.stderr.write(`note: no MariaDB at ${MYSQL_URL}; its figures are skipped\n`);
    return false;
  }
}

export const run: Bench = async ({ quick, emit }) => {
  await measure('postgres', ADMIN_URL, quick ? 100_000 : 1_000_000, emit);
  if (await mysqlAnswers()) await measure('mysql', MYSQL_URL, 100_000, emit);
};
