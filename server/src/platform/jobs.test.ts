import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { cloneTestDb, type TestDb } from '../test/test-db.js';
import type { Params } from '../db/index.js';
import { Jobs } from './jobs.js';
import { packageRoot } from './paths.js';

test('the job queue is pg-boss 10.4.x, as required and as installed', () => {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.match(pkg.dependencies['pg-boss']!, /^~10\.4\.\d+$/, 'a range that stays within 10.4');
  const installed = JSON.parse(readFileSync(path.join(packageRoot, 'node_modules', 'pg-boss', 'package.json'), 'utf8')) as { version: string };
  assert.match(installed.version, /^10\.4\.\d+$/);
});

/**
 * The job workers on both databases: a queue with work waiting is worked without waiting out the
 * polling interval between jobs, a `wakeOnEnqueue` queue starts a job as soon as the enqueuing
 * transaction commits, and `concurrency` runs that many jobs of a queue at once on PostgreSQL.
 */
/** Idle workers' polling interval in these tests, and how long a test waits for what it expects: well under it. */
const POLL_SECONDS = 60;
const WITHIN_MS = 20_000;

describe('Jobs: workers', () => {
  let testDb: TestDb;
  let jobs: Jobs;
  const ran: { name: string }[] = [];
  // The concurrency queue's jobs wait here until as many run at once as the database allows.
  let running = 0;
  let mostAtOnce = 0;
  let finished = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));

  before(async () => {
    testDb = await cloneTestDb();
    // Idle workers look for work only every POLL_SECONDS: whatever runs sooner was started by the
    // mechanisms under test, with a margin no slow machine eats into (no timed assertions).
    jobs = new Jobs(testDb.db, pino({ level: 'silent' }), { pollingIntervalSeconds: POLL_SECONDS });
    jobs.define<{ n: number }>({ name: 'test.drain', wakeOnEnqueue: true, handler: async () => void ran.push({ name: 'drain' }) });
    jobs.define<{ n: number }>({ name: 'test.wake', wakeOnEnqueue: true, handler: async () => void ran.push({ name: 'wake' }) });
    jobs.define<{ n: number }>({
      name: 'test.parallel',
      concurrency: 3,
      wakeOnEnqueue: true,
      handler: async () => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        if (running === 3) release();
        await Promise.race([released, new Promise((r) => setTimeout(r, testDb.kind === 'pglite' ? 300 : 3000))]);
        running--;
        finished++;
      },
    });
    await jobs.start({ work: true });
  });
  after(async () => {
    await jobs.stop();
    await testDb.drop();
  });

  const ranOf = (name: string) => ran.filter((r) => r.name === name);
  async function until(check: () => boolean, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  }

  test('waiting jobs are worked one after another, not one per polling interval', async () => {
    await testDb.db.tx(async (tx) => {
      for (let n = 0; n < 6; n++) await jobs.enqueue(tx, 'test.drain', { n });
    });
    // The commit wakes a worker for the first; each finished job sends it to fetch the next at once.
    await until(() => ranOf('drain').length === 6, WITHIN_MS);
    assert.equal(ranOf('drain').length, 6);
  });

  test('a wakeOnEnqueue job starts when its transaction commits, not at the next poll', async () => {
    for (let n = 0; n < 3; n++) {
      // Let the worker find the queue empty and go to sleep for its polling interval.
      await new Promise((r) => setTimeout(r, 150));
      const before = ranOf('wake').length;
      await testDb.db.tx(async (tx) => {
        await jobs.enqueue(tx, 'test.wake', { n });
        // Not before the commit: the job is not there to fetch yet.
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(ranOf('wake').length, before);
      });
      await until(() => ranOf('wake').length > before, WITHIN_MS);
      assert.equal(ranOf('wake').length, before + 1, `job ${n} started before the next poll`);
    }
  });

  test('concurrency runs that many jobs of a queue at once on PostgreSQL (one on PGlite, a single connection)', async () => {
    // One transaction each: PostgreSQL delivers one NOTIFY for identical ones in a transaction, which
    // would wake one worker, and the others would look at their next poll.
    for (let n = 0; n < 3; n++) await testDb.db.tx((tx) => jobs.enqueue(tx, 'test.parallel', { n }));
    await until(() => finished === 3, WITHIN_MS);
    assert.equal(finished, 3);
    assert.equal(mostAtOnce, testDb.kind === 'postgres' ? 3 : 1);
  });
});

/** enqueueWith: the writes and the job they need as one statement, so both exist or neither does. */
describe('Jobs: enqueueWith', () => {
  let testDb: TestDb;
  let jobs: Jobs;
  const seen: number[] = [];

  before(async () => {
    testDb = await cloneTestDb();
    jobs = new Jobs(testDb.db, pino({ level: 'silent' }));
    jobs.define<{ n: number }>({ name: 'test.with', retryLimit: 3, retryDelaySeconds: 7, expireInSeconds: 90, handler: async ({ n }) => void seen.push(n) });
    await jobs.start({ work: false });
    await testDb.db.query('CREATE TABLE jobs_with_test (n int PRIMARY KEY, label text NOT NULL)');
  });
  after(async () => {
    await jobs.stop();
    await testDb.drop();
  });

  const insert = (n: number, label: string) => (ps: Params) => [`INSERT INTO jobs_with_test (n, label) VALUES (${ps.add(n)}, ${ps.add(label)})`];
  const queued = async () => (await testDb.db.query<{ n: number }>("SELECT (data->>'n')::int AS n FROM pgboss.job WHERE name = 'test.with' ORDER BY n")).map((r) => r.n);

  test('writes the rows and queues the job, with the writes’ values after pg-boss’s own', async () => {
    assert.ok(await jobs.enqueueWith(testDb.db, insert(1, 'one'), 'test.with', { n: 1 }));
    assert.deepEqual(await testDb.db.query('SELECT n, label FROM jobs_with_test'), [{ n: 1, label: 'one' }]);
    assert.deepEqual(await queued(), [1]);
    assert.equal(await jobs.runPending('test.with'), 1);
    assert.deepEqual(seen, [1]);
  });

  test('the job row is the one pg-boss’s own send writes', async () => {
    const row = (id: string | null) =>
      testDb.db.query(
        `SELECT name, priority, state, retry_limit, retry_count, retry_delay, retry_backoff, expire_in::text, dead_letter, policy, singleton_key, singleton_on,
                (keep_until - start_after)::text AS kept, start_after <= now() AS started, keep_until > now() + interval '13 days' AS kept_long
           FROM pgboss.job WHERE id = $1`,
        [id],
      );
    const viaSend = await row(await jobs.enqueue(testDb.db, 'test.with', { n: 10 }));
    const viaWith = await row(await jobs.enqueueWith(testDb.db, () => [], 'test.with', { n: 11 }));
    assert.equal(viaWith.length, 1);
    assert.deepEqual(viaWith, viaSend);
    await testDb.db.query("DELETE FROM pgboss.job WHERE name = 'test.with' AND data->>'n' IN ('10', '11')");
  });

  test('a job is due the moment it is queued, also within the same millisecond (PGlite’s clock)', async () => {
    // pg-boss fetches start_after < now(); PGlite's now() moves in whole milliseconds, so a job
    // fetched right after it was queued used to be missed about half of the time there.
    seen.length = 0;
    for (let n = 100; n < 140; n++) {
      if (n % 2) await jobs.enqueueWith(testDb.db, () => [], 'test.with', { n });
      else await jobs.enqueue(testDb.db, 'test.with', { n });
      assert.equal(await jobs.runPending('test.with'), 1, `job ${n} was not found when fetched at once`);
    }
    assert.equal(seen.length, 40);
    await testDb.db.query("DELETE FROM pgboss.job WHERE name = 'test.with' AND (data->>'n')::int >= 100");
  });

  test('a write that fails queues no job', async () => {
    await assert.rejects(jobs.enqueueWith(testDb.db, insert(1, 'again'), 'test.with', { n: 2 }), /duplicate key|unique/);
    assert.deepEqual(await queued(), [1]);
    assert.deepEqual(await testDb.db.query('SELECT n, label FROM jobs_with_test'), [{ n: 1, label: 'one' }]);
  });
});
