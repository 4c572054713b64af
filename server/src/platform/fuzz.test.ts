import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Client, json, registerUser, signedInClient, testPlatform, type TestPlatform } from '../test/harness.js';
import { listRoutes, type RouteEntry } from '../test/routes.js';
import { mulberry32, pick, type Rng } from '../test/random.js';

const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const SEED = 20_241_125;
const RANDOM_BODIES_PER_ROUTE = 30;
const RANDOM_QUERIES_PER_ROUTE = 25;

interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}
interface Operation {
  requestBody?: { content?: { 'application/json'?: { schema?: JsonSchema } } };
  parameters?: { in: string; name: string; schema: JsonSchema }[];
}

const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'नमस्ते दुनिया',
  '🔑🔒',
  '\u202eevil',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '=HYPERLINK("x")',
  '__proto__',
  'constructor',
  'null',
  'true',
  '1e309',
  '-0',
  '99999999999999999999',
  '0000-01-01T00:00:00Z',
  '2020-12-31T23:59:60Z',
  '9999-12-31T23:59:59Z',
  '00000000-0000-0000-0000-000000000000',
  'fuzz@example.com',
  'FUZZ@EXAMPLE.COM',
  'a@b',
  '+919876543210',
  '5876543210',
  'admin',
  'suspended',
  'hi',
  'x'.repeat(10_000),
];
const NASTY_NUMBERS = [0, -1, 1, 1.5, -0.0001, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 123456789012];

function deepNest(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

function randomValue(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (r < 0.08) return null;
  if (r < 0.14) return rng() < 0.5;
  if (r < 0.3) return pick(rng, NASTY_NUMBERS);
  if (r < 0.6) return pick(rng, NASTY_STRINGS);
  if (r < 0.66) return 'y'.repeat(int(rng, 100_000, 900_000));
  if (r < 0.74 && depth < 3) return Array.from({ length: int(rng, 0, 4) }, () => randomValue(rng, depth + 1));
  if (r < 0.82 && depth < 3) return Object.fromEntries(Array.from({ length: int(rng, 0, 3) }, (_, i) => [`k${i}`, randomValue(rng, depth + 1)]));
  if (r < 0.86) return deepNest(int(rng, 10, 2000), 'leaf');
  return String.fromCharCode(...Array.from({ length: int(rng, 1, 40) }, () => int(rng, 0, 0xffff)));
}

/** A value that satisfies the schema's type (often all of it), so requests get past validation. */
function plausible(rng: Rng, s: JsonSchema | undefined, depth = 0): unknown {
  if (!s) return randomValue(rng, depth);
  if (s.anyOf) return plausible(rng, pick(rng, s.anyOf), depth);
  if (s.enum) return pick(rng, s.enum);
  switch (s.type) {
    case 'string': {
      if (s.format === 'email') return pick(rng, ['fuzz@example.com', `f${int(rng, 0, 1e6)}@example.in`, 'a@b.co']);
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return pick(rng, ['2024-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '2020-12-31T23:59:60Z', '9999-12-31T23:59:59.999Z']);
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 64, 200);
      const base = pick(rng, NASTY_STRINGS.filter((x) => x.length >= min && x.length <= max).concat(['9876543210', 'Correct-Horse-42-battery']));
      return base ?? 'z'.repeat(min);
    }
    case 'integer':
      return pick(rng, [s.minimum ?? 0, s.maximum ?? 2 ** 53 - 1, int(rng, -1000, 1000), 2 ** 53 - 1, -(2 ** 53) + 1]);
    case 'number':
      return pick(rng, NASTY_NUMBERS);
    case 'boolean':
      return rng() < 0.5;
    case 'array':
      return depth > 3 ? [] : Array.from({ length: int(rng, 0, 12) }, () => plausible(rng, s.items, depth + 1));
    case 'object':
      return depth > 3
        ? {}
        : Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => s.required?.includes(k) || rng() < 0.7).map(([k, v]) => [k, plausible(rng, v, depth + 1)]));
    default:
      return randomValue(rng, depth);
  }
}

/** The value with every text in it, at any depth, replaced by harmless text. */
function plainTexts(v: unknown): unknown {
  if (typeof v === 'string') return 'plain text';
  if (Array.isArray(v)) return v.map(plainTexts);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainTexts(x)]));
  return v;
}

function randomBody(rng: Rng, schema: JsonSchema | undefined): unknown {
  const fields = Object.keys(schema?.properties ?? {});
  const r = rng();
  if (r < 0.35) return plausible(rng, schema);
  if (r < 0.7) {
    // Plausible but with one or two fields broken.
    const made = plausible(rng, schema);
    const body = (made && typeof made === 'object' && !Array.isArray(made) ? made : {}) as Record<string, unknown>;
    for (let i = 0; i < int(rng, 1, 2); i++) {
      const key = fields.length && rng() < 0.85 ? pick(rng, fields) : pick(rng, ['extra', '__proto__', 'constructor', '', 'a.b']);
      body[key] = randomValue(rng);
    }
    return body;
  }
  if (r < 0.8) return Object.fromEntries(fields.map((f) => [f, randomValue(rng)]));
  return pick(rng, [[], [{}], 'a string', 42, null, true, [plausible(rng, schema)], {}]);
}

/** Bodies that are not JSON objects at all, or not JSON, or not declared as JSON. */
const RAW_CASES: { payload?: string; contentType?: string; label: string }[] = [
  { payload: '{', contentType: 'application/json', label: 'truncated JSON' },
  { payload: '{"a":}', contentType: 'application/json', label: 'invalid JSON' },
  { payload: "{'a': 1}", contentType: 'application/json', label: 'single quotes' },
  { payload: '{"a":1} trailing', contentType: 'application/json', label: 'trailing garbage' },
  { payload: '[1, 2', contentType: 'application/json', label: 'truncated array' },
  { payload: 'nul', contentType: 'application/json', label: 'bad literal' },
  { payload: '\u0000', contentType: 'application/json', label: 'NUL byte' },
  { payload: '{"__proto__": {"role": "admin"}}', contentType: 'application/json', label: 'prototype poisoning' },
  { payload: '{"constructor": {"prototype": {"role": "admin"}}}', contentType: 'application/json', label: 'constructor poisoning' },
  { payload: '[' .repeat(50_000) + ']'.repeat(50_000), contentType: 'application/json', label: 'deeply nested arrays' },
  { payload: '', contentType: 'application/json', label: 'empty JSON body' },
  { payload: 'email=a@b.co&password=x', contentType: 'application/x-www-form-urlencoded', label: 'form body' },
  { payload: '{"email":"a@b.co"}', contentType: 'text/plain', label: 'JSON as text/plain' },
  { payload: '<a/>', contentType: 'application/xml', label: 'XML' },
  { payload: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x', label: 'multipart' },
  { payload: '{"email":"a@b.co"}', contentType: 'application/json; charset=latin1', label: 'unsupported charset' },
  { payload: '{"email":"a@b.co"}', contentType: 'application/json, text/html', label: 'two content types' },
  { payload: '{"email":"a@b.co"}', label: 'no content type' },
  { label: 'no body at all' },
];

/** Route parameters that are not what the route expects. */
const BAD_PARAMS = ['not-a-uuid', '00000000-0000-0000-0000-00000000000g', '%00', '%E0%A4%A', '..%2F..%2Fetc', 'x'.repeat(3000), '%F0%9F%94%91', "1'%20OR%20'1'='1"];

/** Why an answer is not acceptable (a 5xx, or a 4xx without the error shape), or null when it is. */
function problem(res: LightMyRequestResponse, what: string): string | null {
  if (res.statusCode >= 500) return `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return null;
  let body: { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return `${what} → ${res.statusCode} with a body that is not JSON: ${res.body.slice(0, 200)}`;
  }
  const e = body.error;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string' || e.requestId !== res.headers['x-request-id']) {
    return `${what} → ${res.statusCode} without the error shape: ${res.body.slice(0, 300)}`;
  }
  return null;
}

/** Collects every unacceptable answer of a test and reports them all at its end. */
class Problems {
  readonly found: string[] = [];
  check(res: LightMyRequestResponse, what: string) {
    const p = problem(res, what);
    if (p) this.found.push(p);
  }
  assertNone() {
    assert.equal(this.found.length, 0, `${this.found.length} bad answers:\n${this.found.slice(0, 30).join('\n')}`);
  }
}

function assertSafe(res: LightMyRequestResponse, what: string) {
  const p = problem(res, what);
  assert.equal(p, null, p ?? '');
}

/** encodeURIComponent, except that text it cannot encode (lone surrogates) becomes invalid UTF-8. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

const describeValue = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}… (${s.length} chars)` : s;
};

describe('malformed input never causes a server error', () => {
  let t: TestPlatform;
  let admin: Client;
  let adminPerson: Awaited<ReturnType<typeof registerUser>>;
  let victimId: string;
  let operations: Record<string, Record<string, Operation>>;
  let routes: RouteEntry[];

  before(async () => {
    t = await testPlatform();
    const signedIn = await signedInClient(t, 'admin');
    admin = signedIn.client;
    adminPerson = signedIn.person;
    victimId = (await registerUser(t.app, 'victim')).id;
    operations = (t.app as unknown as { swagger(): { paths: Record<string, Record<string, Operation>> } }).swagger().paths;
    routes = listRoutes(t.app).filter((r) => r.url.startsWith('/api/'));
  });
  after(() => t.close());

  const operation = (r: RouteEntry) => operations[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];

  /** Keeps the admin signed in with a current CSRF token, whatever the last request did. */
  async function resync() {
    const res = await admin.get('/api/auth/session');
    const body = json<{ user: unknown; csrfToken: string }>(res);
    admin.csrf = body.csrfToken;
    if (body.user) return;
    // Signed out (by logout) or changed (email, lock): restore the account and sign in again.
    await t.db.query("UPDATE users SET email = $2, status = 'active', role = 'admin' WHERE id = $1", [adminPerson.id, adminPerson.email]);
    await t.db.query('DELETE FROM rate_limit_buckets');
    const login = await admin.login(adminPerson.email, adminPerson.password);
    assert.equal(login.statusCode, 200, login.body);
  }

  test('every POST, PUT and PATCH /api route, with generated bodies', async () => {
    const writes = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    assert.ok(writes.length >= 10, 'the route list was found');
    const rng = mulberry32(SEED);
    const problems = new Problems();
    let sent = 0;
    for (const r of writes) {
      const schema = operation(r)?.requestBody?.content?.['application/json']?.schema;
      const url = r.url.replace(/:\w+/g, () => pick(rng, [victimId, randomUUID()]));
      for (let i = 0; i < RANDOM_BODIES_PER_ROUTE; i++) {
        const body = randomBody(rng, schema);
        const res = await admin.request(r.method as 'POST', url, JSON.stringify(body), { 'content-type': 'application/json' });
        problems.check(res, `${r.method} ${url} body ${describeValue(body)} (seed ${SEED})`);
        sent++;
        await resync();
      }
      for (const raw of RAW_CASES) {
        const res = await admin.request(r.method as 'POST', url, raw.payload, raw.contentType ? { 'content-type': raw.contentType } : {});
        problems.check(res, `${r.method} ${url} with ${raw.label}`);
        sent++;
        await resync();
      }
    }
    assert.ok(sent > writes.length * 40);
    problems.assertNone();
  });

  test('every text field of every body refuses NUL characters and broken Unicode with 400', async () => {
    const rng = mulberry32(SEED + 2);
    let checked = 0;
    for (const r of routes.filter((x) => ['POST', 'PUT', 'PATCH'].includes(x.method))) {
      const schema = operation(r)?.requestBody?.content?.['application/json']?.schema;
      const url = r.url.replace(/:\w+/g, victimId);
      for (const [field, fieldSchema] of Object.entries(schema?.properties ?? {})) {
        if (fieldSchema.type !== 'string') continue;
        for (const bad of ['a\u0000b', 'a\ud800b', '\udc00']) {
          // Nested texts too (a service's form holds many), so the one bad field is the only one.
          const clean = Object.entries(plausible(rng, schema) as Record<string, unknown>).map(([k, v]) => [k, plainTexts(v)]);
          const body = { ...Object.fromEntries(clean), [field]: bad };
          const res = await admin.request(r.method as 'POST', url, JSON.stringify(body), { 'content-type': 'application/json' });
          assertSafe(res, `${r.method} ${url} ${field}=${JSON.stringify(bad)}`);
          assert.equal(res.statusCode, 400, `${r.method} ${url} ${field}=${JSON.stringify(bad)}: ${res.body}`);
          const err = json<{ error: { code: string; details: { field: string }[] } }>(res).error;
          assert.equal(err.code, 'validation_failed');
          assert.deepEqual(err.details.map((d) => d.field), [field]);
          checked++;
          await resync();
        }
      }
    }
    assert.ok(checked >= 30, `${checked} fields checked`);
  });

  test('every route with path parameters, with malformed parameters', async () => {
    const problems = new Problems();
    for (const r of routes.filter((x) => x.url.includes(':') && x.method !== 'HEAD')) {
      for (const bad of BAD_PARAMS) {
        const url = r.url.replace(/:\w+/g, bad);
        const res = await admin.request(r.method as 'POST', url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
        problems.check(res, `${r.method} ${url.slice(0, 120)}`);
        if (res.statusCode < 400) problems.found.push(`${r.method} ${url.slice(0, 120)} → ${res.statusCode}`);
        await resync();
      }
    }
    problems.assertNone();
  });

  test('every GET /api route, with generated query strings', async () => {
    const rng = mulberry32(SEED + 1);
    const problems = new Problems();
    const reads = routes.filter((r) => r.method === 'GET');
    const nastyQueryValues = ['99999999999999999999', '9223372036854775808', '1e300', '-1', '1.5', 'NaN', '%00', 'a%00b', '%E0%A4%A', '0000-01-01T00:00:00Z', '2020-12-31T23:59:60Z', '', 'x'.repeat(5000)];
    for (const r of reads) {
      const params = (operation(r)?.parameters ?? []).filter((p) => p.in === 'query');
      const names = params.map((p) => p.name);
      const url = r.url.replace(/:\w+/g, victimId);
      // Every parameter with every nasty value, then random combinations.
      const queries: string[] = [];
      for (const name of names) for (const v of nastyQueryValues) queries.push(`${name}=${v}`);
      for (let i = 0; i < RANDOM_QUERIES_PER_ROUTE; i++) {
        const parts = Array.from({ length: int(rng, 1, 4) }, () => {
          const name = names.length && rng() < 0.9 ? pick(rng, names) : pick(rng, ['unknown', '__proto__', 'limit[]']);
          const p = params.find((x) => x.name === name);
          const value = rng() < 0.5 ? pick(rng, nastyQueryValues) : encode(String(plausible(rng, p?.schema)));
          return `${name}=${value}`;
        });
        queries.push(parts.join('&'));
      }
      for (const q of queries) {
        const res = await admin.get(`${url}?${q}`);
        problems.check(res, `GET ${url}?${q.slice(0, 200)} (seed ${SEED + 1})`);
      }
    }
    problems.assertNone();
  });

  test('unknown routes answer 404 route_not_found', async () => {
    const anon = new Client(t.app);
    const cases: [string, string][] = [
      ['GET', '/api/does-not-exist'],
      ['POST', '/api/does-not-exist'],
      ['DELETE', '/api/admin/mail'],
      ['PUT', '/api/me'],
      ['GET', '/api/me/sessions/extra/segments'],
      ['GET', '/v1/anything'],
    ];
    for (const [method, url] of cases) {
      for (const c of [anon, admin]) {
        const res = await c.request(method as 'GET', url);
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.equal(json<{ error: { code: string } }>(res).error.code, 'route_not_found');
        assertSafe(res, `${method} ${url}`);
      }
    }
  });

  test('a body over 1 MiB answers 413, and an anonymous one is turned away before it is read', async () => {
    const big = JSON.stringify({ email: 'a@b.co', password: 'p'.repeat(1024 * 1024) });
    for (const [method, url] of [['POST', '/api/auth/login'], ['PATCH', '/api/me'], ['PUT', '/api/me/preferences']] as const) {
      const res = await admin.request(method, url, big, { 'content-type': 'application/json' });
      assert.equal(res.statusCode, 413, `${method} ${url}: ${res.body.slice(0, 200)}`);
      assertSafe(res, `${method} ${url} with 1 MiB`);
      await resync();
    }
    const anon = await new Client(t.app).request('PATCH', '/api/me', big, { 'content-type': 'application/json' });
    assert.equal(anon.statusCode, 401);
  });
});

describe('mulberry32', () => {
  test('is deterministic for a seed and differs between seeds', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const c = mulberry32(2);
    const seqA = Array.from({ length: 5 }, a);
    assert.deepEqual(seqA, Array.from({ length: 5 }, b));
    assert.notDeepEqual(seqA, Array.from({ length: 5 }, c));
    assert.ok(seqA.every((x) => x >= 0 && x < 1));
  });
});
