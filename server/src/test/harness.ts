import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createPlatform, type Platform, type PlatformOptions } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { MailTransport } from '../modules/mail/mail.service.js';
import { cloneTestDb, type TestDbKind } from './test-db.js';

export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestPlatform {
  app: FastifyInstance;
  db: Db;
  dbKind: TestDbKind;
  config: Readonly<Config>;
  platform: Platform;
  /** Everything the server logged, as JSON lines (only with `captureLogs`). */
  logs(): string;
  close(): Promise<void>;
}

/** A whole platform on a fresh clone of the migrated test database, jobs queued but not worked. */
export async function testPlatform(
  opts: { env?: Record<string, string>; mailTransport?: MailTransport; captureLogs?: boolean; webhooksOut?: PlatformOptions['webhooksOut']; automations?: PlatformOptions['automations'] } = {},
): Promise<TestPlatform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-test-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', ...opts.env });
  const testDb = await cloneTestDb();
  // With captureLogs, every log line down to trace is kept, so a test can prove what never reaches a log.
  const captured: string[] = [];
  const logger = opts.captureLogs
    ? { level: 'trace', stream: new Writable({ write: (chunk: Buffer, _enc, done) => (captured.push(chunk.toString('utf8')), done()) }) }
    : false;
  const platform = await createPlatform({
    config,
    db: testDb.db,
    logger,
    ...(opts.mailTransport ? { mailTransport: opts.mailTransport } : {}),
    ...(opts.webhooksOut ? { webhooksOut: opts.webhooksOut } : {}),
    ...(opts.automations ? { automations: opts.automations } : {}),
  });
  await platform.jobs.start({ work: false });
  await platform.app.ready();
  return {
    app: platform.app,
    db: testDb.db,
    dbKind: testDb.kind,
    config,
    platform,
    logs: () => captured.join(''),
    async close() {
      await platform.app.close();
      await platform.jobs.stop();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique, valid Indian mobile number and email for each call. */
export function uniquePerson(prefix = 'user') {
  counter++;
  const n = String((process.pid * 1000 + counter) % 1_000_000_000).padStart(9, '0');
  return {
    name: `${prefix} ${counter}`,
    email: `${prefix}${counter}.${process.pid}@example.com`,
    mobile: `9${n}`,
    password: `Correct-Horse-${counter}-battery`,
  };
}

/**
 * A browser stand-in over app.inject: keeps cookies like a browser would and sends the CSRF token
 * it was given, so tests exercise the same session and CSRF paths as the web app.
 */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  ip = '203.0.113.10';
  userAgent = 'Mozilla/5.0 (Linux; Android 14) TestBrowser/1.0';

  constructor(private readonly app: FastifyInstance) {}

  async request(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        'user-agent': this.userAgent,
        ...(cookie ? { cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const expired = (c.expires && c.expires.getTime() <= Date.now()) || c.maxAge === 0 || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body, headers);
  put = (url: string, body?: unknown) => this.request('PUT', url, body);
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body);
  delete = (url: string) => this.request('DELETE', url);

  /** Fetches the session endpoint as the web app does on load, picking up the CSRF token. */
  async start(): Promise<void> {
    const res = await this.get('/api/auth/session');
    this.csrf = (res.json() as { csrfToken: string }).csrfToken;
  }

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    if (!this.csrf) await this.start();
    const res = await this.post('/api/auth/login', { email, password });
    if (res.statusCode === 200) this.csrf = (res.json() as { csrfToken: string }).csrfToken;
    return res;
  }
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json() as T;
}

/** Registers a person through the API (as a customer) and returns their credentials and id. */
let registrations = 0;
export async function registerUser(app: FastifyInstance, prefix = 'user') {
  const person = uniquePerson(prefix);
  const c = new Client(app);
  // Each from its own address, so helpers never run into the per-IP registration limit.
  registrations++;
  c.ip = `198.18.${(registrations >> 8) & 255}.${registrations & 255}`;
  await c.start();
  const res = await c.post('/api/auth/register', person);
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return { ...person, id: (res.json() as { user: { id: string } }).user.id };
}

/** Registers, sets the role directly in the database, and signs in. */
export async function signedInClient(t: TestPlatform, role: 'customer' | 'operator' | 'admin' = 'customer') {
  const person = await registerUser(t.app, role);
  if (role !== 'customer') await t.db.query('UPDATE users SET role = $2 WHERE id = $1', [person.id, role]);
  const client = new Client(t.app);
  const res = await client.login(person.email, person.password);
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return { client, person };
}

/** The newest sandbox mail to an address, with the token of the link in it. */
export async function lastMailToken(db: Db, to: string, purpose: string): Promise<string> {
  const rows = await db.query<{ body_text: string }>(
    'SELECT body_text FROM mail_outbox WHERE to_address = $1 AND purpose = $2 ORDER BY created_at DESC LIMIT 1',
    [to, purpose],
  );
  const m = /token=([A-Za-z0-9_-]+)/.exec(rows[0]?.body_text ?? '');
  if (!m) throw new Error(`no ${purpose} mail to ${to}`);
  return m[1]!;
}
