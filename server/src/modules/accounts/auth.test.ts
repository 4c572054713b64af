import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, json, lastMailToken, registerUser, testPlatform, uniquePerson, type TestPlatform } from '../../test/harness.js';

describe('registration, verification, sign-in and sign-out', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  test('a customer registers, verifies the email, signs in and out', async () => {
    const person = uniquePerson('flow');
    const c = new Client(t.app);
    await c.start();
    const reg = await c.post('/api/auth/register', { ...person, mobile: `+91 ${person.mobile.slice(0, 5)} ${person.mobile.slice(5)}` });
    assert.equal(reg.statusCode, 201, reg.body);
    const user = json<{ user: { id: string; mobile: string; role: string; emailVerified: boolean } }>(reg).user;
    assert.equal(user.mobile, `+91${person.mobile}`);
    assert.equal(user.role, 'customer');
    assert.equal(user.emailVerified, false);
    assert.equal(reg.body.includes('password'), false, 'no password material in the answer');

    const token = await lastMailToken(t.db, person.email, 'verify_email');
    const verified = await c.post('/api/auth/verify-email', { token });
    assert.equal(verified.statusCode, 200, verified.body);
    const again = await c.post('/api/auth/verify-email', { token });
    assert.equal(again.statusCode, 400);
    assert.equal(json<{ error: { code: string } }>(again).error.code, 'invalid_token');

    const login = await c.login(person.email.toUpperCase(), person.password);
    assert.equal(login.statusCode, 200, login.body);
    assert.equal(json<{ user: { emailVerified: boolean } }>(login).user.emailVerified, true);
    const cookie = login.cookies.find((x) => x.name === 'sk_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.value.length, 43, '256-bit token, base64url');

    const me = await c.get('/api/me');
    assert.equal(me.statusCode, 200);
    assert.equal(json<{ user: { id: string } }>(me).user.id, user.id);

    const out = await c.post('/api/auth/logout');
    assert.equal(out.statusCode, 204);
    assert.equal((await c.get('/api/me')).statusCode, 401);

    const actions = (await t.db.query<{ action: string }>('SELECT action FROM activity_log WHERE subject_user_id = $1 ORDER BY id', [user.id])).map((r) => r.action);
    assert.deepEqual(actions, ['auth.register', 'auth.email_verified', 'auth.login', 'auth.logout']);
  });

  test('registration rejects bad input with field details', async () => {
    const c = new Client(t.app);
    await c.start();
    const base = uniquePerson('bad');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, mobile: '12345' }, 'validation_failed', 'mobile'],
      [{ ...base, mobile: '5876543210' }, 'validation_failed', 'mobile'],
      [{ ...base, email: 'not-an-email' }, 'validation_failed', 'email'],
      [{ ...base, password: 'short' }, 'weak_password', 'password'],
      [{ ...base, password: 'password123' }, 'weak_password', 'password'],
      [{ ...base, password: 'x'.repeat(129) }, 'weak_password', 'password'],
      [{ ...base, extra: 1 }, 'validation_failed', 'extra'],
      [{ name: base.name }, 'validation_failed', 'mobile'],
    ];
    for (const [body, code, field] of cases) {
      const res = await c.post('/api/auth/register', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.body}`);
      const err = json<{ error: { code: string; details: { field: string }[] } }>(res).error;
      assert.equal(err.code, code, res.body);
      assert.ok(err.details.some((d) => d.field === field), res.body);
    }
    const count = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = $1', [base.email]);
    assert.equal(count[0]!.n, 0);
  });

  test('duplicate email and mobile answer 409', async () => {
    const first = await registerUser(t.app, 'dup');
    const c = new Client(t.app);
    await c.start();
    const other = uniquePerson('dup2');
    const sameEmail = await c.post('/api/auth/register', { ...other, email: first.email.toUpperCase() });
    assert.equal(sameEmail.statusCode, 409);
    assert.equal(json<{ error: { code: string } }>(sameEmail).error.code, 'email_taken');
    const sameMobile = await c.post('/api/auth/register', { ...other, mobile: first.mobile });
    assert.equal(sameMobile.statusCode, 409);
    assert.equal(json<{ error: { code: string } }>(sameMobile).error.code, 'mobile_taken');
  });

  test('wrong passwords and unknown accounts answer alike', async () => {
    const p = await registerUser(t.app, 'wrong');
    const c = new Client(t.app);
    const wrong = await c.login(p.email, 'not-the-password');
    const unknown = await c.login('nobody-' + p.email, 'not-the-password');
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(json<{ error: { message: string } }>(wrong).error.message, json<{ error: { message: string } }>(unknown).error.message);
  });

  test('password reset mails a link, sets the password and ends every session', async () => {
    const p = await registerUser(t.app, 'reset');
    const a = new Client(t.app);
    assert.equal((await a.login(p.email, p.password)).statusCode, 200);

    const c = new Client(t.app);
    await c.start();
    const unknown = await c.post('/api/auth/forgot-password', { email: 'nobody@example.com' });
    const known = await c.post('/api/auth/forgot-password', { email: p.email });
    assert.equal(unknown.statusCode, 202);
    assert.equal(known.statusCode, 202);
    assert.equal(unknown.body, known.body, 'no account enumeration');

    const token = await lastMailToken(t.db, p.email, 'reset_password');
    const weak = await c.post('/api/auth/reset-password', { token, password: '12345678' });
    assert.equal(weak.statusCode, 400);
    const reset = await c.post('/api/auth/reset-password', { token, password: 'A-brand-new-passphrase' });
    assert.equal(reset.statusCode, 204, reset.body);
    assert.equal((await c.post('/api/auth/reset-password', { token, password: 'Another-new-passphrase' })).statusCode, 400);

    assert.equal((await a.get('/api/me')).statusCode, 401, 'old session ended');
    assert.equal((await new Client(t.app).login(p.email, p.password)).statusCode, 401);
    assert.equal((await new Client(t.app).login(p.email, 'A-brand-new-passphrase')).statusCode, 200);
  });
  describe('one-time links', () => {
    const expire = (email: string, purpose: string) =>
      t.db.query("UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE purpose = $2 AND user_id = (SELECT id FROM users WHERE email = $1)", [email, purpose]);

    test('verification links last 48 hours and reset links 30 minutes', async () => {
      const p = await registerUser(t.app, 'ttl');
      const c = new Client(t.app);
      c.ip = '198.51.100.181'; // its own address: the reset routes are limited per address
      await c.start();
      assert.equal((await c.post('/api/auth/forgot-password', { email: p.email })).statusCode, 202);
      const ttl = await t.db.query<{ purpose: string; seconds: number }>(
        `SELECT purpose, round(extract(epoch FROM expires_at - created_at))::int AS seconds FROM one_time_tokens
         WHERE user_id = $1 ORDER BY purpose`,
        [p.id],
      );
      assert.deepEqual(ttl.map((r) => [r.purpose, r.seconds]), [['reset_password', 30 * 60], ['verify_email', 48 * 3600]]);
    });

    test('an expired verification or reset link is refused and changes nothing', async () => {
      const p = await registerUser(t.app, 'expired');
      const c = new Client(t.app);
      c.ip = '198.51.100.182';
      await c.start();
      const verifyToken = await lastMailToken(t.db, p.email, 'verify_email');
      await expire(p.email, 'verify_email');
      const verify = await c.post('/api/auth/verify-email', { token: verifyToken });
      assert.equal(verify.statusCode, 400, verify.body);
      assert.equal(json<{ error: { code: string } }>(verify).error.code, 'invalid_token');
      const [row] = await t.db.query<{ email_verified_at: Date | null }>('SELECT email_verified_at FROM users WHERE id = $1', [p.id]);
      assert.equal(row!.email_verified_at, null);

      assert.equal((await c.post('/api/auth/forgot-password', { email: p.email })).statusCode, 202);
      const resetToken = await lastMailToken(t.db, p.email, 'reset_password');
      await expire(p.email, 'reset_password');
      const reset = await c.post('/api/auth/reset-password', { token: resetToken, password: 'Expired-link-passphrase' });
      assert.equal(reset.statusCode, 400, reset.body);
      assert.equal(json<{ error: { code: string } }>(reset).error.code, 'invalid_token');
      assert.equal((await new Client(t.app).login(p.email, p.password)).statusCode, 200, 'the old password still works');
    });

    test('a new link replaces the previous one of the same kind', async () => {
      const p = await registerUser(t.app, 'newer');
      const c = new Client(t.app);
      c.ip = '198.51.100.183';
      await c.start();
      assert.equal((await c.post('/api/auth/forgot-password', { email: p.email })).statusCode, 202);
      const first = await lastMailToken(t.db, p.email, 'reset_password');
      assert.equal((await c.post('/api/auth/forgot-password', { email: p.email })).statusCode, 202);
      const second = await lastMailToken(t.db, p.email, 'reset_password');
      assert.notEqual(first, second);
      assert.equal((await c.post('/api/auth/reset-password', { token: first, password: 'First-link-passphrase' })).statusCode, 400);
      assert.equal((await c.post('/api/auth/reset-password', { token: second, password: 'Second-link-passphrase' })).statusCode, 204);
      assert.equal((await new Client(t.app).login(p.email, 'Second-link-passphrase')).statusCode, 200);

      // Verification: a resent mail makes the first link useless; once verified, nothing more is sent.
      const signedIn = new Client(t.app);
      assert.equal((await signedIn.login(p.email, 'Second-link-passphrase')).statusCode, 200);
      const firstVerify = await lastMailToken(t.db, p.email, 'verify_email');
      assert.equal((await signedIn.post('/api/auth/resend-verification')).statusCode, 202);
      const secondVerify = await lastMailToken(t.db, p.email, 'verify_email');
      assert.notEqual(firstVerify, secondVerify);
      assert.equal((await c.post('/api/auth/verify-email', { token: firstVerify })).statusCode, 400);
      assert.equal((await c.post('/api/auth/verify-email', { token: secondVerify })).statusCode, 200);
      const again = await signedIn.post('/api/auth/resend-verification');
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(json<{ error: { code: string } }>(again).error.code, 'already_verified');
    });

    test('a suspended account gets no reset mail, and the answer is the same', async () => {
      const p = await registerUser(t.app, 'suspreset');
      await t.db.query("UPDATE users SET status = 'suspended' WHERE id = $1", [p.id]);
      const c = new Client(t.app);
      c.ip = '198.51.100.184';
      await c.start();
      const res = await c.post('/api/auth/forgot-password', { email: p.email });
      assert.equal(res.statusCode, 202);
      const mails = await t.db.query("SELECT 1 FROM mail_outbox WHERE to_address = $1 AND purpose = 'reset_password'", [p.email]);
      assert.equal(mails.length, 0);
    });
  });
});
