import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { sha256 } from '../../../platform/crypto.js';
import { createKeyring, stringKeyId } from '../../../platform/encryption.js';
import { keyringFromConfig } from '../../../platform/storage/index.js';
import { AppError } from '../../../platform/errors.js';
import { hitWindow } from '../../../platform/rate-limit.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';
import type { GraphClient } from '../graph/graph-client.js';
import { CheckFailure, checkWithMeta, graphFailure } from './number-check.js';
import { accessTokenOf, appSecretOf, numberCredentials, rewrapNumberSecrets, type NumberRow } from './numbers.repo.js';
import { createNumbersService } from './numbers.service.js';
import { approveKyc, connectBody, connectNumber, revokeSimToken, simNumber, simPatch, simToken, waCustomer, type NumberDto } from './numbers-test-kit.js';

interface ErrorBody {
  error: { code: string; message: string };
}
const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;
const numberOf = (res: LightMyRequestResponse) => json<{ number: NumberDto }>(res).number;

describe('WhatsApp numbers', () => {
  let t: TestPlatform;
  const secrets: string[] = [];

  before(async () => {
    t = await testPlatform({ captureLogs: true });
  });
  after(async () => {
    // No token, app secret or verify token given to the platform in this file ever reached a log line.
    const logs = t.logs();
    assert.ok(logs.length > 0, 'logs were captured');
    for (const s of secrets) assert.ok(!logs.includes(s), `a secret leaked into the logs: ${s.slice(0, 6)}…`);
    await t.close();
  });

  const row = async (id: string) => (await t.db.query<NumberRow>('SELECT * FROM wa_numbers WHERE id = $1', [id]))[0]!;
  const activity = (userId: string, action: string) =>
    t.db.query<{ object_id: string | null; outcome: string; ip: string | null; user_agent: string | null; details: Record<string, unknown> }>(
      'SELECT object_id, outcome, ip, user_agent, details FROM activity_log WHERE subject_user_id = $1 AND action = $2 ORDER BY id',
      [userId, action],
    );

  test('connecting needs approved KYC; then the number is checked with Meta and its token stored encrypted, never shown or logged', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const n = await simNumber(t, { verified_name: 'Sharma Kirana', quality_rating: 'GREEN', messaging_limit_tier: 'TIER_1K' });
    secrets.push(n.access_token);

    const refused = await client.post('/api/whatsapp/numbers', connectBody(n));
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(code(refused), 'kyc_required');
    assert.equal((await t.db.query('SELECT 1 FROM wa_numbers WHERE tenant_id = $1', [person.id])).length, 0);

    await approveKyc(t, person.id);
    const res = await client.post('/api/whatsapp/numbers', connectBody(n, { label: '  Shop counter  ' }));
    assert.equal(res.statusCode, 201, res.body);
    assert.ok(!res.body.includes(n.access_token), 'the token is not in the answer');
    const number = numberOf(res);
    assert.equal(number.label, 'Shop counter');
    assert.equal(number.phoneNumberId, n.phone_number_id);
    assert.equal(number.wabaId, n.waba_id);
    // As Meta formats it: "+1 555-883-8299".
    assert.equal(number.displayPhoneNumber?.replace(/\D/g, ''), n.display_phone_number.replace(/\D/g, ''));
    assert.match(number.displayPhoneNumber!, /^\+/);
    assert.equal(number.verifiedName, 'Sharma Kirana');
    assert.equal(number.qualityRating, 'GREEN');
    assert.equal(number.messagingLimitTier, 'TIER_1K');
    assert.equal(number.throughputLevel, 'STANDARD');
    assert.equal(number.mps, 80);
    assert.equal(number.status, 'connected');
    assert.ok(number.lastCheckedAt);
    assert.equal(number.hasAppSecret, false);

    const stored = await row(number.id);
    assert.match(stored.access_token_enc, /^sk1\./);
    assert.ok(!stored.access_token_enc.includes(n.access_token));
    const ring = keyringFromConfig(t.config);
    assert.equal(accessTokenOf(ring, stored), n.access_token);
    assert.deepEqual(numberCredentials(ring, stored), {
      numberId: number.id,
      tenantId: person.id,
      wabaId: n.waba_id,
      phoneNumberId: n.phone_number_id,
      accessToken: n.access_token,
      appSecret: null,
      mps: 80,
    });
    // The ciphertext is bound to its row: copied onto another number it does not open.
    assert.throws(() => accessTokenOf(ring, { id: '00000000-0000-4000-8000-000000000000', access_token_enc: stored.access_token_enc }));

    const listed = json<{ items: NumberDto[]; whatsappAvailable: boolean; simulatorAvailable: boolean; webhookUrl: string }>(await client.get('/api/whatsapp/numbers'));
    assert.deepEqual(listed.items.map((x) => x.id), [number.id]);
    assert.equal(listed.whatsappAvailable, true);
    assert.equal(listed.simulatorAvailable, true);
    assert.equal(listed.webhookUrl, `${t.config.publicUrl}/webhooks/whatsapp`);
    assert.ok(!JSON.stringify(listed).includes(n.access_token));

    const [log] = await activity(person.id, 'whatsapp.number_connected');
    assert.equal(log!.object_id, number.id);
    assert.equal(log!.ip, client.ip);
    assert.equal(log!.user_agent, client.userAgent);
    assert.equal(log!.details.phoneNumberId, n.phone_number_id);
    assert.ok(!JSON.stringify(log).includes(n.access_token));
  });

  test('a HIGH throughput number is paced at 1,000 messages a second', async () => {
    const { client } = await waCustomer(t);
    const n = await simNumber(t, { throughput_level: 'HIGH' });
    const number = await connectNumber(client, n);
    assert.equal(number.throughputLevel, 'HIGH');
    assert.equal(number.mps, 1000);
  });

  test('a business account with more numbers than a page: the simulator pages as Meta does, and the number on page 2 connects', async () => {
    const { client } = await waCustomer(t);
    const first = await simNumber(t);
    // 120 more numbers in the same business account, then the one to connect: listed 122nd, on the
    // second page of the 100 the check asks for.
    await t.db.query(
      `INSERT INTO meta_sandbox_numbers (id, waba_id, display_phone_number, verified_name)
       SELECT (800000000000000 + g)::text, $1, (19990000000 + g)::text, 'Branch ' || g FROM generate_series(1, 120) AS g`,
      [first.waba_id],
    );
    const n = await simNumber(t, { waba_id: first.waba_id, verified_name: 'Branch 121' });
    secrets.push(first.access_token, n.access_token);

    type Page = { data: { id: string; display_phone_number?: string }[]; paging: { cursors: { before: string; after: string }; next?: string } };
    const list = async (path: string) => {
      const res = await t.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${n.access_token}` } });
      assert.equal(res.statusCode, 200, res.body);
      return json<Page>(res);
    };
    const edge = `/sandbox/graph/v23.0/${n.waba_id}/phone_numbers`;
    const byDefault = await list(edge);
    assert.equal(byDefault.data.length, 25, 'Meta’s default page');
    assert.equal(byDefault.data[0]!.id, first.phone_number_id, 'oldest first');
    const p1 = await list(`${edge}?limit=500&fields=id`);
    assert.equal(p1.data.length, 100, 'limit is capped at 100');
    assert.deepEqual(Object.keys(p1.data[0]!), ['id']);
    assert.ok(!p1.data.some((p) => p.id === n.phone_number_id));
    assert.ok(p1.paging.next, 'another page follows');
    const next = new URL(p1.paging.next);
    assert.equal(next.searchParams.get('after'), p1.paging.cursors.after);
    const p2 = await list(next.pathname + next.search);
    assert.equal(p2.data.length, 22);
    assert.equal(p2.data.at(-1)!.id, n.phone_number_id);
    assert.equal(p2.paging.next, undefined, 'the last page has no next');
    assert.equal(new Set([...p1.data, ...p2.data].map((p) => p.id)).size, 122, 'no number skipped or repeated');

    const number = await connectNumber(client, n);
    assert.equal(number.status, 'connected');
    assert.equal(number.phoneNumberId, n.phone_number_id);
    assert.equal(number.verifiedName, 'Branch 121');
  });

  test('Meta’s refusals become clear 422s, logged as failed attempts, and nothing is stored', async () => {
    const { client, person } = await waCustomer(t);
    const n = await simNumber(t);
    const other = await simNumber(t);
    const expired = await simToken(t, n.waba_id, -60);
    secrets.push(n.access_token, expired);

    const cases: [Record<string, unknown>, string][] = [
      [connectBody(n, { accessToken: 'EAAGwrongtoken123' }), 'meta_token_invalid'],
      [connectBody(n, { accessToken: expired }), 'meta_token_invalid'],
      // The token's business account cannot see another account's number or the account itself.
      [connectBody(n, { phoneNumberId: other.phone_number_id }), 'meta_number_not_found'],
      [connectBody(n, { phoneNumberId: '99999999999' }), 'meta_number_not_found'],
      [connectBody(n, { wabaId: other.waba_id }), 'meta_waba_not_found'],
    ];
    for (const [body, expected] of cases) {
      const res = await client.post('/api/whatsapp/numbers', body);
      assert.equal(res.statusCode, 422, `${expected}: ${res.body}`);
      assert.equal(code(res), expected);
      assert.ok(json<ErrorBody>(res).error.message.length > 20);
    }
    assert.equal((await t.db.query('SELECT 1 FROM wa_numbers WHERE tenant_id = $1', [person.id])).length, 0);
    const failures = await activity(person.id, 'whatsapp.number_connect_failed');
    assert.deepEqual(failures.map((f) => [f.outcome, f.details.reason]), cases.map(([, c]) => ['failure', c]));

    for (const body of [connectBody(n, { wabaId: 'abc' }), connectBody(n, { accessToken: 'has spaces in it' }), connectBody(n, { extra: 1 }), connectBody(n, { appSecret: 'not-hex' })]) {
      const res = await client.post('/api/whatsapp/numbers', body);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(code(res), 'validation_failed');
    }
  });

  test('several numbers per customer; another customer’s number answers 404 everywhere', async () => {
    const a = await waCustomer(t);
    const b = await waCustomer(t);
    const first = await connectNumber(a.client, await simNumber(t));
    const second = await connectNumber(a.client, await simNumber(t));
    const list = json<{ items: NumberDto[] }>(await a.client.get('/api/whatsapp/numbers')).items;
    assert.deepEqual(list.map((x) => x.id).sort(), [first.id, second.id].sort());
    assert.deepEqual(json<{ items: NumberDto[] }>(await b.client.get('/api/whatsapp/numbers')).items, []);

    const probes: [string, () => Promise<LightMyRequestResponse>][] = [
      ['get', () => b.client.get(`/api/whatsapp/numbers/${first.id}`)],
      ['patch', () => b.client.patch(`/api/whatsapp/numbers/${first.id}`, { label: 'mine now' })],
      ['check', () => b.client.post(`/api/whatsapp/numbers/${first.id}/check`)],
      ['token', () => b.client.post(`/api/whatsapp/numbers/${first.id}/token`, { accessToken: 'EAAGsomething' })],
      ['disconnect', () => b.client.post(`/api/whatsapp/numbers/${first.id}/disconnect`)],
    ];
    for (const [what, probe] of probes) {
      const res = await probe();
      assert.equal(res.statusCode, 404, `${what}: ${res.body}`);
      assert.equal(code(res), 'not_found');
    }
    const untouched = await row(first.id);
    assert.equal(untouched.status, 'connected');
    assert.equal(untouched.label, '');
  });

  test('a number live for one customer cannot be connected twice; after a disconnect anyone holding its token can', async () => {
    const a = await waCustomer(t);
    const b = await waCustomer(t);
    const n = await simNumber(t);
    secrets.push(n.access_token);
    const mine = await connectNumber(a.client, n);

    const again = await a.client.post('/api/whatsapp/numbers', connectBody(n));
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(code(again), 'number_already_connected');

    // Without a token Meta accepts, B learns nothing about who has the number.
    const probe = await b.client.post('/api/whatsapp/numbers', connectBody(n, { accessToken: 'EAAGguessing12345' }));
    assert.equal(probe.statusCode, 422, probe.body);
    const taken = await b.client.post('/api/whatsapp/numbers', connectBody(n));
    assert.equal(taken.statusCode, 409, taken.body);
    assert.equal(code(taken), 'number_taken');

    const off = await a.client.post(`/api/whatsapp/numbers/${mine.id}/disconnect`);
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(numberOf(off).status, 'disconnected');
    assert.ok(numberOf(off).disconnectedAt);
    const theirs = await connectNumber(b.client, n);
    assert.notEqual(theirs.id, mine.id);
    assert.equal((await row(mine.id)).status, 'disconnected', 'the old connection stays, for the record');
  });

  test('re-checking refreshes what Meta says; a token Meta stopped accepting puts the number in error until rotated', async () => {
    const { client, person } = await waCustomer(t);
    const n = await simNumber(t);
    const number = await connectNumber(client, n);
    secrets.push(n.access_token);

    await simPatch(t, n.phone_number_id, { quality_rating: 'YELLOW', messaging_limit_tier: 'TIER_10K', throughput_level: 'HIGH', verified_name: 'Renamed Store' });
    const checked = await client.post(`/api/whatsapp/numbers/${number.id}/check`);
    assert.equal(checked.statusCode, 200, checked.body);
    assert.deepEqual(
      (({ qualityRating, messagingLimitTier, throughputLevel, mps, verifiedName, status }) => ({ qualityRating, messagingLimitTier, throughputLevel, mps, verifiedName, status }))(numberOf(checked)),
      { qualityRating: 'YELLOW', messagingLimitTier: 'TIER_10K', throughputLevel: 'HIGH', mps: 1000, verifiedName: 'Renamed Store', status: 'connected' },
    );

    await revokeSimToken(t, n.access_token);
    const failed = await client.post(`/api/whatsapp/numbers/${number.id}/check`);
    assert.equal(failed.statusCode, 200, failed.body);
    assert.equal(numberOf(failed).status, 'error');
    assert.equal(numberOf(failed).lastError?.code, 'meta_token_invalid');
    assert.match(numberOf(failed).lastError!.message, /access token/);
    const checks = await activity(person.id, 'whatsapp.number_checked');
    assert.deepEqual(checks.map((c) => c.outcome), ['success', 'failure']);

    // A new token that Meta refuses does not replace the old one.
    const before = (await row(number.id)).access_token_enc;
    const bad = await client.post(`/api/whatsapp/numbers/${number.id}/token`, { accessToken: 'EAAGnotvalid99999' });
    assert.equal(bad.statusCode, 422, bad.body);
    assert.equal(code(bad), 'meta_token_invalid');
    assert.equal((await row(number.id)).access_token_enc, before);
    assert.equal((await activity(person.id, 'whatsapp.number_token_rotation_failed')).length, 1);

    const fresh = await simToken(t, n.waba_id);
    secrets.push(fresh);
    const rotated = await client.post(`/api/whatsapp/numbers/${number.id}/token`, { accessToken: fresh });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.ok(!rotated.body.includes(fresh));
    assert.equal(numberOf(rotated).status, 'connected');
    assert.equal(numberOf(rotated).lastError, null);
    assert.ok(numberOf(rotated).tokenRotatedAt);
    assert.equal(accessTokenOf(keyringFromConfig(t.config), await row(number.id)), fresh);
    assert.equal((await activity(person.id, 'whatsapp.number_token_rotated')).length, 1);
  });

  test('disconnecting erases the token; a disconnected number cannot be checked, rotated or changed, and disconnecting again changes nothing', async () => {
    const { client, person } = await waCustomer(t);
    const n = await simNumber(t);
    const number = await connectNumber(client, n, { appSecret: 'ab'.repeat(16), verifyToken: 'my-verify-token-1' });
    secrets.push(n.access_token, 'ab'.repeat(16), 'my-verify-token-1');

    assert.equal((await client.post(`/api/whatsapp/numbers/${number.id}/disconnect`)).statusCode, 200);
    const stored = await row(number.id);
    assert.equal(stored.access_token_enc, '');
    assert.equal(stored.app_secret_enc, null);
    assert.equal(stored.verify_token_hash, null);
    assert.throws(() => numberCredentials(keyringFromConfig(t.config), stored), /disconnected/);

    for (const [path, body] of [['check', undefined], ['token', { accessToken: n.access_token }]] as const) {
      const res = await client.post(`/api/whatsapp/numbers/${number.id}/${path}`, body);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(code(res), 'number_disconnected');
    }
    const patch = await client.patch(`/api/whatsapp/numbers/${number.id}`, { label: 'x' });
    assert.equal(patch.statusCode, 409, patch.body);
    const twice = await client.post(`/api/whatsapp/numbers/${number.id}/disconnect`);
    assert.equal(twice.statusCode, 200);
    assert.equal((await activity(person.id, 'whatsapp.number_disconnected')).length, 1);
  });

  test('the label and the customer’s own Meta app secret and verify token can be set and removed; only the hash of the verify token is kept', async () => {
    const { client, person } = await waCustomer(t);
    const number = await connectNumber(client, await simNumber(t));
    const appSecret = 'C0FFEE'.padEnd(32, '7');
    secrets.push(appSecret, 'verify-me-please');

    const res = await client.patch(`/api/whatsapp/numbers/${number.id}`, { label: 'Support line', appSecret, verifyToken: 'verify-me-please' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(numberOf(res).label, 'Support line');
    assert.equal(numberOf(res).hasAppSecret, true);
    assert.equal(numberOf(res).hasVerifyToken, true);
    assert.ok(!res.body.includes(appSecret) && !res.body.includes('verify-me-please'));
    const stored = await row(number.id);
    assert.equal(appSecretOf(keyringFromConfig(t.config), stored), appSecret.toLowerCase());
    assert.equal(stored.verify_token_hash, sha256('verify-me-please').toString('hex'));

    const [log] = await activity(person.id, 'whatsapp.number_updated');
    assert.deepEqual(log!.details.fields, ['label', 'appSecret', 'verifyToken']);
    assert.ok(!JSON.stringify(log).includes(appSecret.toLowerCase()) && !JSON.stringify(log).includes('verify-me-please'));

    const cleared = numberOf(await client.patch(`/api/whatsapp/numbers/${number.id}`, { appSecret: null, verifyToken: null }));
    assert.equal(cleared.hasAppSecret, false);
    assert.equal(cleared.hasVerifyToken, false);
    assert.equal(cleared.label, 'Support line');

    const bad = await client.patch(`/api/whatsapp/numbers/${number.id}`, { label: 'evil\u202etext' });
    assert.equal(bad.statusCode, 400, bad.body);
  });

  test('one click connects a simulator test number, without KYC (it reaches nobody)', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const res = await client.post('/api/whatsapp/numbers/simulator', {});
    assert.equal(res.statusCode, 201, res.body);
    const number = numberOf(res);
    assert.equal(number.label, 'Simulator test number');
    assert.equal(number.status, 'connected');
    assert.equal(number.verifiedName, person.name);
    assert.match(number.phoneNumberId, /^[0-9]{15}$/);
    const sim = await t.app.inject({ method: 'GET', url: `/sandbox/graph/_sim/numbers/${number.phoneNumberId}` });
    assert.equal(sim.statusCode, 200, 'the number exists in the simulator');
    const [log] = await activity(person.id, 'whatsapp.number_connected');
    assert.equal(log!.details.source, 'simulator');
    // The same works through the Graph client the send path uses, with the stored token.
    const creds = numberCredentials(keyringFromConfig(t.config), await row(number.id));
    assert.equal((await t.app.inject({ method: 'GET', url: `/sandbox/graph/v23.0/${creds.phoneNumberId}?fields=id`, headers: { authorization: `Bearer ${creds.accessToken}` } })).statusCode, 200);
  });

  test('checks with Meta are limited to 60 an hour per customer (connect, simulator, re-check, rotation)', async () => {
    const { client, person } = await waCustomer(t);
    const number = await connectNumber(client, await simNumber(t));
    // As if 58 more checks had been made this hour: one is left.
    await hitWindow(t.db, `rl:wa-number-check:${person.id}`, 3600, 58);
    assert.equal((await client.post(`/api/whatsapp/numbers/${number.id}/check`)).statusCode, 200);
    for (const res of [await client.post(`/api/whatsapp/numbers/${number.id}/check`), await client.post('/api/whatsapp/numbers/simulator', {}), await client.post('/api/whatsapp/numbers', connectBody(await simNumber(t)))]) {
      assert.equal(res.statusCode, 429, res.body);
      assert.equal(code(res), 'rate_limited');
      assert.ok(Number(res.headers['retry-after']) >= 1);
    }
    assert.equal((await client.get('/api/whatsapp/numbers')).statusCode, 200, 'reading is not limited');
  });

  test('master key rotation re-encrypts the stored tokens under the new key', async () => {
    const { client } = await waCustomer(t);
    const n = await simNumber(t);
    const number = await connectNumber(client, n, { appSecret: 'd'.repeat(32) });
    const oldRing = keyringFromConfig(t.config);
    const newRing = createKeyring(Buffer.alloc(32, 9), [t.config.masterKey]);
    assert.ok((await rewrapNumberSecrets(t.db, newRing)) >= 1);
    const stored = await row(number.id);
    assert.equal(stringKeyId(stored.access_token_enc), newRing.current.id);
    assert.equal(accessTokenOf(newRing, stored), n.access_token);
    assert.equal(appSecretOf(newRing, stored), 'd'.repeat(32));
    assert.throws(() => accessTokenOf(oldRing, stored), 'the old key alone no longer opens it');
    assert.equal(await rewrapNumberSecrets(t.db, newRing), 0, 'nothing left to re-encrypt');
  });
});

describe('WhatsApp numbers when Meta cannot be reached', () => {
  let t: TestPlatform;
  before(async () => {
    // A port nobody listens on: every Graph call fails to connect.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    t = await testPlatform({ env: { META_GRAPH_URL: `http://127.0.0.1:${port}` } });
  });
  after(() => t.close());

  test('connecting answers 503 meta_unreachable (never a 500) and stores nothing', async () => {
    const { client, person } = await waCustomer(t);
    const n = await simNumber(t);
    const res = await client.post('/api/whatsapp/numbers', connectBody(n));
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(code(res), 'meta_unreachable');
    assert.equal((await t.db.query('SELECT 1 FROM wa_numbers WHERE tenant_id = $1', [person.id])).length, 0);
    assert.equal((await t.db.query(`SELECT 1 FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'whatsapp.%'`, [person.id])).length, 0);
  });
});

describe('checking a number: Graph answers and errors', () => {
  const info = { id: '111111111111111', display_phone_number: '+1 555-0100', verified_name: 'Shop', quality_rating: 'GREEN' as const, throughput: { level: 'STANDARD' } };
  const fakeGraph = (list: { id: string }[], error?: unknown) =>
    ({
      getPhoneNumber: async () => {
        if (error) throw error;
        return info;
      },
      listPhoneNumbers: async () => ({ data: list }),
    }) as unknown as GraphClient;

  test('a number that is not in the given business account is refused with number_not_in_waba', async () => {
    await assert.rejects(checkWithMeta(fakeGraph([{ id: '222222222222222' }]), { wabaId: '333333333333333', phoneNumberId: info.id, token: 'EAAGtoken1' }), (err: unknown) => {
      assert.ok(err instanceof CheckFailure);
      assert.equal(err.status, 422);
      assert.equal(err.code, 'number_not_in_waba');
      return true;
    });
    const facts = await checkWithMeta(fakeGraph([{ id: info.id }]), { wabaId: '333333333333333', phoneNumberId: info.id, token: 'EAAGtoken1' });
    assert.deepEqual(facts, { display_phone_number: '+1 555-0100', verified_name: 'Shop', quality_rating: 'GREEN', messaging_limit_tier: null, throughput_level: 'STANDARD', mps: 80 });
  });

  test('the business-account check follows Meta’s cursors page by page, and gives up clearly after 20 pages', async () => {
    const calls: { limit?: number; after?: string; fields?: string }[] = [];
    // Pages of one id each; `endless` keeps saying another page follows.
    const paged = (ids: string[], opts: { endless?: boolean; failOn?: number } = {}) =>
      ({
        getPhoneNumber: async () => info,
        listPhoneNumbers: async (_waba: string, _token: string, q: { limit?: number; after?: string; fields?: string } = {}) => {
          calls.push(q);
          const i = q.after ? Number(q.after.slice(1)) : 0;
          if (opts.failOn === i) throw new GraphApiError({ httpStatus: 401, code: 190, message: 'Error validating access token' });
          const more = opts.endless === true || i + 1 < ids.length;
          return { data: [{ id: ids[i] ?? `7${i}` }], paging: { cursors: { before: `c${i}`, after: `c${i + 1}` }, ...(more ? { next: `https://graph.facebook.com/v23.0/333/phone_numbers?after=c${i + 1}` } : {}) } };
        },
      }) as unknown as GraphClient;
    const n = { wabaId: '333333333333333', phoneNumberId: info.id, token: 'EAAGtoken1' };

    const facts = await checkWithMeta(paged(['1', '2', info.id, '4']), n);
    assert.equal(facts.verified_name, 'Shop');
    assert.deepEqual(calls.splice(0), [
      { limit: 100, fields: 'id' },
      { limit: 100, fields: 'id', after: 'c1' },
      { limit: 100, fields: 'id', after: 'c2' },
    ]);

    await assert.rejects(checkWithMeta(paged(['1', '2']), n), (err: unknown) => err instanceof CheckFailure && err.code === 'number_not_in_waba');
    assert.equal(calls.splice(0).length, 2, 'stops at the page without next');

    await assert.rejects(checkWithMeta(paged([], { endless: true }), n), (err: unknown) => {
      assert.ok(err instanceof CheckFailure);
      assert.equal(err.status, 422);
      assert.equal(err.code, 'waba_too_large');
      assert.match(err.message, /more than 2000 phone numbers/);
      return true;
    });
    assert.equal(calls.splice(0).length, 20, 'at most 20 pages');

    await assert.rejects(checkWithMeta(paged(['1', '2', '3'], { failOn: 1 }), n), (err: unknown) => err instanceof CheckFailure && err.code === 'meta_token_invalid');
    calls.splice(0);
  });

  test('each kind of Graph failure maps to its answer', () => {
    const api = (code: number, extra: { subcode?: number; retryAfterSeconds?: number } = {}) => new GraphApiError({ httpStatus: 400, code, message: `error ${code}`, ...extra });
    const cases: [unknown, number, string][] = [
      [api(190), 422, 'meta_token_invalid'],
      [api(0), 422, 'meta_token_invalid'],
      [api(10), 422, 'meta_permission_denied'],
      [api(200), 422, 'meta_permission_denied'],
      [api(368), 422, 'meta_account_restricted'],
      [api(100, { subcode: 33 }), 422, 'meta_number_not_found'],
      [api(131009), 422, 'meta_rejected'],
      [api(80007, { retryAfterSeconds: 120 }), 503, 'meta_busy'],
      [api(2), 502, 'meta_unavailable'],
      [new GraphRequestError('connect', 'refused'), 503, 'meta_unreachable'],
      [new GraphRequestError('timeout', 'slow'), 503, 'meta_unreachable'],
      [new GraphRequestError('invalid_response', 'html', 502), 502, 'meta_bad_response'],
    ];
    for (const [err, status, expected] of cases) {
      const mapped = graphFailure(err, 'number');
      assert.ok(mapped instanceof AppError, expected);
      assert.equal(mapped.status, status, expected);
      assert.equal(mapped.code, expected);
    }
    assert.equal((graphFailure(api(80007, { retryAfterSeconds: 120 }), 'number') as AppError).headers?.['retry-after'], '120');
    assert.equal((graphFailure(api(100), 'waba') as AppError).code, 'meta_waba_not_found');
  });

  test('without a Graph client (WhatsApp off) connecting answers 503 whatsapp_unavailable', async () => {
    const service = createNumbersService({ db: undefined as never, ring: undefined as never, graph: null, sandbox: null, kycGate: { check: async () => {} }, publicUrl: 'http://x' });
    const actor = { type: 'user' as const, userId: '00000000-0000-4000-8000-000000000001', role: 'customer' as const, sessionId: 's' };
    await assert.rejects(service.connect(actor, { wabaId: '12345', phoneNumberId: '12345', accessToken: 'EAAGtoken1' }, { ip: null, userAgent: null, requestId: null }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 503);
      assert.equal(err.code, 'whatsapp_unavailable');
      return true;
    });
    await assert.rejects(service.connectSimulator(actor, {}, { ip: null, userAgent: null, requestId: null }), (err: unknown) => err instanceof AppError && err.code === 'simulator_unavailable');
  });
});
