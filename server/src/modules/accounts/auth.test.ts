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
});
