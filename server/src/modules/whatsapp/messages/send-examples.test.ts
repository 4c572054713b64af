import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { EXAMPLE_TEMPLATES, captureServer, example, exampleNames, shapeOf } from '../../../test/meta.js';
import { messageIdFromCallbackData } from './callback-data.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';

/**
 * Every send example of Meta's contract (server/test-fixtures/meta-examples/send-*-request.json)
 * through both send endpoints: the Graph-compatible one answers exactly as Meta would, /v1 answers
 * in the platform's format; each message is logged with its wamid and reserved at its category's price.
 */

type Json = Record<string, unknown>;
// Prices of the 0011 price table for a US recipient ('*' rows): service, utility, authentication 180 paise, marketing 600.
const PRICE: Record<string, number> = { service: 180, utility: 180, authentication: 180, marketing: 600 };

describe('sending Meta’s example messages', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;
  let c: Connected;
  let key: string;
  const to = '16505551234';

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    s = sendKit(t, hook);
    const tenant = await s.tenant(1_000_000);
    c = await s.connect(tenant);
    key = await s.apiKey(tenant);
    // The templates the examples name exist at Meta (the simulator) only: the send path asks Meta for their category.
    for (const def of [...EXAMPLE_TEMPLATES, example('template-create-authentication-request.json'), example('template-create-request.json')]) await s.kit.template(c.sim, def);
    await s.optIn(tenant, to);
    const markRead = example<{ message_id: string }>('send-mark-read-typing-request.json');
    await s.openWindow(c, to, { id: markRead.message_id });
    hook.take();
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  const names = exampleNames('send-').filter((f) => f.endsWith('-request.json'));

  test('there are send examples to go through', () => {
    assert.ok(names.length >= 20, `found ${names.length}`);
  });

  test('POST /graph/{version}/{phone-number-id}/messages answers every example exactly as Meta does', async () => {
    const before = await s.messages(c.tenantId);
    let expectedReserve = 0;
    for (const name of names) {
      const body = example<Json>(name);
      const expected = body.status === 'read' ? 'send-response-mark-read.json' : body.type === 'template' ? 'send-response-template-accepted.json' : 'send-response-success.json';
      const res = await s.graph(key, c.sim.phone_number_id, body);
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      assert.deepEqual(shapeOf(res.json()), shapeOf(example(expected)), `${name} answered like ${expected}: ${res.body}`);
      if (body.status === 'read') {
        assert.deepEqual(res.json(), { success: true });
        continue;
      }
      const r = res.json() as { contacts: { input: string; wa_id: string }[]; messages: { id: string }[] };
      assert.equal(r.contacts[0]!.input, body.to);
      assert.equal(r.contacts[0]!.wa_id, to);
      const [row] = await t.db.query<{ status: string; type: string; category: string; reserved_paise: number; billing_state: string; source: string; content: Json; biz_opaque_callback_data: string | null; id: string }>(
        'SELECT * FROM wa_messages WHERE wamid = $1',
        [r.messages[0]!.id],
      );
      assert.ok(row, `${name}: the message is logged with its wamid`);
      assert.equal(row.status, 'accepted');
      assert.equal(row.source, 'graph');
      assert.equal(row.type, body.type ?? 'text');
      assert.equal(row.reserved_paise, PRICE[row.category]);
      assert.equal(row.billing_state, 'reserved');
      // Meta gets the platform's message id as callback data; the caller's own value stays in the log.
      assert.equal(messageIdFromCallbackData(row.content.biz_opaque_callback_data), row.id);
      assert.equal(row.biz_opaque_callback_data, (body.biz_opaque_callback_data as string | undefined) ?? null);
      expectedReserve += row.reserved_paise;
    }
    const after = await s.messages(c.tenantId);
    const sent = after.length - before.length;
    assert.equal(sent, names.filter((n) => example<Json>(n).status !== 'read').length);
    const categories = new Set(after.map((m) => m.category));
    assert.deepEqual([...categories].sort(), ['authentication', 'service', 'utility']);
    assert.equal(after.reduce((sum, m) => sum + m.reserved_paise, 0) - before.reduce((sum, m) => sum + m.reserved_paise, 0), expectedReserve);
  });

  test('POST /v1/messages sends every example in the platform’s format', async () => {
    const before = await s.reserved(c.tenantId);
    let reserved = 0;
    for (const name of names) {
      const { messaging_product: _, ...message } = example<Json>(name);
      const res = await s.v1(key, { from: c.number.id, ...message });
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      const r = res.json() as Json;
      if (message.status === 'read') {
        assert.deepEqual(r, { status: 'read', messageId: message.message_id, success: true });
        continue;
      }
      assert.equal(r.status, 'accepted');
      assert.match(String(r.wamid), /^wamid\./);
      assert.deepEqual(r.from, { numberId: c.number.id, phoneNumberId: c.sim.phone_number_id });
      assert.equal(r.to, message.to);
      assert.equal(r.waId, to);
      assert.equal(r.reservedPaise, PRICE[r.category as string]);
      const [row] = await t.db.query<{ wamid: string; source: string; api_key_id: string | null }>('SELECT wamid, source, api_key_id FROM wa_messages WHERE id = $1', [r.id]);
      assert.equal(row!.wamid, r.wamid);
      assert.equal(row!.source, 'api');
      assert.ok(row!.api_key_id);
      reserved += r.reservedPaise as number;
    }
    assert.equal((await s.reserved(c.tenantId)) - before, reserved, 'the wallet paid exactly the reserves');
  });

  test('the phone received what was sent, and the sends are in the activity log', async () => {
    const chat = await s.kit.sim('GET', `/numbers/${c.sim.phone_number_id}/conversations/${to}`);
    const outbound = (chat.json() as { data: { direction: string }[] }).data.filter((m) => m.direction === 'outbound');
    const logged = await s.messages(c.tenantId);
    assert.equal(outbound.length, logged.length);
    const [activity] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE action = 'whatsapp.message_sent' AND subject_user_id = $1 AND actor_type = 'api_key'", [c.tenantId]);
    assert.equal(activity!.n, logged.length);
  });
});
