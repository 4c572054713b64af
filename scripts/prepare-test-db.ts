// Builds the migrated template databases the tests clone (see server/src/test/test-db.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from '../server/src/db/migrate.js';
import { pgliteDb } from '../server/src/db/pglite.js';
import { createPostgresDb } from '../server/src/db/postgres.js';
import type { Db } from '../server/src/db/index.js';
import { Jobs } from '../server/src/platform/jobs.js';
import { PG_TEMPLATE, PG_TEST_PREFIX, TEMPLATE_DUMP, adminUrl, withDatabase } from '../server/src/test/test-db.js';

async function prepareSchema(db: Db): Promise<void> {
  await migrate(db);
  // pg-boss installs its own schema on first start; do it once here, not in every test.
  const jobs = new Jobs(db, pino({ level: 'silent' }));
  await jobs.start({ work: false });
  await jobs.stop();
}

const which = process.argv[2] ?? 'pglite';
if (which === 'pglite') {
  const pglite = await PGlite.create();
  const db = pgliteDb(pglite);
  await prepareSchema(db);
  const dump = await pglite.dumpDataDir('gzip');
  await mkdir(path.dirname(TEMPLATE_DUMP), { recursive: true });
  await writeFile(TEMPLATE_DUMP, Buffer.from(await dump.arrayBuffer()));
  await db.close();
} else {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE} WITH (FORCE)`);
  // Leftovers of interrupted runs.
  const stale = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [PG_TEST_PREFIX]);
  for (const r of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${PG_TEMPLATE}`);
  await admin.end();
  const db = createPostgresDb(withDatabase(adminUrl(), PG_TEMPLATE));
  await prepareSchema(db);
  await db.close();
}
