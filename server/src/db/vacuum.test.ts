import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneTestDb, type TestDb } from '../test/test-db.js';
import { vacuumWhereDue } from './vacuum.js';

/** vacuumWhereDue (vacuum.ts): autovacuum's work, which PGlite has no process for. */
describe('vacuum where due', () => {
  let t: TestDb;
  before(async () => {
    t = await cloneTestDb();
    // The server's own autovacuum stays out of the way on PostgreSQL.
    await t.db.exec(`
      CREATE TABLE vac_churn (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);
      CREATE TABLE vac_quiet (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);
      INSERT INTO vac_churn SELECT g, 0 FROM generate_series(1, 2000) g;
      INSERT INTO vac_quiet SELECT g, 0 FROM generate_series(1, 2000) g;`);
    await flushStats();
    await vacuumWhereDue(t.db); // whatever the template and the inserts left due
  });
  after(() => t.drop());

  /** Statistics reach pg_stat_* when the changing transaction ends, at most once a second unless forced. */
  async function flushStats(sql = 'SELECT 1'): Promise<void> {
    await t.db.tx(async (tx) => {
      await tx.query(sql);
      await tx.query('SELECT pg_stat_force_next_flush()');
    });
  }
  const stats = async (table: string) =>
    (
      await t.db.query<{ dead: number; vacuums: number; analyzes: number; reltuples: number }>(
        `SELECT n_dead_tup::int AS dead, vacuum_count::int AS vacuums, analyze_count::int AS analyzes, c.reltuples::int AS reltuples
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = $1`,
        [table],
      )
    )[0]!;

  test('a table with many dead rows is vacuumed and analyzed; one under the thresholds is left alone', async () => {
    const quietBefore = await stats('vac_quiet');
    await flushStats('UPDATE vac_churn SET v = 1');
    await flushStats('UPDATE vac_quiet SET v = 1 WHERE id <= 40');
    assert.equal((await stats('vac_churn')).dead, 2000);

    assert.deepEqual(await vacuumWhereDue(t.db), { vacuumed: ['public.vac_churn'], analyzed: [] });
    const churn = await stats('vac_churn');
    assert.equal(churn.dead, 0);
    assert.equal(churn.reltuples, 2000, 'the planner knows the table’s size');
    assert.deepEqual(await stats('vac_quiet'), { ...quietBefore, dead: 40 });

    assert.deepEqual(await vacuumWhereDue(t.db), { vacuumed: [], analyzed: [] }, 'nothing is due twice');
  });

  test('a table with over 10 % new rows is analyzed, without a vacuum while under its thresholds', async () => {
    // 400 new rows: over 50 + 10 % of the table (analyze), under 1000 + 20 % (the insert vacuum).
    await flushStats('INSERT INTO vac_quiet SELECT g, 0 FROM generate_series(2001, 2400) g');
    const result = await vacuumWhereDue(t.db);
    assert.deepEqual(result.analyzed, ['public.vac_quiet']);
    assert.ok(!result.vacuumed.includes('public.vac_quiet'));
    assert.equal((await stats('vac_quiet')).reltuples, 2400);
  });
});
