import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { connectNumber, inboundWebhook, postWebhook, processWebhooks, type ConnectedNumber } from '../../../test/whatsapp.js';
import { mintApiKey } from '../api-keys/api-key-auth.js';
import type { InboundCustomerEvent } from '../inbound/inbound-events.js';
import { assertMaySend } from './consent.js';
import { parseConsentDate } from './contacts-import.js';
import { normaliseWaId } from './wa-id.js';

interface ContactJson {
  id: string;
  waId: string;
  displayNumber: string;
  name: string | null;
  profileName: string | null;
  tags: string[];
  consent: { state: string; optedInAt: string | null; optedOutAt: string | null; marketingStoppedAt: string | null };
}
interface DetailJson {
  contact: ContactJson;
  history: { action: string; source: string; evidence: string | null; ip: string | null; documentRef: string | null; messageId: string | null; actorType: string; occurredAt: string }[];
  windows: { numberId: string; open: boolean; openUntil: string }[];
}
const errorCode = (res: LightMyRequestResponse) => json<{ error: { code: string } }>(res).error.code;

test('wa_id normalisation: the ways people write numbers', () => {
  for (const [input, out] of [
    ['+91 98765 43210', '919876543210'],
    ['+91-98765-43210', '919876543210'],
    ['9876543210', '919876543210'],
    ['098765 43210', '919876543210'],
    ['0091 98765 43210', '919876543210'],
    ['(+1) 650-555-1234', '16505551234'],
    ['+44 7700 900123', '447700900123'],
  ] as const) {
    assert.equal(normaliseWaId(input), out, input);
  }
  for (const bad of ['', '12345', 'abc', '+91 98765', '+91 98765 432100', '+0 123456789', '+1234567890123456']) assert.equal(normaliseWaId(bad), null, bad);
});

test('consent dates in imports: ISO, day first, never in the future or impossible', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  assert.equal(parseConsentDate('2026-03-12', now)?.toISOString(), '2026-03-11T18:30:00.000Z');
  assert.equal(parseConsentDate('12/03/2026', now)?.toISOString(), '2026-03-11T18:30:00.000Z');
  assert.equal(parseConsentDate('2026-03-12T10:00:00Z', now)?.toISOString(), '2026-03-12T10:00:00.000Z');
  for (const bad of ['31/02/2026', '2027-01-01', '12.03.2026', 'yesterday', '1999-01-01']) assert.equal(parseConsentDate(bad, now), null, bad);
});

describe('contacts and consent', () => {
  let t: TestPlatform;
  let owner: { client: Client; person: { id: string } };
  let number: ConnectedNumber;
  const events: InboundCustomerEvent[] = [];

  before(async () => {
    t = await testPlatform();
    owner = await signedInClient(t, 'customer');
    number = await connectNumber(t, owner.person.id, { phoneNumberId: '120000000000001', wabaId: '120000000000002' });
    // Listen in on what goes to the customer webhooks.
    t.platform.services.whatsappInbox.events.use({ customerEvent: async (_q, e) => void events.push(e) });
  });
  after(() => t.close());

  async function create(client: Client, body: object): Promise<ContactJson> {
    const res = await client.post('/api/whatsapp/contacts', body);
    assert.equal(res.statusCode, 201, res.body);
    return json<{ contact: ContactJson }>(res).contact;
  }

  test('add, find, change and delete contacts; numbers in any common form', async () => {
    const c = await create(owner.client, { phone: '+91 98765 43210', name: ' Asha Devi ', tags: ['VIP', ' Jaipur ', 'VIP'] });
    assert.equal(c.waId, '919876543210');
    assert.equal(c.displayNumber, '+91 98765 43210');
    assert.equal(c.name, 'Asha Devi');
    assert.deepEqual(c.tags, ['VIP', 'Jaipur']);
    assert.equal(c.consent.state, 'no_opt_in');
    const dup = await owner.client.post('/api/whatsapp/contacts', { phone: '09876543210' });
    assert.equal(dup.statusCode, 409);
    assert.equal(errorCode(dup), 'contact_exists');
    const bad = await owner.client.post('/api/whatsapp/contacts', { phone: '1234567' });
    assert.equal(bad.statusCode, 400);
    assert.equal(errorCode(bad), 'invalid_phone');
    await create(owner.client, { phone: '+91 91234 56789', name: 'Ravi', tags: ['Jaipur'] });

    const byName = json<{ items: ContactJson[] }>(await owner.client.get('/api/whatsapp/contacts?q=asha'));
    assert.deepEqual(byName.items.map((x) => x.id), [c.id]);
    const byDigits = json<{ items: ContactJson[] }>(await owner.client.get('/api/whatsapp/contacts?q=98765'));
    assert.deepEqual(byDigits.items.map((x) => x.id), [c.id]);
    const byTag = json<{ items: ContactJson[] }>(await owner.client.get('/api/whatsapp/contacts?tag=Jaipur'));
    assert.equal(byTag.items.length, 2);
    const paged = json<{ items: ContactJson[]; nextCursor: string }>(await owner.client.get('/api/whatsapp/contacts?limit=1'));
    assert.equal(paged.items.length, 1);
    const rest = json<{ items: ContactJson[]; nextCursor: string | null }>(await owner.client.get(`/api/whatsapp/contacts?limit=1&cursor=${paged.nextCursor}`));
    assert.notEqual(rest.items[0]!.id, paged.items[0]!.id);

    const patched = await owner.client.patch(`/api/whatsapp/contacts/${c.id}`, { name: 'Asha D.', tags: ['VIP'] });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(json<{ contact: ContactJson }>(patched).contact.tags, ['VIP']);
    const [log] = await t.db.query<{ actor_id: string; ip: string; details: { name: { from: string; to: string } } }>(
      "SELECT actor_id, ip, details FROM activity_log WHERE action = 'whatsapp.contact_updated' AND object_id = $1",
      [c.id],
    );
    assert.equal(log!.actor_id, owner.person.id);
    assert.equal(log!.ip, owner.client.ip);
    assert.deepEqual(log!.details.name, { from: 'Asha Devi', to: 'Asha D.' });

    const gone = await create(owner.client, { phone: '+91 90000 00001' });
    assert.equal((await owner.client.delete(`/api/whatsapp/contacts/${gone.id}`)).statusCode, 204);
    assert.equal((await owner.client.get(`/api/whatsapp/contacts/${gone.id}`)).statusCode, 404);
  });

  test('opt-in needs its proof; opt-out wins over an older opt-in; the send rule follows; history and activity kept', async () => {
    const c = await create(owner.client, { phone: '+91 90000 00002', name: 'Meena' });
    const noEvidence = await owner.client.post(`/api/whatsapp/contacts/${c.id}/consent`, { action: 'opt_in', method: 'paper form' });
    assert.equal(noEvidence.statusCode, 400);
    assert.equal(errorCode(noEvidence), 'evidence_required');
    await assert.rejects(assertMaySend(t.db, owner.person.id, c.waId, { template: true, category: 'utility' }), /no recorded opt-in/);

    const optIn = await owner.client.post(`/api/whatsapp/contacts/${c.id}/consent`, {
      action: 'opt_in',
      method: 'Paper form',
      evidence: 'Signed the shop’s WhatsApp updates form: “I agree to receive order updates from Sharma Stores on WhatsApp.”',
      documentRef: 'Form 2026/117',
      ip: '203.0.113.77',
      occurredAt: '2026-11-01T10:00:00+05:30',
    });
    assert.equal(optIn.statusCode, 200, optIn.body);
    assert.equal(json<{ contact: ContactJson }>(optIn).contact.consent.state, 'opted_in');
    await assertMaySend(t.db, owner.person.id, c.waId, { template: true, category: 'marketing' });

    const optOut = await owner.client.post(`/api/whatsapp/contacts/${c.id}/consent`, { action: 'opt_out', method: 'phone call', evidence: 'Called the shop and asked to stop.' });
    assert.equal(json<{ contact: ContactJson }>(optOut).contact.consent.state, 'opted_out');
    await assert.rejects(assertMaySend(t.db, owner.person.id, c.waId, { template: true, category: 'utility' }), (e: { code?: string }) => e.code === 'contact_opted_out');
    const stale = await owner.client.post(`/api/whatsapp/contacts/${c.id}/consent`, { action: 'opt_in', evidence: 'The same old form again', occurredAt: '2026-11-02T10:00:00+05:30' });
    assert.equal(stale.statusCode, 409);
    assert.equal(errorCode(stale), 'opted_out_later');

    const detail = json<DetailJson>(await owner.client.get(`/api/whatsapp/contacts/${c.id}`));
    assert.deepEqual(detail.history.map((h) => [h.action, h.source, h.actorType]), [
      ['opt_out', 'ui:phone_call', 'user'],
      ['opt_in', 'ui:paper_form', 'user'],
    ]);
    assert.equal(detail.history[1]!.documentRef, 'Form 2026/117');
    assert.equal(detail.history[1]!.ip, '203.0.113.77');
    assert.equal(detail.history[1]!.occurredAt, '2026-11-01T04:30:00.000Z');
    const logs = await t.db.query<{ action: string; actor_type: string; ip: string; user_agent: string }>(
      "SELECT action, actor_type, ip, user_agent FROM activity_log WHERE object_id = $1 AND action LIKE 'whatsapp.contact_opted%' ORDER BY id",
      [c.id],
    );
    assert.deepEqual(logs.map((l) => l.action), ['whatsapp.contact_opted_in', 'whatsapp.contact_opted_out']);
    assert.ok(logs.every((l) => l.actor_type === 'user' && l.ip === owner.client.ip && l.user_agent === owner.client.userAgent));
    assert.ok(events.some((e) => e.type === 'contact.opted_out' && e.data.contact_id === c.id && e.data.scope === 'all'));
    // Proof is kept: a contact with consent records cannot be deleted.
    const del = await owner.client.delete(`/api/whatsapp/contacts/${c.id}`);
    assert.equal(del.statusCode, 409);
    assert.equal(errorCode(del), 'consent_history_kept');
  });

  test('another customer cannot see or change these contacts', async () => {
    const c = await create(owner.client, { phone: '+91 90000 00003' });
    const other = await signedInClient(t, 'customer');
    for (const res of [
      await other.client.get(`/api/whatsapp/contacts/${c.id}`),
      await other.client.patch(`/api/whatsapp/contacts/${c.id}`, { name: 'x' }),
      await other.client.delete(`/api/whatsapp/contacts/${c.id}`),
      await other.client.post(`/api/whatsapp/contacts/${c.id}/consent`, { action: 'opt_out' }),
    ]) {
      assert.equal(res.statusCode, 404, res.body);
    }
    assert.equal(json<{ items: unknown[] }>(await other.client.get('/api/whatsapp/contacts')).items.length, 0);
    const [row] = await t.db.query<{ name: string | null; opted_out_at: Date | null }>('SELECT name, opted_out_at FROM wa_contacts WHERE id = $1', [c.id]);
    assert.deepEqual({ ...row }, { name: null, opted_out_at: null });
  });

  test('CSV import: rows created or updated, opt-ins with proof, a report line for each problem', async () => {
    const existing = await create(owner.client, { phone: '+91 90000 00010', name: 'Old Name', tags: ['old'] });
    await owner.client.post(`/api/whatsapp/contacts/${existing.id}/consent`, { action: 'opt_out', evidence: 'Asked to stop' });
    const csv = [
      'Name,Phone,Tags,Opt-in source,Opt-in evidence,Opt-in date,Favourite colour',
      'Kiran,+91 90000 00011,Jaipur;VIP,website,"Ticked ""Send me updates on WhatsApp"" at checkout",2026-11-01,blue',
      'Old,+91 90000 00010,new,website,Ticked the box at checkout,2026-10-01,',
      'Nobody,12345,,,,,',
      'Twice,+91 90000 00011,,,,,',
      'No proof,+91 90000 00012,,website,,,',
      'Future,+91 90000 00013,,website,Signed form,2099-01-01,',
      'Plain,9000000014,,,,,',
    ].join('\r\n');
    const res = await owner.client.post('/api/whatsapp/contacts/import', { csv });
    assert.equal(res.statusCode, 200, res.body);
    const report = json<{ total: number; created: number; updated: number; failed: number; optIns: number; ignoredColumns: string[]; problems: { line: number; status: string; errors: string[]; warnings: string[] }[]; errorReportCsv: string }>(res);
    assert.deepEqual({ total: report.total, created: report.created, updated: report.updated, failed: report.failed, optIns: report.optIns }, { total: 7, created: 2, updated: 1, failed: 4, optIns: 1 });
    assert.deepEqual(report.ignoredColumns, ['Favourite colour']);
    assert.deepEqual(report.problems.map((p) => [p.line, p.status]), [[3, 'updated'], [4, 'error'], [5, 'error'], [6, 'error'], [7, 'error']]);
    assert.match(report.problems[0]!.warnings[0]!, /Opted out on/);
    assert.match(report.problems[1]!.errors[0]!, /not a WhatsApp number/);
    assert.match(report.problems[2]!.errors[0]!, /same number is on line 2/);
    assert.match(report.problems[3]!.errors[0]!, /needs its evidence/);
    assert.match(report.problems[4]!.errors[0]!, /not a date in the past/);
    assert.equal(report.errorReportCsv.split('\r\n')[0], 'line,phone,status,errors,warnings');
    assert.equal(report.errorReportCsv.trim().split('\r\n').length, 6);

    const kiran = json<{ items: ContactJson[] }>(await owner.client.get('/api/whatsapp/contacts?q=Kiran')).items[0]!;
    assert.equal(kiran.consent.state, 'opted_in');
    assert.deepEqual(kiran.tags, ['Jaipur', 'VIP']);
    const history = json<DetailJson>(await owner.client.get(`/api/whatsapp/contacts/${kiran.id}`)).history;
    assert.equal(history[0]!.source, 'import:website');
    assert.equal(history[0]!.evidence, 'Ticked "Send me updates on WhatsApp" at checkout');
    const old = json<DetailJson>(await owner.client.get(`/api/whatsapp/contacts/${existing.id}`)).contact;
    assert.equal(old.consent.state, 'opted_out', 'an import never re-opts-in someone who said stop later');
    assert.equal(old.name, 'Old');
    assert.deepEqual(old.tags, ['new', 'old']);
    const [summary] = await t.db.query<{ details: Record<string, number> }>("SELECT details FROM activity_log WHERE action = 'whatsapp.contacts_imported' AND subject_user_id = $1", [owner.person.id]);
    assert.deepEqual({ ...summary!.details }, { rows: 7, created: 2, updated: 1, failed: 4, optIns: 1 });

    const noPhone = await owner.client.post('/api/whatsapp/contacts/import', { csv: 'name,email\nA,a@b.c' });
    assert.equal(noPhone.statusCode, 400);
    assert.equal(errorCode(noPhone), 'invalid_csv');
  });

  describe('consent from WhatsApp itself', () => {
    const say = async (from: string, messages: Record<string, unknown>[]) => {
      const res = await postWebhook(t, inboundWebhook(number.phoneNumberId, number.wabaId, from, messages));
      assert.equal(res.statusCode, 200, res.body);
      await processWebhooks(t);
    };
    const stateOf = async (waId: string) =>
      (await t.db.query<{ opted_in_at: Date | null; opted_out_at: Date | null; marketing_opted_out_at: Date | null; id: string }>('SELECT * FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [owner.person.id, waId]))[0]!;
    const tsAt = (s: number) => String(Math.floor(Date.now() / 1000) - 1000 + s);

    test('STOP / START and Hindi keywords opt out and back in, with the message as proof', async () => {
      const who = '919800000101';
      await say(who, [{ type: 'text', text: { body: 'Please stop sending me the price list' }, timestamp: tsAt(0) }]);
      assert.equal((await stateOf(who)).opted_out_at, null, 'a sentence mentioning stop is not a keyword');
      await say(who, [{ type: 'text', text: { body: ' stop! ' }, timestamp: tsAt(1) }]);
      let s = await stateOf(who);
      assert.ok(s.opted_out_at);
      await assert.rejects(assertMaySend(t.db, owner.person.id, who, { template: true, category: 'utility' }), (e: { code?: string }) => e.code === 'contact_opted_out');
      await say(who, [{ type: 'text', text: { body: 'START' }, timestamp: tsAt(2) }]);
      s = await stateOf(who);
      assert.ok(s.opted_in_at! > s.opted_out_at!);
      await assertMaySend(t.db, owner.person.id, who, { template: true, category: 'marketing' });
      await say(who, [{ type: 'text', text: { body: 'रोकें' }, timestamp: tsAt(3) }]);
      assert.ok((await stateOf(who)).opted_out_at! > (await stateOf(who)).opted_in_at!);
      await say(who, [{ type: 'text', text: { body: 'शुरू' }, timestamp: tsAt(4) }]);
      assert.ok((await stateOf(who)).opted_in_at! > (await stateOf(who)).opted_out_at!);
      await say(who, [{ type: 'text', text: { body: 'बंद करो।' }, timestamp: tsAt(5) }]);
      s = await stateOf(who);
      assert.ok(s.opted_out_at! > s.opted_in_at!);

      const history = await t.db.query<{ action: string; source: string; message_id: string | null; evidence: string }>(
        'SELECT action, source, message_id, evidence FROM wa_consent_events WHERE contact_id = $1 ORDER BY occurred_at',
        [s.id],
      );
      assert.deepEqual(history.map((h) => h.action), ['opt_out', 'opt_in', 'opt_out', 'opt_in', 'opt_out']);
      assert.ok(history.every((h) => h.source === 'keyword' && h.message_id));
      assert.match(history[2]!.evidence, /रोकें/);
      const [msg] = await t.db.query<{ content: { text: { body: string } } }>('SELECT content FROM wa_messages WHERE id = $1', [history[0]!.message_id]);
      assert.equal(msg!.content.text.body, ' stop! ');
      const logs = await t.db.query<{ actor_type: string }>("SELECT actor_type FROM activity_log WHERE object_id = $1 AND action LIKE 'whatsapp.contact_%'", [s.id]);
      assert.ok(logs.length === 5 && logs.every((l) => l.actor_type === 'system'));
    });

    test('a repeated STOP records nothing new; the "Stop promotions" button stops marketing only', async () => {
      const who = '919800000102';
      const body = inboundWebhook(number.phoneNumberId, number.wabaId, who, [{ type: 'text', text: { body: 'STOP' } }]);
      await postWebhook(t, body);
      await say(who, [{ type: 'text', text: { body: 'Stop' } }]);
      await postWebhook(t, body);
      await processWebhooks(t);
      const s = await stateOf(who);
      assert.equal((await t.db.query('SELECT 1 FROM wa_consent_events WHERE contact_id = $1', [s.id])).length, 1);

      const fan = '919800000103';
      await t.db.query('INSERT INTO wa_contacts (tenant_id, wa_id, opted_in_at) VALUES ($1, $2, now())', [owner.person.id, fan]);
      await say(fan, [{ type: 'button', button: { payload: 'Stop promotions', text: 'Stop promotions' }, context: { from: '15550783881', id: 'wamid.promo' } }]);
      const f = await stateOf(fan);
      assert.ok(f.marketing_opted_out_at);
      assert.equal(f.opted_out_at, null);
      await assertMaySend(t.db, owner.person.id, fan, { template: true, category: 'utility' });
      await assert.rejects(assertMaySend(t.db, owner.person.id, fan, { template: true, category: 'marketing' }), (e: { code?: string }) => e.code === 'marketing_opted_out');
    });

    test('Meta’s user_preferences: marketing stop and resume, an older report ignored', async () => {
      const who = '919800000104';
      const prefs = (value: string, ts: number) => ({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: number.wabaId,
            changes: [
              {
                field: 'user_preferences',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: number.phoneNumberId },
                  contacts: [{ profile: { name: 'Pref Person' }, wa_id: who }],
                  user_preferences: [{ wa_id: who, detail: `User requested to ${value} marketing messages`, category: 'marketing_messages', value, timestamp: ts }],
                },
              },
            ],
          },
        ],
      });
      const now = Math.floor(Date.now() / 1000);
      await postWebhook(t, prefs('stop', now - 100));
      await processWebhooks(t);
      let s = await stateOf(who);
      assert.equal(s.marketing_opted_out_at?.toISOString(), new Date((now - 100) * 1000).toISOString());
      await postWebhook(t, prefs('resume', now - 200));
      await processWebhooks(t);
      assert.ok((await stateOf(who)).marketing_opted_out_at, 'a resume older than the stop changes nothing');
      await postWebhook(t, prefs('resume', now - 50));
      await processWebhooks(t);
      s = await stateOf(who);
      assert.equal(s.marketing_opted_out_at, null);
      const history = await t.db.query<{ action: string; source: string }>('SELECT action, source FROM wa_consent_events WHERE contact_id = $1 ORDER BY occurred_at', [s.id]);
      assert.deepEqual(history.map((h) => [h.action, h.source]), [['marketing_stop', 'meta_user_preferences'], ['marketing_resume', 'meta_user_preferences']]);
      const [contact] = await t.db.query<{ profile_name: string }>('SELECT profile_name FROM wa_contacts WHERE id = $1', [s.id]);
      assert.equal(contact!.profile_name, 'Pref Person');
      assert.ok(events.some((e) => e.type === 'contact.opted_in' && e.data.wa_id === who && e.data.scope === 'marketing'));
    });

    test('inbound messages and statuses go on to the customer webhooks in the platform’s and Meta’s formats', async () => {
      events.length = 0;
      await say('919800000105', [{ type: 'text', text: { body: 'Hello shop' } }]);
      const received = events.find((e) => e.type === 'message.received')!;
      assert.equal(received.tenantId, owner.person.id);
      assert.equal(received.numberId, number.id);
      assert.equal(received.data.from, '919800000105');
      assert.equal((received.data.message as { text: { body: string } }).text.body, 'Hello shop');
      assert.equal(received.meta!.wabaId, number.wabaId);
      assert.deepEqual((received.meta!.value.contacts as unknown[]).length, 1);
      assert.equal((received.meta!.value.messages as unknown[]).length, 1);
    });
  });

  describe('/v1/contacts with API keys', () => {
    async function key(tenantId: string, scopes: string[]): Promise<string> {
      const k = mintApiKey();
      await t.db.query('INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, $2, $3, $4, $5)', [tenantId, 'test key', k.prefix, k.secretHash, scopes]);
      return k.plaintext;
    }
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string | null, body?: object) =>
      t.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });

    test('create with opt-in proof, read by number, opt out, list; scopes enforced; recorded as the key', async () => {
      const writer = await key(owner.person.id, ['contacts:read', 'contacts:write']);
      const reader = await key(owner.person.id, ['contacts:read']);
      const created = await call('POST', '/v1/contacts', writer, {
        phone: '+91 90000 00200',
        name: 'API Person',
        tags: ['crm'],
        opt_in: { method: 'checkout checkbox', evidence: 'Checked “WhatsApp me about my order” on order #5512', ip: '198.51.100.9' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const c = json<{ id: string; wa_id: string; consent: { state: string } }>(created);
      assert.equal(c.consent.state, 'opted_in');
      const byNumber = await call('GET', '/v1/contacts/919000000200', reader);
      assert.equal(byNumber.statusCode, 200, byNumber.body);
      const detail = json<{ id: string; consent_history: { source: string; actor_type: string; ip: string }[] }>(byNumber);
      assert.equal(detail.id, c.id);
      assert.deepEqual(detail.consent_history.map((h) => [h.source, h.actor_type, h.ip]), [['api:checkout_checkbox', 'api_key', '198.51.100.9']]);

      assert.equal((await call('POST', `/v1/contacts/${c.id}/consent`, reader, { action: 'opt_out' })).statusCode, 403, 'read-only key');
      const out = await call('POST', `/v1/contacts/${c.id}/consent`, writer, { action: 'opt_out', method: 'api', evidence: 'Unsubscribed in the app' });
      assert.equal(out.statusCode, 200, out.body);
      assert.equal(json<{ consent: { state: string } }>(out).consent.state, 'opted_out');
      const list = json<{ data: { id: string }[]; next: string | null }>(await call('GET', '/v1/contacts?tag=crm', reader));
      assert.deepEqual(list.data.map((x) => x.id), [c.id]);
      assert.equal((await call('POST', '/v1/contacts', writer, { phone: '+91 90000 00201', surprise: 1 })).statusCode, 400, 'unknown fields are refused');
      assert.equal((await call('GET', '/v1/contacts', null)).statusCode, 401);

      const [log] = await t.db.query<{ actor_type: string; subject_user_id: string }>("SELECT actor_type, subject_user_id FROM activity_log WHERE action = 'whatsapp.contact_opted_out' AND object_id = $1", [c.id]);
      assert.deepEqual({ ...log }, { actor_type: 'api_key', subject_user_id: owner.person.id });

      const stranger = await signedInClient(t, 'customer');
      const theirs = await key(stranger.person.id, ['contacts:read', 'contacts:write']);
      assert.equal((await call('GET', `/v1/contacts/${c.id}`, theirs)).statusCode, 404);
      assert.equal((await call('GET', '/v1/contacts/919000000200', theirs)).statusCode, 404);
      assert.equal((await call('DELETE', `/v1/contacts/${c.id}`, theirs)).statusCode, 404);
    });
  });
});
