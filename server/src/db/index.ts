import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import { openPglite, pgliteDb } from './pglite.js';
import { createPostgresDb } from './postgres.js';
import type { Db } from './types.js';
import path from 'node:path';

export type { Db, Queryable, Tx } from './types.js';
export { one } from './types.js';
export { Params, asOneStatement, jsonRows } from './statement.js';

/** Opens PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under DATA_DIR (locked). */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl) return createPostgresDb(config.databaseUrl);
  const release = lockDataDir(config.dataDir);
  try {
    const pglite = await openPglite(path.join(config.dataDir, 'pgdata'));
    const db = pgliteDb(pglite);
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
