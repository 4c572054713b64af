import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform, type TestPlatform } from '../test/harness.js';
import { Params, jsonRows } from './index.js';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import { loadMigrations, migrate, pendingMigrations, splitStatements } from './migrate.js';

describe('splitStatements', () => {
  const cases: [string, string, string[]][] = [
    ['plain statements', 'SELECT 1; SELECT 2;', ['SELECT 1', 'SELECT 2']],
    ['no trailing semicolon, blank statements dropped', ' ;; SELECT 1 ;\n\n SELECT 2 ', ['SELECT 1', 'SELECT 2']],
    ['semicolons in strings', "INSERT INTO t VALUES ('a;b'); SELECT ';'", ["INSERT INTO t VALUES ('a;b')", "SELECT ';'"]],
    ['doubled quotes in strings', "SELECT 'it''s; fine'; SELECT 2", ["SELECT 'it''s; fine'", 'SELECT 2']],
    ['quoted identifiers', 'SELECT "odd;name" FROM t; SELECT 2', ['SELECT "odd;name" FROM t', 'SELECT 2']],
    [
      'dollar-quoted bodies',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$; SELECT 2',
      ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$', 'SELECT 2'],
    ],
    [
      'tagged dollar quotes holding $$',
      "DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$; SELECT 2",
      ["DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$", 'SELECT 2'],
    ],
    ['line comments', '-- a comment; with a semicolon\nSELECT 1; -- trailing; comment\nSELECT 2', ['SELECT 1', 'SELECT 2']],
    ['block comments', '/* one; two */ SELECT 1; SELECT /* ; */ 2', ['SELECT 1', 'SELECT 2']],
    ['comment markers inside strings are text', "SELECT '-- not a comment;', '/* nor; this */'", ["SELECT '-- not a comment;', '/* nor; this */'"]],
    ['positional parameters are not dollar quotes', 'SELECT $1; SELECT $2', ['SELECT $1', 'SELECT $2']],
  ];
  for (const [name, sql, expected] of cases) {
    // Whitespace inside a statement is not significant.
    test(name, () => assert.deepEqual(splitStatements(sql).map((s) => s.replace(/\s+/g, ' ')), expected));
  }

  test('a comment between two words still separates them', () => {
    const [a] = splitStatements('SELECT 1 AS n--the count\nFROM (SELECT 1) s');
    assert.match(a!, /n\s+FROM/);
    const [b] = splitStatements('SELECT 1 AS n/* the count */FROM (SELECT 1) s');
    assert.match(b!, /n\s+FROM/);
  });
});

describe('data-dir lock', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'seva-lock-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('a lock held by another live process is refused with DataDirLockedError', async () => {
    const dir = newDir();
    const release = lockDataDir(dir);
    const lockFile = path.join(dir, 'seva.lock');
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid));

    // Another process (alive for the length of the test) now holds the lock.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      writeFileSync(lockFile, String(other.pid));
      for (let i = 0; i < 2; i++) {
        assert.throws(
          () => lockDataDir(dir),
          (err: unknown) => err instanceof DataDirLockedError && err.pid === other.pid && err.lockFile === lockFile && /in use by another/.test(err.message),
        );
      }
      release();
      assert.equal(readFileSync(lockFile, 'utf8'), String(other.pid), 'releasing does not remove a lock someone else holds');
    } finally {
      other.kill();
    }
  });

  test('a lock left by a process that is gone is taken over, and released on close', () => {
    const dir = newDir();
    const lockFile = path.join(dir, 'seva.lock');
    let stale = 999_999;
    for (;;) {
      try {
        process.kill(stale, 0);
        stale++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') break;
        stale++;
      }
    }
    writeFileSync(lockFile, String(stale));
    const release = lockDataDir(dir);
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid));
    release();
    assert.equal(existsSync(lockFile), false);
    release(); // twice is harmless

    writeFileSync(lockFile, 'garbage');
    const again = lockDataDir(dir);
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid));
    again();
  });
});

describe('the data layer on the test database', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
    await t.db.query('CREATE TABLE db_test_items (id int PRIMARY KEY, label text NOT NULL)');
  });
  after(() => t.close());

  const labels = async () => (await t.db.query<{ id: number; label: string }>('SELECT id, label FROM db_test_items ORDER BY id')).map((r) => `${r.id}:${r.label}`);

  test('tx commits what it did and returns the result', async () => {
    const result = await t.db.tx(async (tx) => {
      await tx.query('INSERT INTO db_test_items VALUES (1, $1)', ['committed']);
      assert.equal(tx.inTransaction, true);
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(await labels(), ['1:committed']);
  });

  test('tx rolls back everything when its function throws, and rethrows the same error', async () => {
    const boom = new Error('boom');
    await assert.rejects(
      t.db.tx(async (tx) => {
        await tx.query('INSERT INTO db_test_items VALUES (2, $1)', ['rolled back']);
        await tx.query("UPDATE db_test_items SET label = 'changed' WHERE id = 1");
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.deepEqual(await labels(), ['1:committed']);
  });

  test('tx rolls back when a statement fails, and the database stays usable', async () => {
    await assert.rejects(
      t.db.tx(async (tx) => {
        await tx.query('INSERT INTO db_test_items VALUES (3, $1)', ['first']);
        await tx.query('INSERT INTO db_test_items VALUES (3, $1)', ['duplicate key']);
      }),
      (err: { code?: string }) => err.code === '23505',
    );
    assert.deepEqual(await labels(), ['1:committed']);
    assert.equal(await t.db.execute("UPDATE db_test_items SET label = 'still works' WHERE id = 1"), 1);
  });

  test('a job queued in a rolled-back transaction never runs; one queued in a committed transaction does', async () => {
    const { mail } = t.platform.services;
    await t.platform.jobs.runPending('mail.send'); // whatever earlier tests queued

    let rolledBackId = '';
    await assert.rejects(
      t.db.tx(async (tx) => {
        rolledBackId = await mail.queue(tx, { to: 'never@example.com', subject: 'Never', text: 'never sent', purpose: 'test' });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.ok(rolledBackId);
    const committedId = await t.db.tx((tx) => mail.queue(tx, { to: 'sent@example.com', subject: 'Sent', text: 'sent', purpose: 'test' }));

    const queued = await t.db.query<{ id: string }>("SELECT data->>'id' AS id FROM pgboss.job WHERE name = 'mail.send' AND state = 'created'");
    assert.deepEqual(queued.map((r) => r.id), [committedId]);

    assert.equal(await t.platform.jobs.runPending('mail.send'), 1, 'exactly one job ran');
    const rows = await t.db.query<{ id: string; status: string }>('SELECT id, status FROM mail_outbox WHERE id = ANY($1::uuid[])', [[rolledBackId, committedId]]);
    assert.deepEqual(rows, [{ id: committedId, status: 'sandbox' }]);
    assert.equal(await t.platform.jobs.runPending('mail.send'), 0);
  });

  test('int8 values come back as JS numbers, exact up to 2^53, never silently rounded beyond', async () => {
    const [row] = await t.db.query<{ big: unknown; n: unknown; neg: unknown }>(
      'SELECT 9007199254740991::int8 AS big, count(*) AS n, (-42)::bigint AS neg FROM db_test_items',
    );
    assert.equal(row!.big, Number.MAX_SAFE_INTEGER);
    assert.equal(row!.n, 1);
    assert.equal(row!.neg, -42);
    await t.db.query("INSERT INTO activity_log (actor_type, action) VALUES ('system', 'test.int8')");
    const [id] = await t.db.query<{ id: unknown }>('SELECT max(id) AS id FROM activity_log');
    assert.equal(typeof id!.id, 'number');

    // Beyond 2^53 a number would be wrong: PostgreSQL refuses, PGlite gives an exact bigint.
    try {
      const [beyond] = await t.db.query<{ v: unknown }>('SELECT 9007199254740993::int8 AS v');
      assert.equal(beyond!.v, 9007199254740993n);
    } catch (err) {
      assert.match((err as Error).message, /beyond 2\^53/);
    }
  });

  test('jsonRows writes every row of a group as sent: NULLs, JSON documents, quotes and scripts, large integers', async () => {
    await t.db.query('CREATE TABLE db_test_json_rows (id uuid PRIMARY KEY, label text, amount bigint, doc jsonb, at timestamptz)');
    const rows = [
      { id: '0b8f1c2e-1d6a-4f3e-9a57-3c1f6b0e2d41', label: `it's "quoted" \\ ✓ नमस्ते 😀`, amount: Number.MAX_SAFE_INTEGER, doc: { a: [1, 'two', null], nested: { ok: true } }, at: '2026-11-26T10:00:00.000Z' },
      { id: '7f3a9b10-5c2d-4e8f-a1b2-c3d4e5f60718', label: null, amount: -1, doc: 'just a string' },
    ];
    const ps = new Params();
    await t.db.query(`INSERT INTO db_test_json_rows (id, label, amount, doc, at) ${jsonRows(ps, { id: 'uuid', label: 'text', amount: 'bigint', doc: 'jsonb', at: 'timestamptz' }, rows)}`, ps.values);
    assert.equal(ps.values.length, 1, 'one parameter however many rows');
    const back = await t.db.query<{ id: string; label: string | null; amount: number; doc: unknown; at: Date | null }>('SELECT * FROM db_test_json_rows ORDER BY amount DESC');
    assert.deepEqual(
      back.map((r) => [r.id, r.label, r.amount, r.doc, r.at?.toISOString() ?? null]),
      [
        [rows[0]!.id, rows[0]!.label, Number.MAX_SAFE_INTEGER, rows[0]!.doc, '2026-11-26T10:00:00.000Z'],
        [rows[1]!.id, null, -1, 'just a string', null],
      ],
    );
    // A value of the wrong type fails the whole statement: nothing is written.
    const bad = new Params();
    await assert.rejects(t.db.query(`INSERT INTO db_test_json_rows (id, amount) ${jsonRows(bad, { id: 'uuid', amount: 'bigint' }, [{ id: 'c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8', amount: 1 }, { id: 'not-a-uuid', amount: 2 }])}`, bad.values));
    assert.equal((await t.db.query('SELECT 1 FROM db_test_json_rows')).length, 2);
  });

  describe('migrate', () => {
    test('is idempotent on a migrated database', async () => {
      assert.deepEqual(await migrate(t.db), []);
      assert.deepEqual(await migrate(t.db), []);
      assert.deepEqual(await pendingMigrations(t.db), []);
      const versions = (await t.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
      assert.deepEqual(versions, loadMigrations().map((m) => m.version));
    });

    test('refuses a migration whose text changed after it was applied', async () => {
      const [first, ...rest] = loadMigrations();
      await assert.rejects(migrate(t.db, [{ ...first!, checksum: 'x' }, ...rest]), /Migration 0001_accounts was changed after it was applied/);
    });

    test('applies new migrations once, all or nothing', async () => {
      const existing = loadMigrations();
      const good = { version: '9001', name: 'test_good', sql: 'CREATE TABLE db_test_m1 (a int); INSERT INTO db_test_m1 VALUES (1);', checksum: 'g' };
      const bad = { version: '9002', name: 'test_bad', sql: 'CREATE TABLE db_test_m2 (a int); SELECT no_such_function();', checksum: 'b' };

      await assert.rejects(migrate(t.db, [...existing, good, bad]), /no_such_function/);
      const [tables] = await t.db.query<{ m1: string | null; m2: string | null }>("SELECT to_regclass('db_test_m1')::text AS m1, to_regclass('db_test_m2')::text AS m2");
      assert.deepEqual({ ...tables }, { m1: null, m2: null }, 'the failed set left nothing behind');
      assert.deepEqual(await pendingMigrations(t.db, [...existing, good, bad]), ['9001', '9002']);

      assert.deepEqual(await migrate(t.db, [...existing, good]), ['9001_test_good']);
      assert.deepEqual(await migrate(t.db, [...existing, good]), []);
      assert.deepEqual(await t.db.query('SELECT a FROM db_test_m1'), [{ a: 1 }]);
    });
  });
});
