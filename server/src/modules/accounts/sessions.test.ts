import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Client, json, registerUser, signedInClient, testPlatform, uniquePerson, type TestPlatform } from '../../test/harness.js';
import { randomToken } from '../../platform/crypto.js';

interface SessionDto {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

const code = (res: LightMyRequestResponse) => json<{ error: { code: string } }>(res).error.code;
const sessionsOf = async (c: Client) => json<{ sessions: SessionDto[] }>(await c.get('/api/me/sessions')).sessions;

/** A second browser of the same person, on another device and network. */
async function secondDevice(app: FastifyInstance, person: { email: string; password: string }, ip: string, userAgent: string) {
  const c = new Client(app);
  c.ip = ip;
  c.userAgent = userAgent;
  const res = await c.login(person.email, person.password);
  assert.equal(res.statusCode, 200, res.body);
  return c;
}

describe('sessions and CSRF', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform({ env: { SESSION_IDLE_MINUTES: '5' } });
  });
  after(() => t.close());

  describe('CSRF', () => {
    test('signed-in writes without the token, or with a wrong one, are refused and change nothing', async () => {
      const { client: c, person } = await signedInClient(t, 'customer');
      const other = await secondDevice(t.app, person, '198.51.100.31', 'Other/1.0');
      const otherId = (await sessionsOf(c)).find((s) => !s.current)!.id;
      const goodToken = c.csrf;
      const otherUsersToken = (await signedInClient(t, 'customer')).client.csrf!;

      const writes: [InjectOptions['method'], string, unknown][] = [
        ['PATCH', '/api/me', { name: 'Forged Name' }],
        ['PUT', '/api/me/preferences', { preferences: [{ topic: 'marketing', channel: 'email', enabled: true }] }],
        ['POST', '/api/me/password', { currentPassword: person.password, newPassword: 'Forged-passphrase-42' }],
        ['DELETE', `/api/me/sessions/${otherId}`, undefined],
        ['DELETE', '/api/me/sessions', undefined],
        ['POST', '/api/auth/logout', undefined],
      ];
      for (const token of [null, '', randomToken(32), otherUsersToken, goodToken!.slice(0, -1)]) {
        c.csrf = token;
        for (const [method, url, body] of writes) {
          const res = await c.request(method, url, body, token === '' ? { 'x-csrf-token': '' } : {});
          assert.equal(res.statusCode, 403, `${method} ${url} with token ${JSON.stringify(token)}: ${res.body}`);
          assert.equal(code(res), 'csrf_failed');
        }
      }
      c.csrf = goodToken;

      const me = json<{ user: { name: string } }>(await c.get('/api/me')).user;
      assert.equal(me.name, person.name);
      const prefs = json<{ preferences: { topic: string; channel: string; enabled: boolean }[] }>(await c.get('/api/me/preferences')).preferences;
      assert.equal(prefs.find((p) => p.topic === 'marketing' && p.channel === 'email')!.enabled, false);
      assert.equal((await other.get('/api/me')).statusCode, 200, 'the other session was not ended');
      assert.equal((await new Client(t.app).login(person.email, person.password)).statusCode, 200, 'password unchanged');

      // The same request with the right token goes through, so the refusals above were the token's doing.
      const ok = await c.patch('/api/me', { name: 'Real Name' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(json<{ user: { name: string } }>(ok).user.name, 'Real Name');
    });

    test('reads need no token', async () => {
      const { client: c } = await signedInClient(t, 'customer');
      c.csrf = null;
      for (const url of ['/api/me', '/api/me/sessions', '/api/me/preferences', '/api/me/activity', '/api/auth/session']) {
        assert.equal((await c.get(url)).statusCode, 200, url);
      }
    });

    test('sign-in needs the pre-sign-in cookie and the same value in the header', async () => {
      const person = await registerUser(t.app, 'precsrf');
      const body = { email: person.email, password: person.password };

      const bare = new Client(t.app);
      const noCookieNoHeader = await bare.post('/api/auth/login', body);
      assert.equal(noCookieNoHeader.statusCode, 403);
      assert.equal(code(noCookieNoHeader), 'csrf_failed');

      const c = new Client(t.app);
      await c.start();
      const cookie = c.cookies.get('sk_csrf');
      assert.equal(cookie, c.csrf, 'the token handed out is the cookie value');

      c.cookies.delete('sk_csrf');
      assert.equal((await c.post('/api/auth/login', body)).statusCode, 403, 'header without cookie');
      c.cookies.set('sk_csrf', cookie!);
      assert.equal((await c.post('/api/auth/login', body, { 'x-csrf-token': randomToken(32) })).statusCode, 403, 'mismatched header');
      const saved = c.csrf;
      c.csrf = null;
      assert.equal((await c.post('/api/auth/login', body)).statusCode, 403, 'cookie without header');
      c.cookies.set('sk_csrf', '');
      assert.equal((await c.post('/api/auth/login', body, { 'x-csrf-token': '' })).statusCode, 403, 'empty cookie and header');
      c.cookies.set('sk_csrf', cookie!);
      c.csrf = saved;

      const logins = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE subject_user_id = $1 AND action = 'auth.login'", [person.id]);
      assert.equal(logins[0]!.n, 0, 'no refused attempt signed in');
      assert.equal(c.cookies.has('sk_session'), false);

      const ok = await c.post('/api/auth/login', body);
      assert.equal(ok.statusCode, 200, ok.body);
    });
  });

  describe('rotation and expiry', () => {
    test('signing in again replaces the session: new cookie, new CSRF token, old token dead', async () => {
      const person = await registerUser(t.app, 'rotate');
      const c = new Client(t.app);
      await c.start();
      const preLogin = c.csrf;
      const first = await c.login(person.email, person.password);
      assert.equal(first.statusCode, 200);
      const firstCsrf = json<{ csrfToken: string }>(first).csrfToken;
      assert.notEqual(firstCsrf, preLogin, 'the sign-in issues a new CSRF token');
      assert.equal(c.cookies.has('sk_csrf'), false, 'the pre-sign-in cookie is cleared');
      const firstToken = c.cookies.get('sk_session')!;
      assert.ok(firstToken);

      const second = await c.login(person.email, person.password);
      assert.equal(second.statusCode, 200, second.body);
      const secondToken = c.cookies.get('sk_session')!;
      assert.notEqual(secondToken, firstToken);
      assert.notEqual(json<{ csrfToken: string }>(second).csrfToken, firstCsrf);
      assert.equal((await c.get('/api/me')).statusCode, 200);

      const stale = new Client(t.app);
      stale.cookies.set('sk_session', firstToken);
      assert.equal((await stale.get('/api/me')).statusCode, 401, 'the replaced session no longer works');
      assert.equal((await sessionsOf(c)).length, 1);
      const [old] = await t.db.query<{ revoked_reason: string }>(
        'SELECT revoked_reason FROM sessions WHERE user_id = $1 AND revoked_at IS NOT NULL',
        [person.id],
      );
      assert.equal(old!.revoked_reason, 'rotated');
    });

    test('a session idle longer than SESSION_IDLE_MINUTES ends', async () => {
      const { client: c, person } = await signedInClient(t, 'customer');
      const setIdle = (minutes: number) =>
        t.db.query("UPDATE sessions SET last_seen_at = now() - make_interval(mins => $2) WHERE user_id = $1", [person.id, minutes]);

      await setIdle(4);
      assert.equal((await c.get('/api/me')).statusCode, 200, 'within the idle limit');
      const [touched] = await t.db.query<{ idle: number }>(
        'SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM sessions WHERE user_id = $1',
        [person.id],
      );
      assert.ok(touched!.idle < 60, 'use moves last_seen_at forward');

      await setIdle(6);
      const res = await c.get('/api/me');
      assert.equal(res.statusCode, 401);
      assert.equal(code(res), 'unauthenticated');
      assert.equal(json<{ user: unknown }>(await c.get('/api/auth/session')).user, null);
    });

    test('a session past expires_at ends, however recently used', async () => {
      const { client: c, person } = await signedInClient(t, 'customer');
      await t.db.query("UPDATE sessions SET expires_at = now() + interval '1 minute' WHERE user_id = $1", [person.id]);
      assert.equal((await c.get('/api/me')).statusCode, 200);
      await t.db.query("UPDATE sessions SET expires_at = now() - interval '1 second', last_seen_at = now() WHERE user_id = $1", [person.id]);
      assert.equal((await c.get('/api/me')).statusCode, 401);
    });

    test('a session lasts SESSION_ABSOLUTE_HOURS from sign-in, and the cookie expires with it', async () => {
      const person = await registerUser(t.app, 'absolute');
      const c = new Client(t.app);
      const res = await c.login(person.email, person.password);
      const [s] = await sessionsOf(c);
      assert.equal(Date.parse(s!.expiresAt) - Date.parse(s!.createdAt), 24 * 3600 * 1000);
      const cookie = res.cookies.find((x) => x.name === 'sk_session') as { expires?: Date } | undefined;
      assert.equal(cookie?.expires?.getTime(), Math.floor(Date.parse(s!.expiresAt) / 1000) * 1000);
    });
  });

  describe('managing sessions', () => {
    test('the list shows each device with its address and marks the current one', async () => {
      const person = await registerUser(t.app, 'devices');
      const phone = await secondDevice(t.app, person, '198.51.100.41', 'Phone/1.0');
      const laptop = await secondDevice(t.app, person, '198.51.100.42', 'Laptop/2.0');

      const fromPhone = await sessionsOf(phone);
      assert.equal(fromPhone.length, 2);
      const mine = fromPhone.filter((s) => s.current);
      assert.equal(mine.length, 1);
      assert.deepEqual([mine[0]!.ip, mine[0]!.userAgent], ['198.51.100.41', 'Phone/1.0']);
      const theirs = fromPhone.find((s) => !s.current)!;
      assert.deepEqual([theirs.ip, theirs.userAgent], ['198.51.100.42', 'Laptop/2.0']);
      const fromLaptop = await sessionsOf(laptop);
      assert.equal(fromLaptop.find((s) => s.current)!.id, theirs.id);

      const revoke = await phone.delete(`/api/me/sessions/${theirs.id}`);
      assert.equal(revoke.statusCode, 204, revoke.body);
      assert.equal((await laptop.get('/api/me')).statusCode, 401);
      assert.equal((await phone.get('/api/me')).statusCode, 200);
      assert.deepEqual((await sessionsOf(phone)).map((s) => s.id), [mine[0]!.id]);
      assert.equal((await phone.delete(`/api/me/sessions/${theirs.id}`)).statusCode, 404, 'already ended');
    });

    test('"sign out everywhere else" ends every other session and keeps this one', async () => {
      const person = await registerUser(t.app, 'others');
      const a = await secondDevice(t.app, person, '198.51.100.51', 'A/1');
      const b = await secondDevice(t.app, person, '198.51.100.52', 'B/1');
      const c = await secondDevice(t.app, person, '198.51.100.53', 'C/1');
      const res = await a.delete('/api/me/sessions');
      assert.equal(res.statusCode, 204, res.body);
      assert.equal((await a.get('/api/me')).statusCode, 200);
      assert.equal((await b.get('/api/me')).statusCode, 401);
      assert.equal((await c.get('/api/me')).statusCode, 401);
      const list = await sessionsOf(a);
      assert.equal(list.length, 1);
      assert.equal(list[0]!.current, true);
    });

    test('a password change ends the other sessions and keeps this one; a wrong current password changes nothing', async () => {
      const person = await registerUser(t.app, 'pwchange');
      const a = await secondDevice(t.app, person, '198.51.100.61', 'A/1');
      const b = await secondDevice(t.app, person, '198.51.100.62', 'B/1');
      const newPassword = 'A-fresh-passphrase-2024';

      const wrong = await a.post('/api/me/password', { currentPassword: 'not-my-password', newPassword });
      assert.equal(wrong.statusCode, 400, wrong.body);
      assert.equal(code(wrong), 'wrong_password');
      assert.equal((await b.get('/api/me')).statusCode, 200, 'nothing ended on a wrong password');

      const weak = await a.post('/api/me/password', { currentPassword: person.password, newPassword: 'password1' });
      assert.equal(weak.statusCode, 400);
      assert.equal(code(weak), 'weak_password');

      const ok = await a.post('/api/me/password', { currentPassword: person.password, newPassword });
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal((await a.get('/api/me')).statusCode, 200, 'this session continues');
      assert.equal((await b.get('/api/me')).statusCode, 401, 'the other session ended');
      assert.equal((await new Client(t.app).login(person.email, person.password)).statusCode, 401);
      assert.equal((await new Client(t.app).login(person.email, newPassword)).statusCode, 200);
    });
  });

  test('over plain http: cookies without Secure or __Host-, and no HSTS', async () => {
    const c = new Client(t.app);
    const res = await c.get('/api/auth/session');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['strict-transport-security'], undefined);
    const csrf = res.cookies.find((x) => x.name === 'sk_csrf') as { secure?: boolean } | undefined;
    assert.ok(csrf);
    assert.notEqual(csrf.secure, true);
  });
});

/** A browser behind the TLS-terminating proxy: every request arrives marked as https. */
class HttpsClient extends Client {
  override request(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) {
    return super.request(method, url, body, { 'x-forwarded-proto': 'https', ...headers });
  }
}

describe('sessions behind https (PUBLIC_URL https://…, TRUST_PROXY)', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform({ env: { PUBLIC_URL: 'https://seva.example.in', TRUST_PROXY: 'true' } });
  });
  after(() => t.close());

  async function httpsPerson() {
    const person = uniquePerson('https');
    const c = new HttpsClient(t.app);
    c.ip = '198.51.100.70';
    await c.start();
    const res = await c.post('/api/auth/register', person);
    assert.equal(res.statusCode, 201, res.body);
    return person;
  }

  test('cookies are __Host- prefixed, Secure, HttpOnly, host-only and Path=/', async () => {
    const person = await httpsPerson();
    const c = new HttpsClient(t.app);
    const session = await c.get('/api/auth/session');
    const csrf = session.cookies.find((x) => x.name === '__Host-sk_csrf') as Record<string, unknown> | undefined;
    assert.ok(csrf, JSON.stringify(session.cookies));
    const login = await c.login(person.email, person.password);
    assert.equal(login.statusCode, 200, login.body);
    assert.equal(login.cookies.some((x) => x.name === 'sk_session'), false);
    const cookie = login.cookies.find((x) => x.name === '__Host-sk_session') as Record<string, unknown> | undefined;
    assert.ok(cookie, JSON.stringify(login.cookies));
    for (const x of [csrf, cookie]) {
      assert.equal(x.secure, true);
      assert.equal(x.httpOnly, true);
      assert.equal(x.path, '/');
      assert.equal(x.domain, undefined);
    }
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal((await c.get('/api/me')).statusCode, 200);

    // The same token under the unprefixed name, as a sibling subdomain could plant it, is not read.
    const planted = new HttpsClient(t.app);
    planted.cookies.set('sk_session', c.cookies.get('__Host-sk_session')!);
    assert.equal((await planted.get('/api/me')).statusCode, 401);
  });

  test('plain http is redirected to the public https address; health checks are not', async () => {
    const c = new Client(t.app);
    const res = await c.get('/api/auth/session?lang=hi');
    assert.equal(res.statusCode, 308);
    assert.equal(res.headers.location, 'https://seva.example.in/api/auth/session?lang=hi');
    assert.equal(res.cookies.length, 0, 'nothing is set over http');

    const post = await c.post('/api/auth/login', { email: 'x@example.com', password: 'whatever-123' });
    assert.equal(post.statusCode, 308);

    for (const url of ['/healthz', '/readyz']) {
      const health = await c.get(url);
      assert.equal(health.statusCode, 200, `${url}: ${health.body}`);
    }
  });

  test('over https: 200 with HSTS and the security headers', async () => {
    const res = await new HttpsClient(t.app).get('/api/auth/session');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['strict-transport-security']), /^max-age=31536000; includeSubDomains/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /upgrade-insecure-requests/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(String(res.headers['permissions-policy']), /camera=\(\)/);
  });
});
