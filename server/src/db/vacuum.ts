import type { Db } from './types.js';

/**
 * What autovacuum does on PostgreSQL, for PGlite, which runs no background processes and so no
 * autovacuum. Without it nothing reclaims dead rows — every status a message moves through and
 * every job pg-boss finishes leaves one — and the statistics stay those of the empty database, so
 * the planner keeps reading whole tables it believes tiny. app.ts runs this every minute on PGlite.
 *
 * The thresholds are autovacuum's defaults (PostgreSQL manual, "The Autovacuum Daemon"): VACUUM
 * when dead rows exceed 50 + 20 % of the live ones, or rows inserted since the last vacuum exceed
 * 1000 + 20 % (so insert-only tables get their visibility map and frozen rows), or the table's
 * oldest unfrozen transaction is older than autovacuum_freeze_max_age; ANALYZE when rows changed
 * since the last analyze exceed 50 + 10 %. PGlite is one connection, so a vacuum holds up other
 * queries while it runs: the thresholds keep that to large, rare passes over large tables.
 */
export async function vacuumWhereDue(db: Db): Promise<{ vacuumed: string[]; analyzed: string[] }> {
  const due = await db.query<{ name: string; vacuum: boolean }>(
    `SELECT format('%I.%I', s.schemaname, s.relname) AS name,
            (s.n_dead_tup > 50 + 0.2 * s.n_live_tup
              OR s.n_ins_since_vacuum > 1000 + 0.2 * s.n_live_tup
              OR age(c.relfrozenxid) > current_setting('autovacuum_freeze_max_age')::bigint) AS vacuum
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      -- Tables and materialized views: a partitioned table (pg-boss's jobs) holds no rows of its
      -- own (its relfrozenxid is 0, ever "old"); its partitions are listed on their own.
      WHERE c.relkind IN ('r', 'm') AND (s.n_dead_tup > 50 + 0.2 * s.n_live_tup
         OR s.n_ins_since_vacuum > 1000 + 0.2 * s.n_live_tup
         OR age(c.relfrozenxid) > current_setting('autovacuum_freeze_max_age')::bigint
         OR s.n_mod_since_analyze > 50 + 0.1 * s.n_live_tup)
      ORDER BY 1`,
  );
  const vacuumed: string[] = [];
  const analyzed: string[] = [];
  for (const t of due) {
    // VACUUM runs outside a transaction, so each table on its own; the name comes from format('%I').
    await db.exec(t.vacuum ? `VACUUM (ANALYZE) ${t.name}` : `ANALYZE ${t.name}`);
    (t.vacuum ? vacuumed : analyzed).push(t.name);
  }
  return { vacuumed, analyzed };
}
