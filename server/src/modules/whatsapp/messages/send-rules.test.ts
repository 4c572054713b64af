import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { EXAMPLE_TEMPLATES, captureServer, example } from '../../../test/meta.js';
import { sealNumberSecret } from '../numbers/numbers.repo.js';
import { purgeIdempotencyKeys } from './idempotency.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';

/**
 * The rules of the send path on both endpoints: who may send from which number, Idempotency-Key,
 * the wallet, consent, and Meta's refusals in each endpoint's shape — with what each leaves behind
 * (message rows, reserves, what reached the phone).
 */

type Json = Record<string, unknown>;
interface MetaBody {
  error: { message: string; type: string; code: number; error_subcode?: number; error_data?: { details: string; platform_code?: string }; fbtrace_id: string };
}
interface V1Error {
  error: { code: string; message: string; requestId: string; meta?: { code: number; category: string; retryable: boolean } };
}
const metaErr = (r: LightMyRequestResponse) => (r.json() as MetaBody).error;
const v1Err = (r: LightMyRequestResponse) => (r.json() as V1Error).error;
const text = (to: string, body = 'Hello') => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });
const promo = (to: string) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: { name: '2023_april_promo', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mark' }, { type: 'text', text: 'FALL25' }] }] },
});
const v1Of = (from: string, body: Json) => {
  const { messaging_product: _, ...rest } = body;
  return { from, ...rest };
};

describe('the send path’s rules', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;
  let c: Connected;
  let key: string;
  let n = 0;
  /** A recipient of its own for each test, with the 24-hour window open. */
  async function recipient(): Promise<string> {
    const waId = `1650555${String(2000 + ++n).padStart(4, '0')}`;
    await s.openWindow(c, waId);
    return waId;
  }
  const phone = async (waId: string) => {
    const res = await s.kit.sim('GET', `/numbers/${c.sim.phone_number_id}/conversations/${waId}`);
    return res.statusCode === 200 ? (res.json() as { data: { direction: string }[] }).data.filter((m) => m.direction === 'outbound').length : 0;
  };

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    s = sendKit(t, hook);
    const tenant = await s.tenant(1_000_000);
    c = await s.connect(tenant);
    key = await s.apiKey(tenant);
    await s.kit.template(c.sim, EXAMPLE_TEMPLATES[2]!);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  describe('keys and numbers', () => {
    test('no key, a malformed key or a revoked key: 401 in each endpoint’s shape, nothing sent', async () => {
      const to = await recipient();
      const v1 = await s.v1(null, v1Of(c.number.id, text(to)));
      assert.equal(v1.statusCode, 401, v1.body);
      assert.equal(v1Err(v1).code, 'invalid_api_key');
      const graph = await s.graph('sk_nothing', c.sim.phone_number_id, text(to));
      assert.equal(graph.statusCode, 401, graph.body);
      assert.equal(metaErr(graph).code, 190);
      assert.equal(metaErr(graph).type, 'OAuthException');
      const revoked = await s.apiKey(c.tenantId);
      await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND prefix = $2', [c.tenantId, revoked.split('_')[1]]);
      assert.equal((await s.v1(revoked, v1Of(c.number.id, text(to)))).statusCode, 401);
      assert.equal(await phone(to), 0);
    });

    test('a key without messages:send gets 403 on both endpoints', async () => {
      const to = await recipient();
      const readOnly = await s.apiKey(c.tenantId, ['messages:read']);
      const v1 = await s.v1(readOnly, v1Of(c.number.id, text(to)));
      assert.equal(v1.statusCode, 403, v1.body);
      assert.equal(v1Err(v1).code, 'insufficient_scope');
      const graph = await s.graph(readOnly, c.sim.phone_number_id, text(to));
      assert.equal(graph.statusCode, 403, graph.body);
      assert.equal(metaErr(graph).code, 10);
      assert.equal(metaErr(graph).error_data?.platform_code, 'insufficient_scope');
      assert.equal(await phone(to), 0);
    });

    test('another tenant’s number answers 404 (by id and by phone number id); a key limited to other numbers gets 403', async () => {
      const to = await recipient();
      const other = await s.connect(await s.tenant());
      for (const from of [other.number.id, other.sim.phone_number_id]) {
        const v1 = await s.v1(key, v1Of(from, text(to)));
        assert.equal(v1.statusCode, 404, v1.body);
        assert.equal(v1Err(v1).code, 'not_found');
      }
      const graph = await s.graph(key, other.sim.phone_number_id, text(to));
      assert.equal(graph.statusCode, 404, graph.body);
      assert.equal(metaErr(graph).code, 100);
      assert.equal(metaErr(graph).error_subcode, 33);
      const second = await s.connect(c.tenantId);
      const limited = await s.apiKey(c.tenantId, ['messages:send'], [second.number.id]);
      const refused = await s.v1(limited, v1Of(c.number.id, text(to)));
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(v1Err(refused).code, 'number_not_allowed');
      assert.equal(await phone(to), 0);
      assert.equal((await s.messages(other.tenantId)).length, 0);
    });

    test('/v1 rejects unknown fields and objects of another type with 400; /graph ignores unknown fields like Meta', async () => {
      const to = await recipient();
      const unknown = await s.v1(key, { ...v1Of(c.number.id, text(to)), colour: 'blue' });
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.equal(v1Err(unknown).code, 'validation_failed');
      const nested = await s.v1(key, { from: c.number.id, to, type: 'text', text: { body: 'x', bold: true } });
      assert.equal(nested.statusCode, 400, nested.body);
      const mixed = await s.v1(key, { from: c.number.id, to, type: 'text', text: { body: 'x' }, image: { link: 'https://example.com/a.jpg' } });
      assert.equal(mixed.statusCode, 400, mixed.body);
      assert.match(v1Err(mixed).message, /image/);
      const tooLong = await s.v1(key, v1Of(c.number.id, text(to, 'x'.repeat(4097))));
      assert.equal(tooLong.statusCode, 400, tooLong.body);
      assert.equal(v1Err(tooLong).code, 'meta_100');
      assert.equal(v1Err(tooLong).meta?.code, 100);
      const graph = await s.graph(key, c.sim.phone_number_id, { ...text(to), colour: 'blue' });
      assert.equal(graph.statusCode, 200, graph.body);
      const missing = await s.graph(key, c.sim.phone_number_id, { messaging_product: 'whatsapp', to, type: 'text', text: {} });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(metaErr(missing).error_data?.details, example<MetaBody>('error-131008-missing-parameter.json').error.error_data!.details);
      assert.equal(await phone(to), 1);
    });
  });

  describe('Idempotency-Key', () => {
    test('a sequential retry answers the first result again: one message, one reserve, one delivery (both endpoints)', async () => {
      const to = await recipient();
      const reservedBefore = await s.reserved(c.tenantId);
      const first = await s.v1(key, v1Of(c.number.id, text(to, 'once')), { 'idempotency-key': 'order-1001' });
      assert.equal(first.statusCode, 200, first.body);
      const again = await s.v1(key, v1Of(c.number.id, text(to, 'once')), { 'idempotency-key': 'order-1001' });
      assert.equal(again.statusCode, 200);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), first.json());

      const g1 = await s.graph(key, c.sim.phone_number_id, text(to, 'graph once'), { 'idempotency-key': 'order-1002' });
      const g2 = await s.graph(key, c.sim.phone_number_id, text(to, 'graph once'), { 'idempotency-key': 'order-1002' });
      assert.equal(g1.statusCode, 200, g1.body);
      assert.deepEqual(g2.json(), g1.json());
      assert.equal(await phone(to), 2);
      assert.equal((await s.reserved(c.tenantId)) - reservedBefore, 2 * 180);
    });

    test('the same key with another body is refused with 422 idempotency_key_reused', async () => {
      const to = await recipient();
      assert.equal((await s.v1(key, v1Of(c.number.id, text(to, 'a')), { 'idempotency-key': 'k-reuse' })).statusCode, 200);
      const reused = await s.v1(key, v1Of(c.number.id, text(to, 'b')), { 'idempotency-key': 'k-reuse' });
      assert.equal(reused.statusCode, 422, reused.body);
      assert.equal(v1Err(reused).code, 'idempotency_key_reused');
      const graph = await s.graph(key, c.sim.phone_number_id, text(to, 'c'), { 'idempotency-key': 'k-reuse' });
      assert.equal(graph.statusCode, 422);
      assert.equal(metaErr(graph).error_data?.platform_code, 'idempotency_key_reused');
      assert.equal(await phone(to), 1);
    });

    test('concurrent duplicates: one sends, the other is told the first is in progress (or gets its answer)', async () => {
      const to = await recipient();
      const reservedBefore = await s.reserved(c.tenantId);
      const body = v1Of(c.number.id, text(to, 'concurrent'));
      const answers = await Promise.all(Array.from({ length: 6 }, () => s.v1(key, body, { 'idempotency-key': 'k-concurrent' })));
      const ok = answers.filter((a) => a.statusCode === 200);
      const busy = answers.filter((a) => a.statusCode === 409);
      assert.equal(ok.length + busy.length, answers.length, answers.map((a) => `${a.statusCode} ${a.body}`).join('\n'));
      assert.ok(ok.length >= 1);
      for (const b of busy) assert.equal(v1Err(b).code, 'idempotency_request_in_progress');
      assert.equal(new Set(ok.map((a) => (a.json() as Json).wamid)).size, 1, 'every success is the same message');
      assert.equal(await phone(to), 1);
      assert.equal((await s.reserved(c.tenantId)) - reservedBefore, 180);
      const rows = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM wa_messages WHERE tenant_id = $1 AND wa_id = $2", [c.tenantId, to]);
      assert.equal(rows[0]!.n, 1);
    });

    test('an answer given before anything happened is not kept: the retry after topping up sends', async () => {
      const poor = await s.tenant(0);
      const pc = await s.connect(poor);
      const pkey = await s.apiKey(poor);
      await s.openWindow(pc, '16505559001');
      const refused = await s.v1(pkey, v1Of(pc.number.id, text('16505559001')), { 'idempotency-key': 'after-topup' });
      assert.equal(refused.statusCode, 402, refused.body);
      await s.fund(poor, 10_000);
      const sent = await s.v1(pkey, v1Of(pc.number.id, text('16505559001')), { 'idempotency-key': 'after-topup' });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.equal((await s.messages(poor)).length, 1);
    });

    test('old keys are forgotten after 24 hours by the maintenance job', async () => {
      const to = await recipient();
      assert.equal((await s.v1(key, v1Of(c.number.id, text(to, 'old')), { 'idempotency-key': 'k-old' })).statusCode, 200);
      await t.db.query("UPDATE api_idempotency SET created_at = now() - interval '25 hours' WHERE key = 'k-old'");
      await purgeIdempotencyKeys(t.db);
      const rows = await t.db.query("SELECT 1 FROM api_idempotency WHERE key = 'k-old'");
      assert.equal(rows.length, 0);
    });
  });

  describe('money and consent', () => {
    test('a wallet that cannot cover the price: 402 insufficient_balance (131042 on /graph), nothing logged or sent', async () => {
      const poor = await s.tenant(100);
      const pc = await s.connect(poor);
      const pkey = await s.apiKey(poor);
      await s.openWindow(pc, '16505559002');
      const v1 = await s.v1(pkey, v1Of(pc.number.id, text('16505559002')));
      assert.equal(v1.statusCode, 402, v1.body);
      assert.equal(v1Err(v1).code, 'insufficient_balance');
      assert.match(v1Err(v1).message, /₹1\.80/);
      const graph = await s.graph(pkey, pc.sim.phone_number_id, text('16505559002'));
      assert.equal(graph.statusCode, 402, graph.body);
      assert.equal(metaErr(graph).code, 131042);
      assert.equal(metaErr(graph).error_data?.platform_code, 'insufficient_balance');
      assert.equal((await s.messages(poor)).length, 0);
      assert.deepEqual(await s.balance(poor), { available: 100, held: 0 });
      const chat = await s.kit.sim('GET', `/numbers/${pc.sim.phone_number_id}/conversations/16505559002`);
      assert.equal((chat.json() as { data: { direction: string }[] }).data.filter((m) => m.direction === 'outbound').length, 0);
    });

    test('a template to a contact without opt-in, or marketing to one who stopped it, is refused on both endpoints', async () => {
      const to = await recipient();
      const v1 = await s.v1(key, v1Of(c.number.id, promo(to)));
      assert.equal(v1.statusCode, 422, v1.body);
      assert.equal(v1Err(v1).code, 'opt_in_required');
      const graph = await s.graph(key, c.sim.phone_number_id, promo(to));
      assert.equal(graph.statusCode, 422, graph.body);
      assert.equal(metaErr(graph).error_data?.platform_code, 'opt_in_required');

      await s.optIn(c.tenantId, to);
      await t.db.query('UPDATE wa_contacts SET marketing_opted_out_at = now() WHERE tenant_id = $1 AND wa_id = $2', [c.tenantId, to]);
      const stopped = await s.graph(key, c.sim.phone_number_id, promo(to));
      assert.equal(stopped.statusCode, 422, stopped.body);
      assert.equal(metaErr(stopped).code, 131050);
      assert.equal(v1Err(await s.v1(key, v1Of(c.number.id, promo(to)))).code, 'marketing_opted_out');

      await t.db.query('UPDATE wa_contacts SET opted_out_at = now() WHERE tenant_id = $1 AND wa_id = $2', [c.tenantId, to]);
      assert.equal(v1Err(await s.v1(key, v1Of(c.number.id, promo(to)))).code, 'contact_opted_out');
      // A free-form reply inside the window the person opened needs no recorded opt-in.
      assert.equal((await s.v1(key, v1Of(c.number.id, text(to)))).statusCode, 200);
      assert.equal(await phone(to), 1);
    });

    test('with consent, a marketing template reserves the marketing price', async () => {
      const to = await recipient();
      await s.optIn(c.tenantId, to);
      const res = await s.v1(key, v1Of(c.number.id, promo(to)));
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((res.json() as Json).category, 'marketing');
      assert.equal((res.json() as Json).reservedPaise, 600);
    });
  });

  describe('Meta’s refusals', () => {
    test('131047 (window closed): Meta’s envelope on /graph, meta_131047 on /v1; the message is failed and its reserve returned', async () => {
      const to = '16505557777';
      const before = await s.reserved(c.tenantId);
      const graph = await s.graph(key, c.sim.phone_number_id, text(to));
      assert.equal(graph.statusCode, 400, graph.body);
      const want = example<MetaBody>('error-131047-reengagement-sync.json').error;
      const got = metaErr(graph);
      assert.equal(got.code, 131047);
      assert.equal(got.message, want.message);
      assert.equal(got.error_data?.details, want.error_data!.details);
      const v1 = await s.v1(key, v1Of(c.number.id, text(to)));
      assert.equal(v1.statusCode, 400);
      assert.equal(v1Err(v1).code, 'meta_131047');
      assert.deepEqual({ code: v1Err(v1).meta?.code, category: v1Err(v1).meta?.category, retryable: v1Err(v1).meta?.retryable }, { code: 131047, category: 'recipient', retryable: false });
      const rows = await t.db.query<{ status: string; error_code: number; billing_state: string }>('SELECT status, error_code, billing_state FROM wa_messages WHERE wa_id = $1', [to]);
      assert.deepEqual(rows.map((r) => ({ ...r })), [
        { status: 'failed', error_code: 131047, billing_state: 'released' },
        { status: 'failed', error_code: 131047, billing_state: 'released' },
      ]);
      // Reserved and given back: nothing is charged for them.
      assert.equal(await s.reserved(c.tenantId), before);
      const refunds = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transfers WHERE kind = 'refund' AND idempotency_key LIKE 'refund:wa-message:%' AND metadata->>'messageId' IN (SELECT id::text FROM wa_messages WHERE wa_id = $1)", [to]);
      assert.equal(refunds[0]!.n, 2);
    });

    test('132001 (no such template at Meta) is answered before any money moves', async () => {
      const to = await recipient();
      await s.optIn(c.tenantId, to);
      const body = { ...example<Json>('send-template-request.json'), to };
      const graph = await s.graph(key, c.sim.phone_number_id, body);
      assert.equal(graph.statusCode, 400, graph.body);
      assert.equal(metaErr(graph).code, 132001);
      assert.equal(metaErr(graph).error_data?.details, 'template name (order_update_v2) does not exist in en_US');
      const v1 = await s.v1(key, v1Of(c.number.id, body));
      assert.equal(v1Err(v1).code, 'meta_132001');
      assert.equal((await t.db.query('SELECT 1 FROM wa_messages WHERE wa_id = $1', [to])).length, 0);
    });

    test('131056 (pair rate limit): /graph answers Meta’s 429, /v1 queues the message (202) and the retry job sends it once', async () => {
      const pc = await s.connect(c.tenantId, { sim: { pair_limit: 1 } });
      await s.openWindow(pc, '16505558000');
      assert.equal((await s.graph(key, pc.sim.phone_number_id, text('16505558000', 'first'))).statusCode, 200);
      const graph = await s.graph(key, pc.sim.phone_number_id, text('16505558000', 'second'));
      assert.equal(graph.statusCode, 429, graph.body);
      assert.equal(metaErr(graph).code, 131056);

      const v1 = await s.v1(key, v1Of(pc.number.id, text('16505558000', 'third')));
      assert.equal(v1.statusCode, 202, v1.body);
      const queued = v1.json() as Json;
      assert.equal(queued.status, 'queued');
      assert.equal(queued.wamid, null);
      const [row] = await t.db.query<{ status: string; error_code: number; billing_state: string }>('SELECT status, error_code, billing_state FROM wa_messages WHERE id = $1', [queued.id]);
      assert.deepEqual({ ...row }, { status: 'queued', error_code: 131056, billing_state: 'reserved' });

      // The pair limit passes; the retry (due now) sends it — and a second run of the same job sends nothing.
      assert.equal((await s.kit.sim('PATCH', `/numbers/${pc.sim.phone_number_id}`, { pair_limit: 1000 })).statusCode, 200);
      await s.kit.due('whatsapp.send-retry');
      await t.platform.jobs.runPending('whatsapp.send-retry', 10);
      const [sent] = await t.db.query<{ status: string; wamid: string | null }>('SELECT status, wamid FROM wa_messages WHERE id = $1', [queued.id]);
      assert.equal(sent!.status, 'accepted');
      assert.match(sent!.wamid!, /^wamid\./);
      const chat = await s.kit.sim('GET', `/numbers/${pc.sim.phone_number_id}/conversations/16505558000`);
      const bodies = (chat.json() as { data: { direction: string; content: { text?: { body: string } } }[] }).data.filter((m) => m.direction === 'outbound').map((m) => m.content.text?.body);
      assert.deepEqual(bodies, ['first', 'third']);
    });

    test('190 (the number’s token expired): Meta’s 401 on /graph, 424 on /v1, and the number is flagged', async () => {
      const pc = await s.connect(c.tenantId);
      await s.openWindow(pc, '16505558100');
      const minted = await s.kit.sim('POST', `/wabas/${pc.sim.waba_id}/tokens`, { expires_in_seconds: -60 });
      const expired = (minted.json() as { access_token: string }).access_token;
      await t.db.query('UPDATE wa_numbers SET access_token_enc = $2 WHERE id = $1', [pc.number.id, sealNumberSecret(s.ring, pc.number.id, 'access_token', expired)]);
      const graph = await s.graph(key, pc.sim.phone_number_id, text('16505558100'));
      assert.equal(graph.statusCode, 401, graph.body);
      assert.equal(metaErr(graph).code, 190);
      assert.equal(metaErr(graph).error_subcode, 463);
      const v1 = await s.v1(key, v1Of(pc.number.id, text('16505558100')));
      assert.equal(v1.statusCode, 424, v1.body);
      assert.equal(v1Err(v1).meta?.category, 'auth');
      const [number] = await t.db.query<{ status: string; last_error: string }>('SELECT status, last_error FROM wa_numbers WHERE id = $1', [pc.number.id]);
      assert.equal(number!.status, 'error');
      assert.match(number!.last_error, /^190/);
    });
  });
});
