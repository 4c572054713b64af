import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Client, json, registerUser, testPlatform, uniquePerson, type TestPlatform } from '../../test/harness.js';
import { LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_IP, LOGIN_WINDOW_SECONDS } from './accounts.service.js';

interface Outcome {
  status: number;
  code: string | undefined;
  message: string | undefined;
  retryAfter: string | undefined;
}

function outcome(res: LightMyRequestResponse): Outcome {
  const body = res.statusCode >= 400 ? json<{ error: { code: string; message: string } }>(res).error : undefined;
  const retry = res.headers['retry-after'];
  return { status: res.statusCode, code: body?.code, message: body?.message, retryAfter: retry === undefined ? undefined : String(retry) };
}

/**
 * The limits count in fixed windows aligned to the clock. A sequence that happened to straddle a
 * window boundary would see its count reset half-way, so it is run again (with fresh names and
 * addresses, from `attempt`) until it fits in one window. No assertion depends on timing.
 */
async function inOneWindow<T>(windowSeconds: number, run: (attempt: number) => Promise<T>): Promise<T> {
  const windowOf = () => Math.floor(Date.now() / (windowSeconds * 1000));
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = windowOf();
    const result = await run(attempt);
    if (windowOf() === start) return result;
  }
  throw new Error('the sequence crossed a window boundary three times');
}

let ipCounter = 0;
/** A client on its own address, so per-IP counters of one test never touch another's. */
function clientOnNewIp(t: TestPlatform): Client {
  const c = new Client(t.app);
  ipCounter++;
  c.ip = `192.0.2.${ipCounter}`;
  return c;
}

function assertLocked(o: Outcome, code: string) {
  assert.equal(o.status, 429, JSON.stringify(o));
  assert.equal(o.code, code);
  assert.match(o.retryAfter ?? '', /^\d+$/);
  const seconds = Number(o.retryAfter);
  assert.ok(seconds >= 1 && seconds <= LOGIN_WINDOW_SECONDS, `Retry-After ${seconds}`);
}

describe('sign-in throttling and lockout', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  test('five wrong passwords lock the account: the sixth try fails even with the right password', async () => {
    const { person, failures, locked, lockedElsewhere } = await inOneWindow(LOGIN_WINDOW_SECONDS, async () => {
      const person = await registerUser(t.app, 'lock');
      const c = clientOnNewIp(t);
      const failures: Outcome[] = [];
      for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT; i++) {
        // The address is compared case-insensitively, so changing case does not reset the count.
        const email = i % 2 ? person.email.toUpperCase() : person.email;
        failures.push(outcome(await c.login(email, `wrong-password-${i}`)));
      }
      const locked = outcome(await c.login(person.email, person.password));
      const lockedElsewhere = outcome(await clientOnNewIp(t).login(person.email, person.password));
      return { person, failures, locked, lockedElsewhere };
    });
    for (const f of failures) assert.deepEqual([f.status, f.code], [401, 'invalid_credentials']);
    assertLocked(locked, 'account_locked');
    assertLocked(lockedElsewhere, 'account_locked');

    const rows = await t.db.query<{ outcome: string; ip: string; actor_type: string; details: { reason: string } }>(
      "SELECT outcome, ip, actor_type, details FROM activity_log WHERE subject_user_id = $1 AND action = 'auth.login_failed' ORDER BY id",
      [person.id],
    );
    // The refused attempts are failed sign-ins too, and are recorded as such.
    assert.deepEqual(
      rows.map((r) => r.details.reason),
      [...Array<string>(LOGIN_FAILURES_PER_ACCOUNT).fill('wrong_password'), 'account_locked', 'account_locked'],
    );
    for (const r of rows) {
      assert.equal(r.outcome, 'failure');
      assert.equal(r.actor_type, 'anonymous');
      assert.match(r.ip, /^192\.0\.2\.\d+$/);
    }
    const logins = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE subject_user_id = $1 AND action = 'auth.login'", [person.id]);
    assert.equal(logins[0]!.n, 0, 'the locked attempt did not sign in');
  });

  test('an unknown address locks the same way and answers the same, so accounts cannot be discovered', async () => {
    const { known, unknown } = await inOneWindow(LOGIN_WINDOW_SECONDS, async (attempt) => {
      const person = await registerUser(t.app, 'exists');
      const run = async (email: string) => {
        const c = clientOnNewIp(t);
        const all: Outcome[] = [];
        for (let i = 0; i <= LOGIN_FAILURES_PER_ACCOUNT; i++) all.push(outcome(await c.login(email, `wrong-password-${i}`)));
        return all;
      };
      return { known: await run(person.email), unknown: await run(`nobody-${attempt}-${person.email}`) };
    });
    for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT; i++) {
      assert.deepEqual([unknown[i]!.status, unknown[i]!.code, unknown[i]!.message], [known[i]!.status, known[i]!.code, known[i]!.message]);
      assert.equal(unknown[i]!.status, 401);
    }
    assertLocked(known.at(-1)!, 'account_locked');
    assertLocked(unknown.at(-1)!, 'account_locked');
    assert.equal(unknown.at(-1)!.message, known.at(-1)!.message);

    const failed = await t.db.query<{ outcome: string; subject_user_id: string | null }>(
      "SELECT outcome, subject_user_id FROM activity_log WHERE action = 'auth.login_failed' AND details->>'reason' = 'unknown_account'",
    );
    assert.ok(failed.length >= LOGIN_FAILURES_PER_ACCOUNT);
    assert.ok(failed.every((r) => r.outcome === 'failure' && r.subject_user_id === null));
  });

  test(`${LOGIN_FAILURES_PER_IP} failures from one address, across accounts, block that address`, async () => {
    const { failures, nextUnknown, rightPassword, spoofed, otherIp, person } = await inOneWindow(LOGIN_WINDOW_SECONDS, async (attempt) => {
      const person = await registerUser(t.app, 'ipvictim');
      const c = clientOnNewIp(t);
      const failures: Outcome[] = [];
      for (let i = 0; i < LOGIN_FAILURES_PER_IP; i++) {
        failures.push(outcome(await c.login(`spray-${attempt}-${i}@example.com`, 'Summer2024!')));
      }
      const nextUnknown = outcome(await c.login(`spray-${attempt}-last@example.com`, 'Summer2024!'));
      const rightPassword = outcome(await c.login(person.email, person.password));
      // TRUST_PROXY is off: a forwarded-for header is not believed and does not escape the limit.
      const spoofed = outcome(await c.post('/api/auth/login', { email: person.email, password: person.password }, { 'x-forwarded-for': '203.0.113.99' }));
      const otherIp = outcome(await clientOnNewIp(t).login(person.email, person.password));
      return { failures, nextUnknown, rightPassword, spoofed, otherIp, person };
    });
    for (const f of failures) assert.equal(f.status, 401, JSON.stringify(f));
    assertLocked(nextUnknown, 'rate_limited');
    assertLocked(rightPassword, 'rate_limited');
    assertLocked(spoofed, 'rate_limited');
    assert.equal(otherIp.status, 200, 'the account itself is not locked, and other addresses still sign in');
    assert.ok(person.id);
  });

  test('a successful sign-in clears the account’s failure count', async () => {
    const results = await inOneWindow(LOGIN_WINDOW_SECONDS, async () => {
      const person = await registerUser(t.app, 'clears');
      const c = clientOnNewIp(t);
      const out: Outcome[] = [];
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT - 1; i++) out.push(outcome(await c.login(person.email, 'wrong-password')));
        out.push(outcome(await c.login(person.email, person.password)));
      }
      return out;
    });
    // Without the reset the second round's sign-in would be the ninth attempt after eight failures.
    assert.deepEqual(
      results.map((r) => r.status),
      [401, 401, 401, 401, 200, 401, 401, 401, 401, 200],
    );
  });

  test('the eleventh registration from one address within the hour is refused', async () => {
    const { statuses, eleventh, person11, otherIp } = await inOneWindow(3600, async () => {
      const c = clientOnNewIp(t);
      await c.start();
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await c.post('/api/auth/register', uniquePerson('burst'))).statusCode);
      const person11 = uniquePerson('burst');
      const eleventh = outcome(await c.post('/api/auth/register', person11));
      const other = clientOnNewIp(t);
      await other.start();
      const otherIp = (await other.post('/api/auth/register', uniquePerson('elsewhere'))).statusCode;
      return { statuses, eleventh, person11, otherIp };
    });
    assert.deepEqual(statuses, Array(10).fill(201));
    assert.equal(eleventh.status, 429, JSON.stringify(eleventh));
    assert.equal(eleventh.code, 'rate_limited');
    assert.match(eleventh.retryAfter ?? '', /^\d+$/);
    assert.ok(Number(eleventh.retryAfter) <= 3600);
    const rows = await t.db.query('SELECT 1 FROM users WHERE email = $1', [person11.email]);
    assert.equal(rows.length, 0, 'the refused registration created no account');
    assert.equal(otherIp, 201, 'other addresses are not affected');
  });
  test('attempts sent all at once cannot outrun the account lock', async () => {
    const burst = LOGIN_FAILURES_PER_ACCOUNT + 7;
    const { person, outcomes, after } = await inOneWindow(LOGIN_WINDOW_SECONDS, async () => {
      const person = await registerUser(t.app, 'burst');
      const c = clientOnNewIp(t);
      await c.start();
      // Every password check takes tens of milliseconds: all of these are in flight together.
      const all = await Promise.all(Array.from({ length: burst }, (_, i) => c.post('/api/auth/login', { email: person.email, password: `wrong-password-${i}` })));
      const after = outcome(await clientOnNewIp(t).login(person.email, person.password));
      return { person, outcomes: all.map(outcome), after };
    });
    const counts = (status: number) => outcomes.filter((o) => o.status === status).length;
    assert.equal(counts(401), LOGIN_FAILURES_PER_ACCOUNT, JSON.stringify(outcomes.map((o) => o.status)));
    assert.equal(counts(429), burst - LOGIN_FAILURES_PER_ACCOUNT);
    for (const o of outcomes.filter((x) => x.status === 429)) assertLocked(o, 'account_locked');
    assertLocked(after, 'account_locked');

    const reasons = await t.db.query<{ reason: string; n: number }>(
      `SELECT details->>'reason' AS reason, count(*)::int AS n FROM activity_log
       WHERE subject_user_id = $1 AND action = 'auth.login_failed' GROUP BY 1 ORDER BY 1`,
      [person.id],
    );
    assert.deepEqual(
      reasons.map((r) => [r.reason, r.n]),
      [['account_locked', burst - LOGIN_FAILURES_PER_ACCOUNT + 1], ['wrong_password', LOGIN_FAILURES_PER_ACCOUNT]],
      'only five passwords were ever checked',
    );
  });

  test('attempts sent all at once from one address cannot outrun the address limit', async () => {
    const burst = LOGIN_FAILURES_PER_IP + 8;
    const outcomes = await inOneWindow(LOGIN_WINDOW_SECONDS, async (attempt) => {
      const c = clientOnNewIp(t);
      await c.start();
      const all = await Promise.all(
        Array.from({ length: burst }, (_, i) => c.post('/api/auth/login', { email: `parallel-${attempt}-${i}-${c.ip}@example.com`, password: 'Summer2024!' })),
      );
      return all.map(outcome);
    });
    assert.equal(outcomes.filter((o) => o.status === 401).length, LOGIN_FAILURES_PER_IP, JSON.stringify(outcomes.map((o) => o.status)));
    const refused = outcomes.filter((o) => o.status === 429);
    assert.equal(refused.length, burst - LOGIN_FAILURES_PER_IP);
    for (const o of refused) assertLocked(o, 'rate_limited');
  });

  test('a correct password on a suspended account, or a refused attempt, does not count as a failure', async () => {
    const statuses = await inOneWindow(LOGIN_WINDOW_SECONDS, async () => {
      const person = await registerUser(t.app, 'suspcount');
      await t.db.query("UPDATE users SET status = 'suspended' WHERE id = $1", [person.id]);
      const c = clientOnNewIp(t);
      const out: number[] = [];
      for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT + 2; i++) out.push((await c.login(person.email, person.password)).statusCode);
      await t.db.query("UPDATE users SET status = 'active' WHERE id = $1", [person.id]);
      for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT - 1; i++) out.push((await c.login(person.email, 'wrong-password')).statusCode);
      out.push((await c.login(person.email, person.password)).statusCode);
      return out;
    });
    assert.deepEqual(statuses, [
      ...Array<number>(LOGIN_FAILURES_PER_ACCOUNT + 2).fill(403),
      ...Array<number>(LOGIN_FAILURES_PER_ACCOUNT - 1).fill(401),
      200,
    ]);
  });

  describe('limits of the mail and token routes', () => {
    /** `count` requests from one new address, then one more; every answer's outcome. */
    async function burstFrom(count: number, send: (c: Client, i: number) => Promise<LightMyRequestResponse>) {
      const c = clientOnNewIp(t);
      await c.start();
      const out: Outcome[] = [];
      for (let i = 0; i <= count; i++) out.push(outcome(await send(c, i)));
      return out;
    }
    function assertLimitedAfter(outcomes: Outcome[], allowed: number, okStatus: number, windowSeconds: number) {
      assert.deepEqual(outcomes.slice(0, allowed).map((o) => o.status), Array<number>(allowed).fill(okStatus), JSON.stringify(outcomes.slice(0, allowed)));
      const last = outcomes[allowed]!;
      assert.equal(last.status, 429, JSON.stringify(last));
      assert.equal(last.code, 'rate_limited');
      assert.ok(Number(last.retryAfter) >= 1 && Number(last.retryAfter) <= windowSeconds, `Retry-After ${last.retryAfter}`);
    }
    const bogusToken = (i: number) => `bogus-token-${i}-${'x'.repeat(20)}`;

    test('verify-email: 30 tries per address in 15 minutes', async () => {
      const { outcomes, elsewhere } = await inOneWindow(900, async () => ({
        outcomes: await burstFrom(30, (c, i) => c.post('/api/auth/verify-email', { token: bogusToken(i) })),
        elsewhere: await burstFrom(0, (c) => c.post('/api/auth/verify-email', { token: bogusToken(99) })),
      }));
      assertLimitedAfter(outcomes, 30, 400, 900);
      assert.equal(elsewhere[0]!.status, 400, 'another address is not limited');
    });

    test('reset-password: 20 tries per address in 15 minutes', async () => {
      const { outcomes, elsewhere } = await inOneWindow(900, async () => ({
        outcomes: await burstFrom(20, (c, i) => c.post('/api/auth/reset-password', { token: bogusToken(i), password: 'A-new-passphrase-42' })),
        elsewhere: await burstFrom(0, (c) => c.post('/api/auth/reset-password', { token: bogusToken(99), password: 'A-new-passphrase-42' })),
      }));
      assertLimitedAfter(outcomes, 20, 400, 900);
      assert.equal(elsewhere[0]!.status, 400);
    });

    test('forgot-password: 10 per address in 15 minutes, and 3 mails per account in an hour from anywhere', async () => {
      const perIp = await inOneWindow(900, (attempt) =>
        burstFrom(10, (c, i) => c.post('/api/auth/forgot-password', { email: `forgot-${attempt}-${i}-${c.ip}@example.com` })),
      );
      const { perAccount, person } = await inOneWindow(3600, async () => {
        const person = await registerUser(t.app, 'forgot');
        // The same account from a new address each time: the per-account limit still applies.
        const perAccount: Outcome[] = [];
        for (let i = 0; i < 4; i++) perAccount.push((await burstFrom(0, (c) => c.post('/api/auth/forgot-password', { email: person.email })))[0]!);
        return { perAccount, person };
      });
      assertLimitedAfter(perIp, 10, 202, 900);
      assertLimitedAfter(perAccount, 3, 202, 3600);
      const mails = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM mail_outbox WHERE to_address = $1 AND purpose = 'reset_password'", [person.email]);
      assert.equal(mails[0]!.n, 3, 'the refused request sent no mail');
    });

    test('resend-verification: 3 per account in an hour', async () => {
      const { outcomes, person } = await inOneWindow(3600, async () => {
        const person = await registerUser(t.app, 'resend');
        const c = clientOnNewIp(t);
        assert.equal((await c.login(person.email, person.password)).statusCode, 200);
        const out: Outcome[] = [];
        for (let i = 0; i < 4; i++) out.push(outcome(await c.post('/api/auth/resend-verification')));
        return { outcomes: out, person };
      });
      assertLimitedAfter(outcomes, 3, 202, 3600);
      const mails = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM mail_outbox WHERE to_address = $1 AND purpose = 'verify_email'", [person.email]);
      assert.equal(mails[0]!.n, 1 + 3, 'the registration mail and three resent ones');
    });
  });
});
