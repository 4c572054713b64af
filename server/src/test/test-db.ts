import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from '../db/index.js';
import { pgliteDb } from '../db/pglite.js';
import { createPostgresDb } from '../db/postgres.js';
import { packageRoot } from '../platform/paths.js';

/**
 * Test databases are clones of one migrated template made by scripts/prepare-test-db.ts: a PGlite
 * data-dir dump, or a PostgreSQL template database. Cloning takes ~1 s instead of migrating anew.
 */
// TEST_DB_SUFFIX keeps separate checkouts or concurrent runs on one server apart.
const suffix = (process.env.TEST_DB_SUFFIX ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
export const TEMPLATE_DUMP = path.join(packageRoot, '.tmp', 'test', `pglite-template${suffix}.tar.gz`);
export const PG_TEMPLATE = `seva_test_template${suffix}`;
/** Databases of this run are named `${PG_TEST_PREFIX}<random>`. */
export const PG_TEST_PREFIX = `seva_test_${suffix ? suffix + '_' : ''}db_`;

export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

export function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('TEST_DB=postgres needs DATABASE_URL');
  return url;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

export interface TestDb {
  db: Db;
  kind: TestDbKind;
  drop(): Promise<void>;
}

export async function cloneTestDb(): Promise<TestDb> {
  if (testDbKind() === 'pglite') {
    const dump = await readFile(TEMPLATE_DUMP);
    const pglite = await PGlite.create({ loadDataDir: new Blob([dump]) });
    const db = pgliteDb(pglite);
    return { db, kind: 'pglite', drop: () => db.close() };
  }
  const name = `${PG_TEST_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const db = createPostgresDb(withDatabase(adminUrl(), name), { max: 20 });
  return {
    db,
    kind: 'postgres',
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export { withDatabase };
