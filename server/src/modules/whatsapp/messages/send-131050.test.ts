import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { apiKeyFor, connectSimulatorNumber, fundWallet } from '../../../test/whatsapp.js';
import type { InboundCustomerEvent } from '../inbound/inbound-events.js';

/**
 * Meta (here the simulator, its number set to refuse at send) answers a marketing template with
 * 131050 — the person stopped marketing messages from this business — in its answer to the send
 * rather than in a failed status webhook. The send path records the person's marketing stop exactly
 * as the webhook path does, in the transaction that fails the message and gives its reserve back.
 */

const VIA_V1 = '919812350001';
const VIA_GRAPH = '919812350002';

describe('a synchronous 131050 opts the person out of marketing', () => {
  let t: TestPlatform;
  let owner: { client: Client; person: { id: string } };
  let number: Awaited<ReturnType<typeof connectSimulatorNumber>>;
  let key: string;
  const events: InboundCustomerEvent[] = [];

  before(async () => {
    t = await testPlatform();
    owner = await signedInClient(t, 'customer');
    number = await connectSimulatorNumber(t, owner.person.id, { marketing_stop_refusal: 'sync' });
    await fundWallet(t, owner.person.id, 10_000);
    key = await apiKeyFor(t, owner.person.id, ['messages:send', 'messages:read']);
    // What goes to the customer's webhooks, in the sending transaction.
    t.platform.services.whatsappInbox.events.use({ customerEvent: async (_q, e) => void events.push(e) });

    // A utility template besides the simulator's hello_world (marketing), approved at "Meta".
    const created = await t.app.inject({
      method: 'POST',
      url: `/sandbox/graph/v23.0/${number.wabaId}/message_templates`,
      headers: { authorization: `Bearer ${number.accessToken}` },
      payload: { name: 'order_shipped', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Your order has shipped.' }] },
    });
    assert.equal(created.statusCode, 200, created.body);
    const approved = await t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/templates/${json<{ id: string }>(created).id}`, payload: { status: 'APPROVED' } });
    assert.equal(approved.statusCode, 200, approved.body);

    for (const phone of [VIA_V1, VIA_GRAPH]) {
      const res = await owner.client.post('/api/whatsapp/contacts', { phone: `+${phone}`, optIn: { method: 'website form', evidence: 'Ticked "send me offers and order updates on WhatsApp" on the checkout page.' } });
      assert.equal(res.statusCode, 201, res.body);
      // The person stops marketing from this number at "Meta". Its user_preferences webhook is left
      // undelivered, so only the send's answer can tell the platform.
      const stopped = await t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/numbers/${number.phoneNumberId}/conversations/${phone}`, payload: { marketing: 'stopped' } });
      assert.equal(stopped.statusCode, 200, stopped.body);
    }
  });
  after(() => t.close());

  const v1 = (to: string, template: string): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${key}` }, payload: { from: number.id, to, type: 'template', template: { name: template, language: { code: 'en_US' } } } });
  const graph = (to: string, template: string): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method: 'POST',
      url: `/graph/v23.0/${number.phoneNumberId}/messages`,
      headers: { authorization: `Bearer ${key}` },
      payload: { messaging_product: 'whatsapp', to, type: 'template', template: { name: template, language: { code: 'en_US' } } },
    });

  async function stopOf(waId: string) {
    const [contact] = await t.db.query<{ id: string; marketing_opted_out_at: Date | null; opted_in_at: Date | null; opted_out_at: Date | null }>(
      'SELECT id, marketing_opted_out_at, opted_in_at, opted_out_at FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2',
      [owner.person.id, waId],
    );
    const consent = await t.db.query<{ action: string; source: string; message_id: string | null; actor_type: string; evidence: string }>(
      "SELECT action, source, message_id, actor_type, evidence FROM wa_consent_events WHERE contact_id = $1 AND action LIKE 'marketing%' ORDER BY occurred_at",
      [contact!.id],
    );
    const activity = await t.db.query<{ actor_type: string; details: { source: string; messageId?: string } }>(
      "SELECT actor_type, details FROM activity_log WHERE subject_user_id = $1 AND action = 'whatsapp.contact_marketing_stopped' AND object_id = $2",
      [owner.person.id, contact!.id],
    );
    return { contact: contact!, consent, activity };
  }

  async function failedMessage(waId: string) {
    const rows = await t.db.query<{ id: string; status: string; error_code: number | null; billing_state: string; reserved_paise: number }>(
      "SELECT id, status, error_code, billing_state, reserved_paise FROM wa_messages WHERE tenant_id = $1 AND wa_id = $2 AND status = 'failed'",
      [owner.person.id, waId],
    );
    assert.equal(rows.length, 1);
    return rows[0]!;
  }

  async function refunded(messageId: string): Promise<number> {
    const [row] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transfers WHERE kind = 'refund' AND idempotency_key = $1", [`refund:wa-message:${messageId}`]);
    return row!.n;
  }

  test('POST /v1/messages: Meta refuses with 131050, the message fails and is refunded, and the person is opted out of marketing', async () => {
    const before = (await stopOf(VIA_V1)).contact;
    assert.equal(before.marketing_opted_out_at, null, 'not known before the send');

    const res = await v1(VIA_V1, 'hello_world');
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(json<{ error: { code: string; meta: { code: number } } }>(res).error.code, 'meta_131050');

    const m = await failedMessage(VIA_V1);
    assert.equal(m.error_code, 131050);
    assert.equal(m.billing_state, 'released');
    assert.ok(m.reserved_paise > 0);
    assert.equal(await refunded(m.id), 1, 'the reserve went back once');

    const { contact, consent, activity } = await stopOf(VIA_V1);
    assert.ok(contact.marketing_opted_out_at, 'marketing stopped');
    assert.ok(contact.opted_in_at && !contact.opted_out_at, 'the opt-in itself stands: only marketing stopped');
    assert.deepEqual(
      consent.map((c) => ({ action: c.action, source: c.source, message_id: c.message_id, actor_type: c.actor_type })),
      [{ action: 'marketing_stop', source: 'meta_131050', message_id: m.id, actor_type: 'system' }],
    );
    assert.match(consent[0]!.evidence, /131050/);
    assert.equal(activity.length, 1);
    assert.equal(activity[0]!.actor_type, 'system');
    assert.equal(activity[0]!.details.source, 'meta_131050');
    assert.equal(activity[0]!.details.messageId, m.id);
    const optedOut = events.filter((e) => e.type === 'contact.opted_out' && e.data.wa_id === VIA_V1);
    assert.equal(optedOut.length, 1);
    assert.deepEqual({ scope: optedOut[0]!.data.scope, action: optedOut[0]!.data.action, source: optedOut[0]!.data.source }, { scope: 'marketing', action: 'marketing_stop', source: 'meta_131050' });
  });

  test('then a marketing template is refused before Meta with 422 marketing_opted_out; a utility template still goes', async () => {
    const sentBefore = await t.db.query('SELECT 1 FROM wa_messages WHERE tenant_id = $1 AND wa_id = $2', [owner.person.id, VIA_V1]);

    const refused = await v1(VIA_V1, 'hello_world');
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(json<{ error: { code: string } }>(refused).error.code, 'marketing_opted_out');
    assert.equal((await t.db.query('SELECT 1 FROM wa_messages WHERE tenant_id = $1 AND wa_id = $2', [owner.person.id, VIA_V1])).length, sentBefore.length, 'nothing written or sent');

    const utility = await v1(VIA_V1, 'order_shipped');
    assert.equal(utility.statusCode, 200, utility.body);
    assert.equal(json<{ status: string; category: string }>(utility).status, 'accepted');
    assert.equal(json<{ status: string; category: string }>(utility).category, 'utility');
  });

  test('/graph: Meta’s 131050 envelope as Meta sent it, and the same marketing stop; the next marketing send is Meta’s 131050 from the platform', async () => {
    const res = await graph(VIA_GRAPH, 'hello_world');
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(json<{ error: { code: number } }>(res).error.code, 131050);

    const m = await failedMessage(VIA_GRAPH);
    assert.equal(m.billing_state, 'released');
    assert.equal(await refunded(m.id), 1);
    const { contact, consent } = await stopOf(VIA_GRAPH);
    assert.ok(contact.marketing_opted_out_at);
    assert.deepEqual(
      consent.map((c) => [c.action, c.source, c.message_id]),
      [['marketing_stop', 'meta_131050', m.id]],
    );

    const again = await graph(VIA_GRAPH, 'hello_world');
    assert.equal(again.statusCode, 422, again.body);
    const body = json<{ error: { code: number; error_data: { platform_code: string } } }>(again);
    assert.equal(body.error.code, 131050);
    assert.equal(body.error.error_data.platform_code, 'marketing_opted_out');
    assert.equal((await graph(VIA_GRAPH, 'order_shipped')).statusCode, 200);
  });

  test('a refusal for another reason records no consent change', async () => {
    // A number restricted for spam refuses every send (131048): not the person's choice.
    const other = '919812350003';
    assert.equal((await owner.client.post('/api/whatsapp/contacts', { phone: `+${other}`, optIn: { method: 'website form', evidence: 'Ticked the WhatsApp box at checkout.' } })).statusCode, 201);
    assert.equal((await t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/numbers/${number.phoneNumberId}`, payload: { restriction: 'spam_rate_limited' } })).statusCode, 200);
    try {
      const res = await v1(other, 'hello_world');
      assert.equal(res.statusCode, 424, res.body);
      const { contact, consent } = await stopOf(other);
      assert.equal(contact.marketing_opted_out_at, null);
      assert.equal(consent.length, 0);
    } finally {
      await t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/numbers/${number.phoneNumberId}`, payload: { restriction: null } });
    }
  });
});
