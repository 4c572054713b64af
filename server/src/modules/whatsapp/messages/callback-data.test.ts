import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { apiKeyFor, connectSimulatorNumber, fundWallet, settleSimulator } from '../../../test/whatsapp.js';
import { withCustomerCallbackData } from './callback-data.js';

/**
 * The platform sends Meta `biz_opaque_callback_data = seva:msg:<message id>` and keeps the customer's
 * own value. Whatever the customer is shown of Meta's status reports — the `message.status` events of
 * their webhooks (the platform's format and Meta's), the message log, the simulated phone — carries
 * their own value, or no value when they gave none, exactly as Meta would have: never the marker.
 */

const PERSON = '919812360001';
const MARKER = 'seva:msg:';

interface StoredEvent {
  body: string;
  meta_body: string | null;
}

describe('customers never see the platform’s callback-data marker', () => {
  let t: TestPlatform;
  let owner: { client: Client; person: { id: string } };
  let number: Awaited<ReturnType<typeof connectSimulatorNumber>>;
  let key: string;
  const sent: { id: string; wamid: string; mine: string | null }[] = [];

  before(async () => {
    t = await testPlatform({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    owner = await signedInClient(t, 'customer');
    number = await connectSimulatorNumber(t, owner.person.id);
    await fundWallet(t, owner.person.id, 10_000);
    key = await apiKeyFor(t, owner.person.id, ['messages:send', 'messages:read']);
    // One endpoint in the platform's format and one in Meta's; the outbox rows are what they would get.
    for (const format of ['standard', 'meta']) {
      const res = await owner.client.post('/api/whatsapp/webhooks', { url: `http://127.0.0.1:9/${format}`, eventTypes: ['message.status'], format });
      assert.equal(res.statusCode, 201, res.body);
    }
    // The person writes in, so free-form replies may go.
    const wrote = await owner.client.post(`/api/whatsapp/phone/${number.id}/chats/${PERSON}/messages`, { kind: 'text', text: 'Where is my order?' });
    assert.equal(wrote.statusCode, 201, wrote.body);
    await settleSimulator(t);
  });
  after(() => t.close());

  const v1 = (body: object): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${key}` }, payload: { from: number.id, to: PERSON, type: 'text', ...body } });
  const graph = (body: object): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method: 'POST',
      url: `/graph/v23.0/${number.phoneNumberId}/messages`,
      headers: { authorization: `Bearer ${key}` },
      payload: { messaging_product: 'whatsapp', to: PERSON, type: 'text', ...body },
    });

  test('statuses of messages sent through /v1 and /graph reach the outbox with the customer’s value, in both formats', async () => {
    const a = await v1({ text: { body: 'It ships today.' }, biz_opaque_callback_data: 'crm-order-42' });
    assert.equal(a.statusCode, 200, a.body);
    sent.push({ id: json<{ id: string }>(a).id, wamid: json<{ wamid: string }>(a).wamid, mine: 'crm-order-42' });
    const b = await v1({ text: { body: 'Tracking follows.' } });
    assert.equal(b.statusCode, 200, b.body);
    sent.push({ id: json<{ id: string }>(b).id, wamid: json<{ wamid: string }>(b).wamid, mine: null });
    const c = await graph({ text: { body: 'Thank you!' }, biz_opaque_callback_data: 'sdk-ref-7' });
    assert.equal(c.statusCode, 200, c.body);
    const cWamid = json<{ messages: { id: string }[] }>(c).messages[0]!.id;
    const [cRow] = await t.db.query<{ id: string }>('SELECT id FROM wa_messages WHERE wamid = $1', [cWamid]);
    sent.push({ id: cRow!.id, wamid: cWamid, mine: 'sdk-ref-7' });

    // Meta got the marker (that is what it echoes on every status) and the customer's value is kept.
    const stored = await t.db.query<{ id: string; biz_opaque_callback_data: string | null; content: { biz_opaque_callback_data?: string } }>(
      'SELECT id, biz_opaque_callback_data, content FROM wa_messages WHERE id = ANY($1::uuid[])',
      [sent.map((s) => s.id)],
    );
    for (const s of sent) {
      const row = stored.find((r) => r.id === s.id)!;
      assert.equal(row.biz_opaque_callback_data, s.mine);
      assert.equal(row.content.biz_opaque_callback_data, `${MARKER}${s.id}`);
    }

    await settleSimulator(t);
    const raw = await t.db.query<{ raw_body: string }>("SELECT raw_body FROM wa_webhook_events WHERE raw_body LIKE '%\"statuses\"%'");
    assert.ok(raw.some((r) => r.raw_body.includes(MARKER)), 'the status webhooks from "Meta" carry the marker');

    const events = await t.db.query<StoredEvent>("SELECT body, meta_body FROM webhook_events WHERE tenant_id = $1 AND type = 'message.status'", [owner.person.id]);
    for (const s of sent) {
      const mine = events.filter((e) => (JSON.parse(e.body) as { data: { wamid: string } }).data.wamid === s.wamid);
      // sent, delivered and read (the simulator's person reads at once).
      assert.deepEqual(mine.map((e) => (JSON.parse(e.body) as { data: { status: string } }).data.status).sort(), ['delivered', 'read', 'sent'], s.wamid);
      for (const e of mine) {
        assert.ok(!e.body.includes(MARKER), e.body);
        assert.ok(e.meta_body && !e.meta_body.includes(MARKER), e.meta_body ?? 'no Meta body');
        const data = (JSON.parse(e.body) as { data: { message_id: string; biz_opaque_callback_data: string | null } }).data;
        assert.equal(data.message_id, s.id);
        assert.equal(data.biz_opaque_callback_data, s.mine);
        const status = (JSON.parse(e.meta_body!) as { entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[] }).entry[0]!.changes[0]!.value.statuses[0]!;
        assert.equal(status.id, s.wamid);
        if (s.mine === null) assert.ok(!('biz_opaque_callback_data' in status), 'left out, as Meta leaves it out');
        else assert.equal(status.biz_opaque_callback_data, s.mine);
      }
    }
    const deliveries = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.tenant_id = $1 AND e.type = 'message.status'",
      [owner.person.id],
    );
    assert.equal(deliveries[0]!.n, 2 * 3 * sent.length, 'each status to both endpoints');
  });

  test('the message log (web app and /v1) and the simulated phone show the customer’s value, never the marker', async () => {
    for (const s of sent) {
      const v1Detail = await t.app.inject({ method: 'GET', url: `/v1/messages/${s.id}`, headers: { authorization: `Bearer ${key}` } });
      assert.equal(v1Detail.statusCode, 200, v1Detail.body);
      assert.ok(!v1Detail.body.includes(MARKER), v1Detail.body);
      const d = json<{ content: Record<string, unknown>; timeline: { status: string; webhook_excerpt: { status: Record<string, unknown> } | null }[] }>(v1Detail);
      assert.equal(d.content.biz_opaque_callback_data, s.mine ?? undefined);
      const excerpts = d.timeline.filter((e) => e.webhook_excerpt);
      assert.equal(excerpts.length, 3, 'sent, delivered and read, each with its webhook');
      for (const e of excerpts) assert.equal(e.webhook_excerpt!.status.biz_opaque_callback_data, s.mine ?? undefined);

      const web = await owner.client.get(`/api/whatsapp/messages/${s.id}`);
      assert.equal(web.statusCode, 200, web.body);
      assert.ok(!web.body.includes(MARKER), web.body);
    }
    const list = await t.app.inject({ method: 'GET', url: '/v1/messages', headers: { authorization: `Bearer ${key}` } });
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(!list.body.includes(MARKER));
    const csv = await owner.client.get('/api/whatsapp/messages.csv');
    assert.equal(csv.statusCode, 200);
    assert.ok(!csv.body.includes(MARKER));
    const phone = await owner.client.get(`/api/whatsapp/phone/${number.id}/chats/${PERSON}`);
    assert.equal(phone.statusCode, 200, phone.body);
    assert.ok(json<{ items: unknown[] }>(phone).items.length >= 4);
    assert.ok(!phone.body.includes(MARKER), phone.body);
  });

  test('withCustomerCallbackData: the marker replaced in place or left out; anything else untouched', () => {
    const status = { id: 'wamid.X', status: 'sent', biz_opaque_callback_data: `${MARKER}00000000-0000-4000-8000-000000000001`, recipient_id: '1' };
    assert.deepEqual(Object.entries(withCustomerCallbackData(status, 'mine')), [
      ['id', 'wamid.X'],
      ['status', 'sent'],
      ['biz_opaque_callback_data', 'mine'],
      ['recipient_id', '1'],
    ]);
    assert.deepEqual(withCustomerCallbackData(status, null), { id: 'wamid.X', status: 'sent', recipient_id: '1' });
    const theirs = { id: 'wamid.Y', biz_opaque_callback_data: 'sent-by-their-own-app' };
    assert.equal(withCustomerCallbackData(theirs, 'other'), theirs);
    const none = { id: 'wamid.Z' };
    assert.equal(withCustomerCallbackData(none, 'x'), none);
  });
});
