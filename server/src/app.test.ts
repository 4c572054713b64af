import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { createPlatform } from './app.js';
import { loadConfig } from './config.js';
import type { Db } from './db/index.js';
import { installSessionAuth } from './modules/accounts/session-auth.js';
import type { AccountsService } from './modules/accounts/accounts.service.js';
import type { SessionCookies } from './modules/accounts/session-cookie.js';
import { Client, TEST_MASTER_KEY, json, lastMailToken, registerUser, signedInClient, testPlatform, uniquePerson, type TestPlatform } from './test/harness.js';
import { listRoutes } from './test/routes.js';
import { cloneTestDb } from './test/test-db.js';
import { urlForLog } from './platform/request-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { url: string };
  err?: { message: string; stack: string };
  [key: string]: unknown;
}
const logLines = (t: TestPlatform): LogLine[] =>
  t
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);

describe('the platform shell: operations, errors and logs', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform({ captureLogs: true });
  });
  after(() => t.close());

  describe('operations endpoints', () => {
    test('/healthz is alive; /readyz reports the database and its migrations', async () => {
      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { status: 'ok' });
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200, ready.body);
      assert.deepEqual(ready.json(), { status: 'ready', database: t.dbKind });
    });

    test('/readyz answers 503 while a migration is not applied', async () => {
      const [newest] = await t.db.query<{ version: string; name: string; checksum: string }>(
        'DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations) RETURNING version, name, checksum',
      );
      try {
        const res = await t.app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(res.statusCode, 503);
        assert.deepEqual(res.json(), { status: 'migrations_pending', pending: [newest!.version] });
        assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'still alive');
      } finally {
        await t.db.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [newest!.version, newest!.name, newest!.checksum]);
      }
      assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    });

    test('/openapi.json is OpenAPI 3.1 generated from the route schemas, covering every /api route', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json() as {
        openapi: string;
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[]; additionalProperties?: boolean; properties?: Record<string, unknown> } }> }; parameters?: { name: string; in: string }[] }>>;
        components: { securitySchemes: Record<string, { in: string; name: string }> };
      };
      assert.equal(doc.openapi, '3.1.0');
      const missing = listRoutes(t.app)
        .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
        .filter((r) => !doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()]);
      assert.deepEqual(missing, [], 'every /api route is described');

      const register = doc.paths['/api/auth/register']!.post!.requestBody!.content['application/json']!.schema;
      assert.deepEqual([...register.required!].sort(), ['email', 'mobile', 'name', 'password']);
      assert.equal(register.additionalProperties, false);
      assert.ok(doc.paths['/api/me/sessions/{id}']!.delete!.parameters!.some((p) => p.name === 'id' && p.in === 'path'));
      assert.deepEqual(doc.components.securitySchemes.csrf, { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
      assert.equal(doc.components.securitySchemes.session!.in, 'cookie');
    });

    test('/docs is a readable page of the same document', async () => {
      let res = await t.app.inject({ method: 'GET', url: '/docs' });
      for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
        res = await t.app.inject({ method: 'GET', url: new URL(String(res.headers.location), 'http://localhost/docs/').pathname });
      }
      assert.equal(res.statusCode, 200, res.body.slice(0, 200));
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /swagger-ui/i);
      const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
      assert.equal(spec.statusCode, 200);
      assert.equal((spec.json() as { openapi: string }).openapi, '3.1.0');
    });
  });

  describe('errors', () => {
    test('an unexpected failure is a generic 500 with the request id, logged in full', async () => {
      const { client } = await signedInClient(t, 'customer');
      await t.db.query('ALTER TABLE communication_preferences RENAME TO communication_preferences_away');
      let res: LightMyRequestResponse;
      try {
        res = await client.get('/api/me/preferences');
      } finally {
        await t.db.query('ALTER TABLE communication_preferences_away RENAME TO communication_preferences');
      }
      assert.equal(res.statusCode, 500);
      const requestId = String(res.headers['x-request-id']);
      assert.match(requestId, UUID);
      assert.deepEqual(res.json(), {
        error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again.', requestId },
      });
      assert.doesNotMatch(res.body, /communication_preferences|relation|SELECT/i, 'no internals in the answer');

      const logged = logLines(t).filter((l) => l.reqId === requestId && l.msg === 'unhandled error');
      assert.equal(logged.length, 1, 'one error line for the request');
      assert.equal(logged[0]!.level, 50);
      assert.match(logged[0]!.err!.message, /communication_preferences/);
      assert.match(logged[0]!.err!.stack, /\n\s+at /);
      assert.equal((await client.get('/api/me/preferences')).statusCode, 200, 'the table is back');
    });
  });

  describe('logs', () => {
    test('every line of a request carries its id, which is also the x-request-id header; a client cannot choose it', async () => {
      const a = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'chosen-by-client' } });
      const b = await t.app.inject({ method: 'GET', url: '/healthz' });
      const [idA, idB] = [String(a.headers['x-request-id']), String(b.headers['x-request-id'])];
      assert.match(idA, UUID);
      assert.match(idB, UUID);
      assert.notEqual(idA, idB);
      const messages = logLines(t)
        .filter((l) => l.reqId === idA)
        .map((l) => l.msg);
      assert.deepEqual(messages, ['incoming request', 'request completed']);
      assert.equal(logLines(t).some((l) => l.reqId === 'chosen-by-client'), false);
    });

    test('secret fields are redacted wherever a log line holds them', () => {
      const secrets = ['pw-probe-1', 'pw-probe-2', 'pw-probe-3', 'token-probe-4', 'secret-probe-5', 'app-secret-probe-6', 'verify-probe-7', 'aadhaar-probe-8'];
      t.app.log.warn(
        {
          body: { password: secrets[0], currentPassword: secrets[1], newPassword: secrets[2], token: secrets[3] },
          endpoint: { secret: secrets[4], appSecret: secrets[5], verifyToken: secrets[6] },
          kyc: { aadhaarNumber: secrets[7] },
        },
        'redaction probe',
      );
      const line = logLines(t).find((l) => l.msg === 'redaction probe')!;
      assert.deepEqual(line.body, { password: '[redacted]', currentPassword: '[redacted]', newPassword: '[redacted]', token: '[redacted]' });
      assert.deepEqual(line.endpoint, { secret: '[redacted]', appSecret: '[redacted]', verifyToken: '[redacted]' });
      assert.deepEqual(line.kyc, { aadhaarNumber: '[redacted]' });
      for (const s of secrets) assert.doesNotMatch(t.logs(), new RegExp(s));
    });

    test('credentials in URLs (one-time links, file links, Meta’s verify token) never reach the request log', async () => {
      const person = await registerUser(t.app, 'logurl');
      const verifyToken = await lastMailToken(t.db, person.email, 'verify_email');
      const c = new Client(t.app);
      c.ip = '198.51.100.150';
      assert.equal((await c.login(person.email, person.password)).statusCode, 200);
      await c.start();
      assert.equal((await c.post('/api/auth/forgot-password', { email: person.email })).statusCode, 202);
      const resetToken = await lastMailToken(t.db, person.email, 'reset_password');
      const fileToken = 'F'.repeat(24) + 'filelinkprobe' + 'f'.repeat(20);
      const metaToken = 'meta-verify-token-probe';

      const urls = [
        `/verify-email?token=${verifyToken}`,
        `/reset-password?lang=hi&token=${resetToken}`,
        `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${metaToken}&hub.challenge=1158201444`,
        `/api/files/${fileToken}`,
      ];
      const ids: string[] = [];
      for (const url of urls) ids.push(String((await c.get(url)).headers['x-request-id']));

      const logs = t.logs();
      for (const secret of [verifyToken, resetToken, fileToken, metaToken]) assert.equal(logs.includes(secret), false, `${secret} was logged`);
      const logged = ids.map((id) => logLines(t).find((l) => l.reqId === id && l.msg === 'incoming request')!.req!.url);
      assert.deepEqual(logged, [
        '/verify-email?token=[redacted]',
        '/reset-password?lang=hi&token=[redacted]',
        '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=1158201444',
        '/api/files/[redacted]',
      ]);
    });

    test('a whole account flow at trace level logs no password, cookie or CSRF token', async () => {
      const person = uniquePerson('traced');
      const c = new Client(t.app);
      c.ip = '198.51.100.151';
      await c.start();
      const preCsrf = c.csrf!;
      assert.equal((await c.post('/api/auth/register', person)).statusCode, 201);
      const login = await c.login(person.email, person.password);
      assert.equal(login.statusCode, 200);
      const newPassword = 'Traced-new-passphrase-77';
      assert.equal((await c.post('/api/me/password', { currentPassword: person.password, newPassword })).statusCode, 204);
      assert.equal((await c.post('/api/auth/logout')).statusCode, 204);
      const session = login.cookies.find((x) => x.name === 'sk_session')!.value;
      const logs = t.logs();
      for (const secret of [person.password, newPassword, session, preCsrf, json<{ csrfToken: string }>(login).csrfToken]) {
        assert.equal(logs.includes(secret), false, `${secret.slice(0, 6)}… was logged`);
      }
    });
  });
});

describe('urlForLog', () => {
  const cases: [string, Record<string, string> | undefined, string][] = [
    ['/api/me', undefined, '/api/me'],
    ['/a?x=1&y=2', undefined, '/a?x=1&y=2'],
    ['/a?token=abc', undefined, '/a?token=[redacted]'],
    ['/a?access_token=abc&x=1', undefined, '/a?access_token=[redacted]&x=1'],
    ['/a?hub.verify_token=abc', undefined, '/a?hub.verify_token=[redacted]'],
    ['/a?Token=abc&hash=9f&secret', undefined, '/a?Token=[redacted]&hash=[redacted]&secret'],
    ['/a?%74oken=abc', undefined, '/a?%74oken=[redacted]'],
    ['/a?x=token', undefined, '/a?x=token'],
    ['/api/files/abc%2Ddef', { token: 'abc-def' }, '/api/files/[redacted]'],
    ['/graph/media-downloads/zzz?x=1', { token: 'zzz' }, '/graph/media-downloads/[redacted]?x=1'],
    ['/api/users/42', { id: '42' }, '/api/users/42'],
    ['/a/%E0%A4%A?token=x', undefined, '/a/%E0%A4%A?token=[redacted]'],
  ];
  for (const [url, params, expected] of cases) test(`${url} → ${expected}`, () => assert.equal(urlForLog(url, params), expected));
});

describe('/readyz without a database', () => {
  test('answers 503 database_unreachable while queries fail, and ready again after', async () => {
    const testDb = await cloneTestDb();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-ready-'));
    let down = false;
    const db: Db = {
      ...testDb.db,
      async query<T>(sql: string, params?: readonly unknown[]) {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return testDb.db.query<T>(sql, params);
      },
    };
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent' });
    const platform = await createPlatform({ config, db, logger: false });
    try {
      await platform.jobs.start({ work: false });
      await platform.app.ready();
      assert.equal((await platform.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      down = true;
      const res = await platform.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'database_unreachable' });
      assert.equal((await platform.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness does not depend on the database');
      down = false;
      assert.equal((await platform.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    } finally {
      down = false;
      await platform.app.close();
      await platform.jobs.stop();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('deny by default', () => {
  test('an /api route that does not declare who may call it stops the start-up', () => {
    const app = Fastify();
    installSessionAuth(app, { db: {} as Db, accounts: {} as AccountsService, cookies: {} as SessionCookies });
    assert.throws(() => app.get('/api/forgotten', async () => 'open'), /Route GET \/api\/forgotten must declare config.access \(deny by default\)/);
    assert.throws(() => app.post('/api/forgotten', { config: {} }, async () => 'open'), /deny by default/);
    assert.doesNotThrow(() => app.get('/api/declared', { config: { access: 'signed-in' } }, async () => 'ok'));
    assert.doesNotThrow(() => app.get('/outside-api', async () => 'ok'));
  });
});

describe('security headers over plain http', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  test('pages and API answers carry CSP with frame-ancestors, nosniff and no-referrer, and no HSTS', async () => {
    for (const url of ['/login', '/api/auth/session', '/healthz', '/api/does-not-exist']) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /script-src 'self'(;|$)/, `${url}: no inline or foreign scripts`);
      assert.match(csp, /object-src 'none'/, url);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['strict-transport-security'], undefined, url);
    }
  });
});

/** A browser reaching the platform through a TLS-terminating proxy at `proxy`. */
class ProxiedClient extends Client {
  constructor(
    app: TestPlatform['app'],
    proxy: string,
    readonly forwardedFor: string,
  ) {
    super(app);
    this.ip = proxy;
  }
  override request(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) {
    return super.request(method, url, body, { 'x-forwarded-proto': 'https', 'x-forwarded-for': this.forwardedFor, ...headers });
  }
}

describe('TRUST_PROXY naming the proxy’s address', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform({ env: { PUBLIC_URL: 'https://seva.example.in', TRUST_PROXY: '10.0.0.1' } });
  });
  after(() => t.close());

  test('through that proxy the forwarded client address is recorded and the forwarded https believed', async () => {
    const person = uniquePerson('proxied');
    const c = new ProxiedClient(t.app, '10.0.0.1', '203.0.113.45');
    await c.start();
    assert.equal((await c.post('/api/auth/register', person)).statusCode, 201);
    const login = await c.login(person.email, person.password);
    assert.equal(login.statusCode, 200, login.body);
    assert.ok(c.cookies.has('__Host-sk_session'));
    const sessions = json<{ sessions: { ip: string }[] }>(await c.get('/api/me/sessions')).sessions;
    assert.deepEqual(sessions.map((s) => s.ip), ['203.0.113.45']);
    const logged = await t.db.query<{ action: string; ip: string }>(
      'SELECT action, ip FROM activity_log WHERE subject_user_id = (SELECT id FROM users WHERE email = $1) ORDER BY id',
      [person.email],
    );
    assert.deepEqual(logged.map((r) => [r.action, r.ip]), [['auth.register', '203.0.113.45'], ['auth.login', '203.0.113.45']]);
  });

  test('from any other address the forwarded headers are not believed: plain http is redirected', async () => {
    const c = new ProxiedClient(t.app, '198.51.100.160', '203.0.113.46');
    const res = await c.get('/api/auth/session');
    assert.equal(res.statusCode, 308);
    assert.equal(res.headers.location, 'https://seva.example.in/api/auth/session');
    assert.equal(res.cookies.length, 0);
  });
});
