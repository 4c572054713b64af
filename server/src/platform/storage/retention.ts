import type { Db, Tx } from '../../db/index.js';
import type { FileStore } from './encrypted-store.js';

export interface RetentionPurge<F extends { object_key: string }> {
  db: Db;
  store: FileStore;
  /** Accounts due for the purge that still have files, after `afterUserId` in id order, at most `limit`. */
  accountsDue(afterUserId: string | null, limit: number): Promise<string[]>;
  /** Every file row of one account. */
  filesOf(userId: string): Promise<F[]>;
  /** Removes the rows of the files deleted from the store, and records the purge, in one transaction. */
  forget(tx: Tx, userId: string, gone: F[]): Promise<void>;
}

const PAGE = 100;

/**
 * Retention: deletes the stored files of accounts past their retention period, then their rows.
 * Each file goes before its row, so a failure leaves the row to be tried again on the next run and
 * never a file that no row names; one file's failure does not stop the others.
 */
export async function purgeFilesOfClosedAccounts<F extends { object_key: string }>(
  p: RetentionPurge<F>,
): Promise<{ accounts: number; files: number; failed: { objectKey: string; error: string }[] }> {
  let accounts = 0;
  let files = 0;
  const failed: { objectKey: string; error: string }[] = [];
  let after: string | null = null;
  for (;;) {
    const due = await p.accountsDue(after, PAGE);
    for (const userId of due) {
      const gone: F[] = [];
      for (const file of await p.filesOf(userId)) {
        try {
          await p.store.delete(file.object_key);
          gone.push(file);
        } catch (err) {
          failed.push({ objectKey: file.object_key, error: (err as Error).message });
        }
      }
      if (!gone.length) continue;
      await p.db.tx((tx) => p.forget(tx, userId, gone));
      accounts++;
      files += gone.length;
    }
    if (due.length < PAGE) return { accounts, files, failed };
    after = due[due.length - 1]!;
  }
}
