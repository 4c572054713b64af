import type { Queryable } from '../db/index.js';

export interface WindowCount {
  hits: number;
  /** Seconds until the current window ends. */
  resetInSeconds: number;
  /** When the window the count belongs to began (for `takeBackHit`). */
  windowStart: Date;
}

/**
 * Fixed-window counters kept in the database, so every instance sees the same count and a restart
 * forgets nothing. One upsert per hit: the row is reset when a new window has begun.
 */
export async function hitWindow(q: Queryable, key: string, windowSeconds: number, by = 1): Promise<WindowCount> {
  const nowMs = Date.now();
  const windowStart = new Date(Math.floor(nowMs / (windowSeconds * 1000)) * windowSeconds * 1000);
  const rows = await q.query<{ hits: number }>(
    `INSERT INTO rate_limit_buckets (key, window_start, hits) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limit_buckets.window_start = EXCLUDED.window_start
                   THEN rate_limit_buckets.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
       window_start = EXCLUDED.window_start
     RETURNING hits`,
    [key, windowStart, by],
  );
  return { hits: rows[0]!.hits, resetInSeconds: (windowStart.getTime() + windowSeconds * 1000 - nowMs) / 1000, windowStart };
}

/**
 * Gives back one hit taken by `hitWindow` in the window that began at `windowStart` (a slot reserved
 * for an attempt that turned out not to count); nothing once that window has been replaced.
 */
export async function takeBackHit(q: Queryable, key: string, windowStart: Date): Promise<void> {
  await q.query('UPDATE rate_limit_buckets SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0', [key, windowStart]);
}

export async function clearWindow(q: Queryable, key: string): Promise<void> {
  await q.query('DELETE FROM rate_limit_buckets WHERE key = $1', [key]);
}

export async function purgeExpiredWindows(q: Queryable, olderThanSeconds = 86_400): Promise<number> {
  return q.execute(`DELETE FROM rate_limit_buckets WHERE window_start < now() - make_interval(secs => $1)`, [olderThanSeconds]);
}
