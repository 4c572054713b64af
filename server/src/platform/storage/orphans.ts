import type { FileStore } from './encrypted-store.js';

/** An object younger than this may be an upload whose row is not committed yet: never swept. */
export const ORPHAN_AGE_MS = 60 * 60 * 1000;
const BATCH = 200;

/**
 * Deletes the objects under `prefix` that no row names (left by a crash or an interrupted upload
 * between storing a file and recording it), once they are ORPHAN_AGE_MS old. `known` answers which
 * of a batch of keys a row still names. Returns how many objects were deleted.
 */
export async function sweepOrphans(store: FileStore, prefix: string, known: (keys: string[]) => Promise<Set<string>>): Promise<number> {
  let removed = 0;
  let batch: string[] = [];
  const sweep = async () => {
    if (!batch.length) return;
    const named = await known(batch);
    for (const key of batch) {
      if (!named.has(key)) {
        await store.delete(key);
        removed++;
      }
    }
    batch = [];
  };
  for await (const obj of store.list(prefix)) {
    if (Date.now() - obj.modifiedAt.getTime() < ORPHAN_AGE_MS) continue;
    batch.push(obj.key);
    if (batch.length >= BATCH) await sweep();
  }
  await sweep();
  return removed;
}
