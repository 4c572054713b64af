import type { Queryable } from '../../../db/index.js';

/**
 * The one transaction lock per wamid that orders a status report against the send path's recording
 * of the same wamid (status-events.ts, messages/send.service.ts): both take it before looking for the
 * other's row, so whichever commits second sees the first. Several wamids are locked in one
 * statement, always in sorted order, so two transactions locking overlapping sets cannot deadlock.
 * The send path's wa_send_write (migration 0025) takes the same locks in SQL, in the same code-point
 * order (COLLATE "C"): keep the keys and the order equal.
 */
export async function lockWamids(q: Queryable, wamids: readonly string[]): Promise<void> {
  const sorted = [...new Set(wamids)].sort();
  if (!sorted.length) return;
  // A function scan over the array yields its elements in order, so the locks are taken in that order.
  await q.query("SELECT pg_advisory_xact_lock(hashtext('wa-status:' || w)) FROM unnest($1::text[]) AS w", [sorted]);
}
