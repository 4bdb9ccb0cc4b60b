import type { ApplyResult, BootstrapTarget } from '../plan-types.js';
import { planMysqlWith } from './plan.js';
import { rows, withConnection } from './sql.js';

/** The named lock that serializes bootstrap applies on one server. */
const LOCK = 'dbplane-bootstrap';

/**
 * Applies `t` to a MySQL/MariaDB server under a named lock (GET_LOCK), in
 * phase order. DDL commits implicitly there, so there is no transaction: a
 * failed apply leaves what it did, and the next plan carries on from it.
 */
export async function applyMysql(t: BootstrapTarget): Promise<ApplyResult> {
  return withConnection(t.url, async (c) => {
    const got = (await rows<{ l: number }>(c, 'SELECT GET_LOCK(?, 60) AS l', [LOCK]))[0]?.l;
    if (got !== 1) throw new Error('another bootstrap apply holds the lock on this server');
    try {
      const plan = await planMysqlWith(c, t);
      if (plan.problems.length > 0) return { changes: [], problems: plan.problems, passwords: [] };
      const steps = plan.steps;
      for (const s of steps) for (const st of s.statements) await c.query(st.sql);
      return { changes: steps.map((s) => s.change), problems: [], passwords: plan.generated };
    } finally {
      await c.query('SELECT RELEASE_LOCK(?)', [LOCK]).catch(() => {});
    }
  });
}

/** Plans `t` on a MySQL/MariaDB server. */
export async function planMysql(t: BootstrapTarget) {
  return withConnection(t.url, (c) => planMysqlWith(c, t));
}
