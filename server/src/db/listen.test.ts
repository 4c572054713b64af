import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneTestDb, type TestDb } from '../test/test-db.js';

/**
 * Db.listen on both databases: notices arrive only for committed transactions, after the commit and
 * in commit order; on PostgreSQL a lost listening connection is opened again and says so.
 */
describe('Db.listen (LISTEN/NOTIFY)', () => {
  let testDb: TestDb;
  before(async () => {
    testDb = await cloneTestDb();
  });
  after(() => testDb.drop());

  /** Collects payloads; `until(p)` resolves once `p` has arrived. */
  function collector() {
    const got: string[] = [];
    const waiting = new Map<string, () => void>();
    return {
      got,
      push(p: string) {
        got.push(p);
        waiting.get(p)?.();
      },
      until(p: string) {
        return got.includes(p) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(p, resolve));
      },
    };
  }

  test('a notice arrives after its transaction commits, never from a rolled-back one, in commit order', async () => {
    const { db } = testDb;
    const c = collector();
    const stop = await db.listen('listen_test', (p) => c.push(p));
    await db.tx(async (tx) => {
      await tx.query("SELECT pg_notify('listen_test', 'first')");
      await tx.query("SELECT pg_notify('listen_test', 'second')");
    });
    await assert.rejects(
      db.tx(async (tx) => {
        await tx.query("SELECT pg_notify('listen_test', 'rolled back')");
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await db.query("SELECT pg_notify('listen_test', 'last')");
    await c.until('last');
    assert.deepEqual(c.got, ['first', 'second', 'last']);
    await stop();
  });

  test('channel names are checked, since LISTEN takes no parameters', async () => {
    await assert.rejects(testDb.db.listen('bad; DROP TABLE users', () => {}), /invalid channel/);
  });

  test('PostgreSQL: a listening connection that is cut is opened again, and the listener is told', async (t) => {
    if (testDb.kind !== 'postgres') return t.skip('PGlite listens in-process');
    const { db } = testDb;
    const c = collector();
    let reconnected!: () => void;
    const back = new Promise<void>((resolve) => (reconnected = resolve));
    const stop = await db.listen('listen_cut', (p) => c.push(p), () => reconnected());
    await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'seva-kendra-listen' AND datname = current_database()");
    await back;
    await db.query("SELECT pg_notify('listen_cut', 'after the cut')");
    await c.until('after the cut');
    await stop();
  });
});
