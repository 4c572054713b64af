import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { example, exampleBytes, exampleNames } from '../../../test/meta.js';
import {
  connectNumber,
  inboundWebhook,
  outboundMessage,
  platformSecret,
  postWebhook,
  processWebhooks,
  statusWebhook,
  type ConnectedNumber,
} from '../../../test/whatsapp.js';
import { signWebhook, signatureSha1, signatureSha256 } from '../webhook-signature.js';
import { WEBHOOK_EVENT_JOB } from './webhook-processor.js';

type Json = Record<string, unknown>;

// The ids Meta's examples use.
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const USER = '16505551234';

async function counts(t: TestPlatform) {
  const [row] = await t.db.query<{ events: number; messages: number; statuses: number; contacts: number; jobs: number }>(
    `SELECT (SELECT count(*)::int FROM wa_webhook_events) AS events, (SELECT count(*)::int FROM wa_messages) AS messages,
            (SELECT count(*)::int FROM wa_status_events) AS statuses, (SELECT count(*)::int FROM wa_contacts) AS contacts,
            (SELECT count(*)::int FROM pgboss.job WHERE name = $1) AS jobs`,
    [WEBHOOK_EVENT_JOB],
  );
  return row!;
}

describe('POST /webhooks/whatsapp: Meta’s examples, signatures, batches', () => {
  let t: TestPlatform;
  let number: ConnectedNumber;

  before(async () => {
    t = await testPlatform();
    const tenant = await registerUser(t.app, 'tenant');
    number = await connectNumber(t, tenant.id, { phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID });
  });
  after(() => t.close());

  test('every webhook example is accepted with a valid signature, stored byte for byte and processed', async () => {
    // The statuses in the examples are about messages this number sent.
    const sentWamid = (example<Json>('webhook-status-sent.json') as { entry: { changes: { value: { statuses: { id: string }[] } }[] }[] }).entry[0]!.changes[0]!.value.statuses[0]!.id;
    const failedWamid = (example<Json>('webhook-status-failed.json') as { entry: { changes: { value: { statuses: { id: string }[] } }[] }[] }).entry[0]!.changes[0]!.value.statuses[0]!.id;
    const delivered = await outboundMessage(t, number, { waId: USER, wamid: sentWamid });
    const failed = await outboundMessage(t, number, { waId: USER, wamid: failedWamid });

    const names = exampleNames('webhook-').filter((f) => f !== 'webhook-verify-get-request.json');
    assert.ok(names.length >= 19, `found ${names.length} webhook examples`);
    for (const name of names) {
      const raw = exampleBytes(name);
      const res = await postWebhook(t, raw);
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      const { id } = res.json() as { id: string };
      const [stored] = await t.db.query<{ raw_body: string; verified_by: string; state: string }>('SELECT raw_body, verified_by, state FROM wa_webhook_events WHERE id = $1', [id]);
      assert.equal(stored!.raw_body, raw.toString('utf8'), `${name} kept byte for byte`);
      assert.equal(stored!.verified_by, 'platform');
      assert.equal(stored!.state, 'pending', 'processed later, by the job');
    }
    await processWebhooks(t);
    const states = await t.db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM wa_webhook_events GROUP BY state');
    assert.deepEqual(states.map((s) => [s.state, s.n]), [['processed', names.length]]);

    // Inbound: one row per example message, each of its type, with the person's profile name.
    const inbound = await t.db.query<{ wamid: string; type: string; wa_id: string; error_code: number | null; media_ref: string | null; context_wamid: string | null; webhook_event_id: string | null }>(
      "SELECT wamid, type, wa_id, error_code, media_ref, context_wamid, webhook_event_id FROM wa_messages WHERE direction = 'inbound' ORDER BY type",
    );
    for (const name of names.filter((n) => n.startsWith('webhook-inbound-'))) {
      const msg = (example<Json>(name) as { entry: { changes: { value: { messages: Json[] } }[] }[] }).entry[0]!.changes[0]!.value.messages[0]!;
      const row = inbound.find((r) => r.wamid === msg.id);
      assert.ok(row, `${name}: message stored`);
      assert.equal(row.type, msg.type);
      assert.equal(row.wa_id, USER);
      assert.ok(row.webhook_event_id, 'the webhook that brought it is linked');
    }
    assert.equal(inbound.find((r) => r.type === 'unsupported')!.error_code, 131051);
    assert.equal(inbound.find((r) => r.type === 'image')!.media_ref, '1003383421387256');
    assert.equal(inbound.find((r) => r.type === 'reaction')!.context_wamid, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA');

    const [contact] = await t.db.query<{ profile_name: string; opted_out_at: Date | null }>('SELECT profile_name, opted_out_at FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [number.tenantId, USER]);
    assert.equal(contact!.profile_name, 'Sheena Nelson');
    // The template quick-reply example is an "Unsubscribe" button: the person opted out.
    assert.ok(contact!.opted_out_at, 'the Unsubscribe button opted the person out');
    const [consent] = await t.db.query<{ action: string; source: string; message_id: string }>('SELECT action, source, message_id FROM wa_consent_events');
    assert.equal(consent!.action, 'opt_out');
    assert.equal(consent!.source, 'keyword');
    const [window] = await t.db.query<{ last_inbound_at: Date }>('SELECT last_inbound_at FROM wa_service_windows WHERE number_id = $1 AND wa_id = $2', [number.id, USER]);
    // The window opens at the newest message the person wrote.
    const written = names
      .filter((n) => n.startsWith('webhook-inbound-'))
      .map((n) => (example<Json>(n) as { entry: { changes: { value: { messages: Json[] } }[] }[] }).entry[0]!.changes[0]!.value.messages[0]!);
    const newest = Math.max(...written.filter((m) => m.type !== 'system').map((m) => Number(m.timestamp)));
    assert.equal(window!.last_inbound_at.toISOString(), new Date(newest * 1000).toISOString());

    // Statuses: sent, delivered and read of one message; failed of another.
    const d = (await t.db.query<Json>('SELECT * FROM wa_messages WHERE id = $1', [delivered]))[0]!;
    assert.equal(d.status, 'read');
    assert.equal((d.sent_at as Date).toISOString(), new Date(1750030073 * 1000).toISOString());
    assert.equal((d.delivered_at as Date).toISOString(), new Date(1750030080 * 1000).toISOString());
    assert.equal((d.read_at as Date).toISOString(), new Date(1750030200 * 1000).toISOString());
    assert.equal(d.pricing_type, 'regular');
    assert.equal(d.pricing_category, 'marketing');
    const f = (await t.db.query<Json>('SELECT * FROM wa_messages WHERE id = $1', [failed]))[0]!;
    assert.equal(f.status, 'failed');
    assert.equal(f.error_code, 131049);
    assert.equal(f.error_title, 'This message was not delivered to maintain healthy ecosystem engagement.');
    assert.match(String(f.error_details), /healthy ecosystem engagement/);
    assert.equal((await t.db.query('SELECT 1 FROM wa_status_events WHERE applied_at IS NULL')).length, 0);

    // Template status updates: stored as events, findable by field and business account.
    const templates = await t.db.query<{ outcome: { result: string; note?: string; tenantId?: string }[]; waba_ids: string[] }>(
      "SELECT outcome, waba_ids FROM wa_webhook_events WHERE fields @> ARRAY['message_template_status_update'] ORDER BY received_at",
    );
    assert.equal(templates.length, 2);
    assert.deepEqual(templates.map((e) => e.outcome[0]!.note).sort(), ['APPROVED order_confirmation en-US', 'REJECTED abandoned_cart en']);
    for (const e of templates) {
      assert.deepEqual(e.waba_ids, [WABA_ID]);
      assert.equal(e.outcome[0]!.result, 'stored');
      assert.equal(e.outcome[0]!.tenantId, number.tenantId);
    }
  });

  test('the same POST twice (Meta retries) stores one message and moves nothing twice', async () => {
    const body = inboundWebhook(PHONE_NUMBER_ID, WABA_ID, '919876500001', [{ type: 'text', text: { body: 'Namaste' } }]);
    const before = await counts(t);
    assert.equal((await postWebhook(t, body)).statusCode, 200);
    assert.equal((await postWebhook(t, body)).statusCode, 200);
    await processWebhooks(t);
    const after = await counts(t);
    assert.equal(after.events - before.events, 2, 'both deliveries are kept');
    assert.equal(after.messages - before.messages, 1, 'one message');
    assert.equal(after.contacts - before.contacts, 1);
    const outcomes = await t.db.query<{ outcome: { counts: Json }[] }>('SELECT outcome FROM wa_webhook_events ORDER BY received_at DESC LIMIT 2');
    assert.deepEqual(outcomes.map((o) => o.outcome[0]!.counts).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [{ messages_duplicate: 1 }, { messages_stored: 1 }]);
  });

  test('a batch of many entries and changes: each routed, an unknown number unroutable, unknown fields and types stored', async () => {
    const other = await registerUser(t.app, 'tenant2');
    const second = await connectNumber(t, other.id, { phoneNumberId: '222222222222222', wabaId: '333333333333333', displayPhoneNumber: '15550000002' });
    const sent = await outboundMessage(t, second, { waId: '919876500002', wamid: 'wamid.batch.1' });
    const a = inboundWebhook(PHONE_NUMBER_ID, WABA_ID, '919876500003', [
      { type: 'text', text: { body: 'one' } },
      { type: 'text', text: { body: 'two' } },
      { type: 'hologram', hologram: { depth: 3 }, brand_new_field: true },
    ]) as { entry: Json[] };
    const b = statusWebhook(second.phoneNumberId, second.wabaId, [
      { id: 'wamid.batch.1', status: 'sent', timestamp: '1750030073', recipient_id: '919876500002' },
      { id: 'wamid.batch.1', status: 'delivered', timestamp: '1750030074', recipient_id: '919876500002', future: { x: 1 } },
    ]) as { entry: { changes: Json[] }[] };
    // A second change in the same entry: a field the platform does not act on.
    b.entry[0]!.changes.push({ field: 'account_update', value: { phone_number: '15550000002', event: 'VERIFIED_ACCOUNT' } });
    const unknown = statusWebhook('999999999999999', '888888888888888', [{ id: 'wamid.nobody', status: 'sent', timestamp: '1750030073', recipient_id: '1' }]) as { entry: Json[] };
    const body = { object: 'whatsapp_business_account', entry: [...a.entry, ...b.entry, ...unknown.entry], extra_top_level: 'ignored' };

    const res = await postWebhook(t, body);
    assert.equal(res.statusCode, 200, res.body);
    const { id } = res.json() as { id: string };
    await processWebhooks(t);
    const [event] = await t.db.query<{ state: string; fields: string[]; waba_ids: string[]; outcome: { path: string; result: string; tenantId?: string; counts?: Json }[] }>(
      'SELECT state, fields, waba_ids, outcome FROM wa_webhook_events WHERE id = $1',
      [id],
    );
    assert.equal(event!.state, 'processed');
    assert.deepEqual([...event!.fields].sort(), ['account_update', 'messages']);
    assert.deepEqual([...event!.waba_ids].sort(), [WABA_ID, '333333333333333', '888888888888888'].sort());
    assert.deepEqual(
      event!.outcome.map((o) => [o.path, o.result, o.tenantId ?? null]),
      [
        ['0.0', 'routed', number.tenantId],
        ['1.0', 'routed', other.id],
        ['1.1', 'stored', other.id],
        ['2.0', 'unroutable', null],
      ],
    );
    assert.deepEqual(event!.outcome[0]!.counts, { messages_stored: 3 });
    const types = await t.db.query<{ type: string; content: Json }>("SELECT type, content FROM wa_messages WHERE wa_id = '919876500003' ORDER BY created_at, type");
    assert.deepEqual(types.map((r) => r.type).sort(), ['hologram', 'text', 'text']);
    assert.equal(types.find((r) => r.type === 'hologram')!.content.brand_new_field, true, 'unknown fields are kept');
    const s = (await t.db.query<{ status: string; tenant_id: string }>('SELECT status, tenant_id FROM wa_messages WHERE id = $1', [sent]))[0]!;
    // A system notice (the person changed number) is WhatsApp speaking: it opens no window.
    await postWebhook(t, inboundWebhook(PHONE_NUMBER_ID, WABA_ID, '919876500011', [{ type: 'system', system: { body: 'changed', wa_id: '919876500012', type: 'user_changed_number' } }]));
    await processWebhooks(t);
    assert.equal((await t.db.query("SELECT 1 FROM wa_messages WHERE wa_id = '919876500011' AND type = 'system'")).length, 1);
    assert.equal((await t.db.query("SELECT 1 FROM wa_service_windows WHERE wa_id = '919876500011'")).length, 0);
    assert.equal(s.status, 'delivered');
    const waiting = await t.db.query<{ wamid: string; applied_at: Date | null }>("SELECT wamid, applied_at FROM wa_status_events WHERE wamid = 'wamid.nobody'");
    assert.equal(waiting.length, 0, 'nothing is recorded for a number no tenant connected');
  });

  test('forged, missing, SHA-1-only, malformed and oversize webhooks are refused with nothing stored or queued', async () => {
    const raw = exampleBytes('webhook-inbound-text.json');
    const before = await counts(t);
    const cases: [string, Record<string, string>, number][] = [
      ['wrong secret', signWebhook('not-the-secret', raw), 401],
      ['no signature', {}, 401],
      ['SHA-1 only (stale format)', { 'x-hub-signature': signatureSha1(platformSecret(t), raw) }, 401],
      ['SHA-1 value in the SHA-256 header', { 'x-hub-signature-256': signatureSha1(platformSecret(t), raw) }, 401],
      ['no sha256= prefix', { 'x-hub-signature-256': signatureSha256(platformSecret(t), raw).slice(7) }, 401],
      ['signature of other bytes', { 'x-hub-signature-256': signatureSha256(platformSecret(t), Buffer.concat([raw, Buffer.from(' ')])) }, 401],
    ];
    for (const [what, headers, status] of cases) {
      const res = await postWebhook(t, raw, { headers });
      assert.equal(res.statusCode, status, `${what}: ${res.body}`);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'invalid_signature', what);
    }
    // A re-serialised body no longer matches the signature of the original bytes.
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    assert.equal((await postWebhook(t, reserialised, { headers: signWebhook(platformSecret(t), raw) })).statusCode, 401);

    // Larger than Meta's 3 MB: refused before the signature is even looked at.
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    const oversize = await postWebhook(t, big);
    assert.equal(oversize.statusCode, 413, oversize.body);
    assert.deepEqual(await counts(t), before, 'no event, message, status, contact or job');
    assert.equal(await processWebhooks(t), 0);
  });

  test('a number with its own Meta app: its secret verifies POSTs about it, and only about it', async () => {
    const ownTenant = await registerUser(t.app, 'ownapp');
    const own = await connectNumber(t, ownTenant.id, { phoneNumberId: '444444444444444', wabaId: '555555555555555', appSecret: 'tenant-own-app-secret' });
    const otherSent = await outboundMessage(t, number, { waId: '919876500009', wamid: 'wamid.victim.1' });
    const mine = inboundWebhook(own.phoneNumberId, own.wabaId, '919876500004', [{ type: 'text', text: { body: 'Hi own app' } }]) as { entry: Json[] };
    const theirs = statusWebhook(PHONE_NUMBER_ID, WABA_ID, [{ id: 'wamid.victim.1', status: 'read', timestamp: '1750030073', recipient_id: '919876500009' }]) as { entry: Json[] };
    const res = await postWebhook(t, { object: 'whatsapp_business_account', entry: [...mine.entry, ...theirs.entry] }, { secret: 'tenant-own-app-secret' });
    assert.equal(res.statusCode, 200, res.body);
    const { id } = res.json() as { id: string };
    await processWebhooks(t);
    const [event] = await t.db.query<{ verified_by: string; verified_phone_number_ids: string[]; outcome: { result: string }[] }>(
      'SELECT verified_by, verified_phone_number_ids, outcome FROM wa_webhook_events WHERE id = $1',
      [id],
    );
    assert.equal(event!.verified_by, 'number');
    assert.deepEqual(event!.verified_phone_number_ids, [own.phoneNumberId]);
    assert.deepEqual(event!.outcome.map((o) => o.result), ['routed', 'refused']);
    assert.equal((await t.db.query("SELECT 1 FROM wa_messages WHERE wa_id = '919876500004'")).length, 1);
    const victim = (await t.db.query<{ status: string }>('SELECT status FROM wa_messages WHERE id = $1', [otherSent]))[0]!;
    assert.equal(victim.status, 'accepted', 'another tenant’s message is untouched');
    assert.equal((await t.db.query("SELECT 1 FROM wa_status_events WHERE wamid = 'wamid.victim.1'")).length, 0);

    // Its secret names no other number: a POST only about someone else's number is refused outright.
    const before = await counts(t);
    assert.equal((await postWebhook(t, theirs, { secret: 'tenant-own-app-secret' })).statusCode, 401);
    assert.deepEqual(await counts(t), before);
  });

  test('a status report about another number’s message is refused even when the platform signed it', async () => {
    const other = await registerUser(t.app, 'tenant3');
    const third = await connectNumber(t, other.id, { phoneNumberId: '666666666666666', wabaId: '777777777777777' });
    const msg = await outboundMessage(t, number, { waId: '919876500010', wamid: 'wamid.cross.1' });
    await postWebhook(t, statusWebhook(third.phoneNumberId, third.wabaId, [{ id: 'wamid.cross.1', status: 'failed', timestamp: '1750030073', recipient_id: '919876500010' }]));
    await processWebhooks(t);
    assert.equal((await t.db.query<{ status: string }>('SELECT status FROM wa_messages WHERE id = $1', [msg]))[0]!.status, 'accepted');
  });
});

describe('GET /webhooks/whatsapp and the published signature vector (a real Meta app configured)', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform({ env: { META_APP_ID: '1234567890', META_APP_SECRET: 'test_app_secret', META_VERIFY_TOKEN: 'my-verify-token' } });
    const tenant = await registerUser(t.app, 'tenant');
    await connectNumber(t, tenant.id, { phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID, verifyToken: 'numbers-own-token' });
  });
  after(() => t.close());

  test('the verification handshake answers the challenge as plain text for the right token, 403 otherwise', async () => {
    const get = example<{ query: Record<string, string>; expected_response: { status: number; content_type: string; body: string } }>('webhook-verify-get-request.json');
    const url = (q: Record<string, string>) => `/webhooks/whatsapp?${new URLSearchParams(q).toString()}`;
    const ok = await t.app.inject({ method: 'GET', url: url(get.query) });
    assert.equal(ok.statusCode, get.expected_response.status);
    assert.match(String(ok.headers['content-type']), /^text\/plain/);
    assert.equal(ok.body, get.expected_response.body);
    const own = await t.app.inject({ method: 'GET', url: url({ ...get.query, 'hub.verify_token': 'numbers-own-token' }) });
    assert.equal(own.statusCode, 200);
    assert.equal(own.body, '1158201444');
    const refused: Record<string, string>[] = [
      { ...get.query, 'hub.verify_token': 'wrong' },
      { ...get.query, 'hub.mode': 'unsubscribe' },
      { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-token' },
    ];
    for (const q of refused) {
      const res = await t.app.inject({ method: 'GET', url: url(q) });
      assert.equal(res.statusCode, 403, JSON.stringify(q));
      assert.doesNotMatch(res.body, /1158201444/);
    }
  });

  test('Meta’s published vector: the exact example bytes with the published signature are accepted', async () => {
    const raw = exampleBytes('webhook-inbound-text.json');
    const res = await postWebhook(t, raw, { headers: { 'x-hub-signature-256': 'sha256=1c041e1c07f50386213ac582d2e17d24d70f1ed42949a6e5a5607057b805b5fc' } });
    assert.equal(res.statusCode, 200, res.body);
    const delivered = await postWebhook(t, exampleBytes('webhook-status-delivered.json'), { headers: { 'x-hub-signature-256': 'sha256=5b4715807517cfb5c1972707cb57d096b3f36a669e813b9215c09c1e6fa8e8fd' } });
    assert.equal(delivered.statusCode, 200, delivered.body);
    await processWebhooks(t);
    const [m] = await t.db.query<{ type: string; content: { text: { body: string } } }>("SELECT type, content FROM wa_messages WHERE direction = 'inbound'");
    assert.equal(m!.content.text.body, 'Does it come in another color?');
    // The same bytes signed with the simulator's secret are not accepted once a real Meta app is configured.
    assert.equal((await postWebhook(t, raw, { secret: 'some-other-secret' })).statusCode, 401);
  });
});
