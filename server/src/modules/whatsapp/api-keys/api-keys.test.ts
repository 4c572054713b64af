import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { sha256 } from '../../../platform/crypto.js';
import { installErrorHandler } from '../../../platform/error-handler.js';
import { apiKeyAuth, mintApiKey, requireNumberAccess, SCOPES } from './api-key-auth.js';
import { MAX_KEYS_PER_TENANT } from './api-keys.schemas.js';
import { connectNumber, insertMessage, simNumber, waCustomer } from '../numbers/numbers-test-kit.js';

interface KeyDto {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  numberIds: string[] | null;
  state: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}
interface MeBody {
  tenantId: string;
  key: { id: string; name: string; prefix: string; scopes: string[] };
  allNumbers: boolean;
  numbers: { id: string; phoneNumberId: string }[];
}
const code = (res: LightMyRequestResponse) => json<{ error: { code: string } }>(res).error.code;

describe('WhatsApp API keys', () => {
  let t: TestPlatform;
  /** A stand-in for the /v1 routes that need a scope and a number: the real authentication, the real error handler. */
  let probe: FastifyInstance;

  before(async () => {
    t = await testPlatform();
    probe = Fastify();
    installErrorHandler(probe);
    probe.get<{ Params: { numberId: string } }>('/probe/:numberId', { preHandler: apiKeyAuth(t.db, 'messages:send') }, async (request) => {
      requireNumberAccess(request.apiKey!, request.params.numberId);
      return { ok: true, tenantId: request.apiKey!.tenantId };
    });
    await probe.ready();
  });
  after(async () => {
    await probe.close();
    await t.close();
  });

  const me = (key: string | undefined, ip = '198.51.100.7') => t.app.inject({ method: 'GET', url: '/v1/me', remoteAddress: ip, headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  const create = async (client: Awaited<ReturnType<typeof signedInClient>>['client'], body: Record<string, unknown>) => {
    const res = await client.post('/api/whatsapp/keys', body);
    assert.equal(res.statusCode, 201, res.body);
    return { res, ...json<{ key: KeyDto; secret: string }>(res) };
  };
  const keyRow = async (id: string) => (await t.db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [id]))[0]!;

  test('a key is shown once; only the hash of its secret is stored; it works at once and records its last use', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const { res, key, secret } = await create(client, { name: '  Billing server ', scopes: ['messages:send', 'messages:read'] });
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(secret, /^sk_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.name, 'Billing server');
    assert.equal(secret.slice(3, 15), key.prefix);
    assert.deepEqual(key.scopes, ['messages:send', 'messages:read']);
    assert.equal(key.numberIds, null);
    assert.equal(key.state, 'active');
    assert.equal(key.lastUsedAt, null);

    const stored = await keyRow(key.id);
    assert.equal(stored.secret_hash, sha256(secret.slice(16)).toString('hex'));
    assert.ok(!JSON.stringify(stored).includes(secret.slice(16)), 'the secret itself is stored nowhere in the row');
    const list = await client.get('/api/whatsapp/keys');
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(secret.slice(16)), 'the list never holds the secret');
    assert.deepEqual(json<{ items: KeyDto[]; limit: number }>(list).items.map((k) => k.id), [key.id]);
    assert.equal(json<{ limit: number }>(list).limit, MAX_KEYS_PER_TENANT);

    const who = await me(secret);
    assert.equal(who.statusCode, 200, who.body);
    const body = json<MeBody>(who);
    assert.equal(body.tenantId, person.id);
    assert.equal(body.key.name, 'Billing server');
    assert.equal(body.allNumbers, true);

    const used = json<{ items: KeyDto[] }>(await client.get('/api/whatsapp/keys')).items[0]!;
    assert.ok(used.lastUsedAt, 'last use recorded');
    assert.equal(used.lastUsedIp, '198.51.100.7');

    const [log] = await t.db.query<{ object_id: string; ip: string; details: Record<string, unknown> }>(
      `SELECT object_id, ip, details FROM activity_log WHERE subject_user_id = $1 AND action = 'whatsapp.api_key_created'`,
      [person.id],
    );
    assert.equal(log!.object_id, key.id);
    assert.equal(log!.ip, client.ip);
    assert.equal(log!.details.prefix, key.prefix);
    assert.ok(!JSON.stringify(log).includes(secret.slice(16)));
  });

  test('missing, malformed, wrong, revoked, expired keys and keys of a suspended account all answer 401 invalid_api_key', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const { key, secret } = await create(client, { name: 'ci', scopes: ['messages:send'] });
    const wrongSecret = `sk_${key.prefix}_${'A'.repeat(43)}`;
    const unknownPrefix = mintApiKey().plaintext;
    for (const k of [undefined, 'nonsense', `Bearer-less ${secret}`, wrongSecret, unknownPrefix]) {
      const res = await me(k);
      assert.equal(res.statusCode, 401, `${k}: ${res.body}`);
      assert.equal(code(res), 'invalid_api_key');
    }

    // Expiry: a key whose time has come stops working at once.
    const expiring = await create(client, { name: 'temporary', scopes: ['messages:read'], expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    assert.equal((await me(expiring.secret)).statusCode, 200);
    await t.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.key.id]);
    assert.equal((await me(expiring.secret)).statusCode, 401);
    assert.equal(json<{ items: KeyDto[] }>(await client.get('/api/whatsapp/keys')).items.find((k) => k.id === expiring.key.id)!.state, 'expired');

    // Revocation is immediate, and repeating it changes nothing.
    assert.equal((await me(secret)).statusCode, 200);
    const revoked = await client.post(`/api/whatsapp/keys/${key.id}/revoke`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(json<{ key: KeyDto }>(revoked).key.state, 'revoked');
    assert.equal(code(await me(secret)), 'invalid_api_key');
    assert.equal((await client.post(`/api/whatsapp/keys/${key.id}/revoke`)).statusCode, 200);
    const logs = await t.db.query(`SELECT 1 FROM activity_log WHERE subject_user_id = $1 AND action = 'whatsapp.api_key_revoked'`, [person.id]);
    assert.equal(logs.length, 1);

    // A suspended account's keys stop working too.
    const other = await create(client, { name: 'still valid', scopes: ['messages:read'] });
    await t.db.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [person.id]);
    assert.equal(code(await me(other.secret)), 'invalid_api_key');
  });

  test('scopes and number restrictions answer 403; a key sees only its own account’s numbers', async () => {
    const a = await waCustomer(t);
    const b = await waCustomer(t);
    const n1 = await connectNumber(a.client, await simNumber(t));
    const n2 = await connectNumber(a.client, await simNumber(t));
    const bNumber = await connectNumber(b.client, await simNumber(t));

    const readOnly = await create(a.client, { name: 'reader', scopes: ['messages:read'] });
    const res = await probe.inject({ method: 'GET', url: `/probe/${n1.id}`, headers: { authorization: `Bearer ${readOnly.secret}` } });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(code(res), 'insufficient_scope');

    const onlyFirst = await create(a.client, { name: 'first only', scopes: ['messages:send'], numberIds: [n1.id] });
    const auth = { authorization: `Bearer ${onlyFirst.secret}` };
    assert.equal((await probe.inject({ method: 'GET', url: `/probe/${n1.id}`, headers: auth })).statusCode, 200);
    const denied = await probe.inject({ method: 'GET', url: `/probe/${n2.id}`, headers: auth });
    assert.equal(denied.statusCode, 403, denied.body);
    assert.equal(code(denied), 'number_not_allowed');
    const who = json<MeBody>(await me(onlyFirst.secret));
    assert.equal(who.allNumbers, false);
    assert.deepEqual(who.numbers.map((n) => n.id), [n1.id]);

    const all = json<MeBody>(await me((await create(a.client, { name: 'all', scopes: SCOPES as unknown as string[] })).secret));
    assert.deepEqual(all.numbers.map((n) => n.id).sort(), [n1.id, n2.id].sort());
    assert.ok(!all.numbers.some((n) => n.id === bNumber.id));

    // A key cannot be limited to numbers that are not the account's own connected ones.
    for (const numberIds of [[bNumber.id], [n1.id, '00000000-0000-4000-8000-000000000000']]) {
      const bad = await a.client.post('/api/whatsapp/keys', { name: 'sneaky', scopes: ['messages:send'], numberIds });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(code(bad), 'unknown_number');
    }
    await a.client.post(`/api/whatsapp/numbers/${n2.id}/disconnect`);
    assert.equal(code(await a.client.post('/api/whatsapp/keys', { name: 'old', scopes: ['messages:send'], numberIds: [n2.id] })), 'unknown_number');

    // Another customer cannot revoke or read the usage of the key: 404.
    for (const res2 of [await b.client.post(`/api/whatsapp/keys/${onlyFirst.key.id}/revoke`), await b.client.get(`/api/whatsapp/keys/${onlyFirst.key.id}/usage`)]) {
      assert.equal(res2.statusCode, 404, res2.body);
    }
    assert.equal((await me(onlyFirst.secret)).statusCode, 200, 'still working');
    assert.deepEqual(json<{ items: KeyDto[] }>(await b.client.get('/api/whatsapp/keys')).items, []);
  });

  test('input is checked: scopes, names, expiry', async () => {
    const { client } = await signedInClient(t, 'customer');
    const bad: [Record<string, unknown>, string][] = [
      [{ name: 'x', scopes: [] }, 'validation_failed'],
      [{ name: 'x', scopes: ['messages:delete'] }, 'validation_failed'],
      [{ name: 'x', scopes: ['messages:send', 'messages:send'] }, 'validation_failed'],
      [{ name: '   ', scopes: ['messages:send'] }, 'validation_failed'],
      [{ name: 'tab\there', scopes: ['messages:send'] }, 'validation_failed'],
      [{ name: 'x', scopes: ['messages:send'], expiresAt: new Date(Date.now() - 1000).toISOString() }, 'validation_failed'],
      [{ name: 'x', scopes: ['messages:send'], expiresAt: '2999-01-01T00:00:00Z' }, 'validation_failed'],
      [{ name: 'x', scopes: ['messages:send'], admin: true }, 'validation_failed'],
    ];
    for (const [body, expected] of bad) {
      const res = await client.post('/api/whatsapp/keys', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(code(res), expected);
    }
  });

  test(`an account holds at most ${MAX_KEYS_PER_TENANT} usable keys, also when two are created at once`, async () => {
    const { client, person } = await signedInClient(t, 'customer');
    // Earlier keys, written directly to keep the test short; revoked and expired ones do not count.
    for (let i = 0; i < MAX_KEYS_PER_TENANT - 1; i++) {
      const m = mintApiKey();
      await t.db.query(`INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, $2, $3, $4, '{messages:send}')`, [person.id, `k${i}`, m.prefix, m.secretHash]);
    }
    for (const extra of ['revoked_at = now()', `expires_at = now() - interval '1 day'`]) {
      const m = mintApiKey();
      await t.db.query(`INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, 'old', $2, $3, '{messages:send}')`, [person.id, m.prefix, m.secretHash]);
      await t.db.query(`UPDATE api_keys SET ${extra} WHERE prefix = $1`, [m.prefix]);
    }
    const [first, second] = await Promise.all([
      client.post('/api/whatsapp/keys', { name: 'one', scopes: ['messages:send'] }),
      client.post('/api/whatsapp/keys', { name: 'two', scopes: ['messages:send'] }),
    ]);
    assert.deepEqual([first!.statusCode, second!.statusCode].sort(), [201, 409]);
    assert.equal(code(first!.statusCode === 409 ? first! : second!), 'too_many_keys');

    const some = json<{ items: KeyDto[] }>(await client.get('/api/whatsapp/keys')).items.find((k) => k.state === 'active')!;
    await client.post(`/api/whatsapp/keys/${some.id}/revoke`);
    assert.equal((await client.post('/api/whatsapp/keys', { name: 'three', scopes: ['messages:send'] })).statusCode, 201);
  });

  test('usage per key: messages sent with it per day, not those of other keys', async () => {
    const { client, person } = await waCustomer(t);
    const number = await connectNumber(client, await simNumber(t));
    const k1 = await create(client, { name: 'one', scopes: ['messages:send'] });
    const k2 = await create(client, { name: 'two', scopes: ['messages:send'] });
    const base = { tenantId: person.id, numberId: number.id };
    await insertMessage(t, { ...base, apiKeyId: k1.key.id, createdAt: '2026-03-01T10:00:00Z', billingState: 'charged', chargedPaise: 14, category: 'utility' });
    await insertMessage(t, { ...base, apiKeyId: k1.key.id, createdAt: '2026-03-01T12:00:00Z', billingState: 'charged', chargedPaise: 104, category: 'marketing' });
    // 20:00 UTC is 01:30 the next day in India.
    await insertMessage(t, { ...base, apiKeyId: k1.key.id, createdAt: '2026-03-01T20:00:00Z', status: 'failed', billingState: 'released' });
    await insertMessage(t, { ...base, apiKeyId: k2.key.id, createdAt: '2026-03-01T10:00:00Z' });
    await insertMessage(t, { ...base, createdAt: '2026-03-01T10:00:00Z' });

    const res = await client.get(`/api/whatsapp/keys/${k1.key.id}/usage?from=2026-02-25T00:00:00Z&to=2026-03-05T00:00:00Z`);
    assert.equal(res.statusCode, 200, res.body);
    const usage = json<{ key: KeyDto; total: { messages: number; failed: number; chargedPaise: number }; days: { day: string; messages: number; failed: number; chargedPaise: number }[] }>(res);
    assert.equal(usage.key.id, k1.key.id);
    assert.deepEqual(usage.total, { messages: 3, failed: 1, chargedPaise: 118 });
    assert.deepEqual(usage.days, [
      { day: '2026-03-01', messages: 2, failed: 0, chargedPaise: 118 },
      { day: '2026-03-02', messages: 1, failed: 1, chargedPaise: 0 },
    ]);
    const none = json<{ total: { messages: number } }>(await client.get(`/api/whatsapp/keys/${k1.key.id}/usage?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z`));
    assert.equal(none.total.messages, 0);
    const backwards = await client.get(`/api/whatsapp/keys/${k1.key.id}/usage?from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z`);
    assert.equal(backwards.statusCode, 400);
  });
});
