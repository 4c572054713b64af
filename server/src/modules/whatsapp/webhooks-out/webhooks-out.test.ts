import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { connectNumber } from '../../../test/whatsapp.js';
import { mintApiKey } from '../api-keys/api-key-auth.js';
import { emitCustomerEvent, type CustomerEvent } from './emit.js';
import { DEFAULT_SCHEDULE } from './retry-schedule.js';
import { standardSignature } from './signing.js';
import { startReceiver, type Answer, type Receiver, type Received } from './test-receiver.js';

/**
 * A clock that stands still unless the test moves it. `sync` brings it up to the real time (never
 * back), so rows the database stamped with now() are due, and signatures stay within the reference
 * verifier's 5-minute tolerance.
 */
function testClock() {
  let t = Date.now();
  return {
    now: () => new Date(t),
    set: (d: Date) => void (t = d.getTime()),
    advance: (ms: number) => void (t += ms),
    sync: () => void (t = Math.max(t, Date.now())),
  };
}

interface EndpointJson {
  id: string;
  url: string;
  status: string;
  disabledReason: string | null;
  eventTypes: string[];
  numberIds: string[] | null;
  format: string;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  pendingDeliveries: number;
}

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;

describe('customer webhooks', () => {
  let t: TestPlatform;
  const clock = testClock();
  const receivers: Receiver[] = [];

  before(async () => {
    t = await testPlatform({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, webhooksOut: { clock, random: () => 0.5 } });
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await t.close();
  });

  const dispatcher = () => t.platform.services.webhooksOut.dispatcher;
  const receiver = async (respond?: (r: Received) => Answer) => {
    const r = await startReceiver(respond);
    receivers.push(r);
    return r;
  };
  const emit = async (event: CustomerEvent) => {
    const emitted = await t.db.tx((tx) => emitCustomerEvent(tx, event));
    clock.sync();
    return emitted;
  };

  async function createEndpoint(client: Client, body: Record<string, unknown>) {
    const res = await client.post('/api/whatsapp/webhooks', body);
    assert.equal(res.statusCode, 201, res.body);
    return json<{ endpoint: EndpointJson; secret: string }>(res);
  }

  async function deliveryOf(eventId: string, endpointId: string) {
    const rows = await t.db.query<{ id: string; state: string; attempts: number; next_attempt_at: Date; last_status: number | null; last_error: string | null; origin: string }>(
      'SELECT id, state, attempts, next_attempt_at, last_status, last_error, origin FROM webhook_deliveries WHERE event_id = $1 AND endpoint_id = $2 ORDER BY created_at',
      [eventId, endpointId],
    );
    return rows;
  }

  const message = (tenantId: string, numberId: string | null = null, text = 'hello'): CustomerEvent => ({
    tenantId,
    numberId,
    type: 'message.received',
    data: { from: '919812345678', text: { body: text } },
  });

  let phoneSeq = 0;
  const number = (tenantId: string) => {
    phoneSeq++;
    return connectNumber(t, tenantId, { phoneNumberId: `1099${process.pid}${phoneSeq}`.slice(0, 18), wabaId: `2099${phoneSeq}0000` });
  };

  test('endpoints: create (secret shown), list, change, reveal the secret, delete; bad input and private URLs refused', async () => {
    const rx = await receiver();
    const { client, person } = await signedInClient(t);
    const created = await createEndpoint(client, { url: `${rx.url}/hooks/seva`, eventTypes: ['message.status', 'message.received', 'message.status'], description: 'CRM' });
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(created.endpoint.url, `${rx.url}/hooks/seva`);
    assert.deepEqual(created.endpoint.eventTypes, ['message.received', 'message.status']);
    assert.equal(created.endpoint.numberIds, null);
    assert.equal(created.endpoint.format, 'standard');
    assert.equal(created.endpoint.status, 'enabled');

    const [stored] = await t.db.query<{ secret_enc: string }>('SELECT secret_enc FROM webhook_endpoints WHERE id = $1', [created.endpoint.id]);
    assert.ok(stored!.secret_enc.startsWith('sk1.'), 'encrypted at rest');
    assert.ok(!stored!.secret_enc.includes(created.secret.slice(6, 30)));

    const list = json<{ items: EndpointJson[]; eventTypes: string[] }>(await client.get('/api/whatsapp/webhooks'));
    assert.deepEqual(list.items.map((e) => e.id), [created.endpoint.id]);
    assert.ok(list.eventTypes.includes('template.status') && list.eventTypes.includes('contact.opted_out'));

    const patched = await client.patch(`/api/whatsapp/webhooks/${created.endpoint.id}`, { eventTypes: ['*'], format: 'meta' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(json<{ endpoint: EndpointJson }>(patched).endpoint.eventTypes, ['*']);
    assert.equal(json<{ endpoint: EndpointJson }>(patched).endpoint.format, 'meta');

    const secret = await client.get(`/api/whatsapp/webhooks/${created.endpoint.id}/secret`);
    assert.equal(json<{ secret: string }>(secret).secret, created.secret);
    const actions = await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE object_type = 'webhook_endpoint' AND object_id = $1 ORDER BY id", [created.endpoint.id]);
    assert.deepEqual(
      actions.map((a) => a.action),
      ['webhook_endpoint.created', 'webhook_endpoint.updated', 'webhook_endpoint.secret_viewed'],
    );

    for (const [body, status, code] of [
      [{ url: 'http://10.0.0.5/hook', eventTypes: ['*'] }, 422, 'invalid_webhook_url'],
      [{ url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['*'] }, 422, 'invalid_webhook_url'],
      [{ url: 'http://[::1]:8080/hook', eventTypes: ['*'] }, 422, 'invalid_webhook_url'],
      [{ url: 'http://[::ffff:127.0.0.1]:8080/hook', eventTypes: ['*'] }, 422, 'invalid_webhook_url'],
      [{ url: 'http://user:pw@127.0.0.1:8080/hook', eventTypes: ['*'] }, 422, 'invalid_webhook_url'],
      [{ url: 'ftp://files.example.com/x', eventTypes: ['*'] }, 422, 'invalid_webhook_url'],
      [{ url: `${rx.url}/a`, eventTypes: ['message.bogus'] }, 422, 'unknown_event_type'],
      [{ url: `${rx.url}/a`, eventTypes: ['*'], numberIds: [randomUUID()] }, 422, 'unknown_number'],
      [{ url: `${rx.url}/a`, eventTypes: ['*'], secret: 'mine' }, 400, 'validation_failed'],
    ] as const) {
      const res = await client.post('/api/whatsapp/webhooks', body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(json<{ error: { code: string } }>(res).error.code, code);
    }

    assert.equal((await client.delete(`/api/whatsapp/webhooks/${created.endpoint.id}`)).statusCode, 204);
    assert.equal((await client.get(`/api/whatsapp/webhooks/${created.endpoint.id}`)).statusCode, 404);
    assert.equal(person.id.length, 36);
  });

  test('another customer’s endpoint answers 404 on every route and is not listed', async () => {
    const rx = await receiver();
    const a = await signedInClient(t);
    const b = await signedInClient(t);
    const { endpoint } = await createEndpoint(a.client, { url: `${rx.url}/a`, eventTypes: ['*'] });
    const base = `/api/whatsapp/webhooks/${endpoint.id}`;
    const anyDelivery = randomUUID();
    for (const [method, url, body] of [
      ['GET', base],
      ['PATCH', base, { description: 'mine now' }],
      ['DELETE', base],
      ['POST', `${base}/disable`],
      ['POST', `${base}/enable`],
      ['POST', `${base}/rotate-secret`],
      ['GET', `${base}/secret`],
      ['POST', `${base}/test`],
      ['GET', `${base}/deliveries`],
      ['GET', `${base}/deliveries/${anyDelivery}`],
      ['POST', `${base}/deliveries/${anyDelivery}/replay`],
      ['POST', `${base}/replay`, { since: new Date(Date.now() - 3600_000).toISOString() }],
    ] as const) {
      const res = await b.client.request(method, url, body);
      assert.equal(res.statusCode, 404, `${method} ${url} → ${res.statusCode} ${res.body}`);
    }
    assert.deepEqual(json<{ items: unknown[] }>(await b.client.get('/api/whatsapp/webhooks')).items, []);
    const [row] = await t.db.query<{ description: string; status: string }>('SELECT description, status FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    assert.deepEqual({ ...row }, { description: '', status: 'enabled' });
  });

  test('an event is written in the caller’s transaction, for each matching endpoint only', async () => {
    const rx = await receiver();
    const { client, person } = await signedInClient(t);
    const n1 = await number(person.id);
    const n2 = await number(person.id);
    const all = (await createEndpoint(client, { url: `${rx.url}/all`, eventTypes: ['*'] })).endpoint;
    const statusN1 = (await createEndpoint(client, { url: `${rx.url}/n1`, eventTypes: ['message.status'], numberIds: [n1.id] })).endpoint;
    const meta = (await createEndpoint(client, { url: `${rx.url}/meta`, eventTypes: ['message.received', 'message.status'], format: 'meta' })).endpoint;
    const off = (await createEndpoint(client, { url: `${rx.url}/off`, eventTypes: ['message.received'] })).endpoint;
    assert.equal((await client.post(`/api/whatsapp/webhooks/${off.id}/disable`)).statusCode, 200);

    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events WHERE tenant_id = $1', [person.id]);
    await assert.rejects(
      t.db.tx(async (tx) => {
        await emitCustomerEvent(tx, message(person.id, n1.id));
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    const afterRollback = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events WHERE tenant_id = $1', [person.id]);
    assert.equal(afterRollback[0]!.n, before[0]!.n, 'a rolled-back change leaves no event');

    const targets = async (eventId: string) =>
      (await t.db.query<{ endpoint_id: string }>('SELECT endpoint_id FROM webhook_deliveries WHERE event_id = $1', [eventId])).map((r) => r.endpoint_id).sort();

    const received = await emit({ ...message(person.id, n2.id), meta: { wabaId: n2.wabaId, field: 'messages', value: { messaging_product: 'whatsapp' } } });
    assert.equal(received!.deliveries, 2);
    assert.deepEqual(await targets(received!.eventId), [all.id, meta.id].sort());

    const status = await emit({ tenantId: person.id, numberId: n1.id, type: 'message.status', data: { status: 'read' } });
    assert.deepEqual(await targets(status!.eventId), [all.id, statusN1.id].sort(), 'the Meta endpoint gets nothing without Meta’s shape');

    const statusN2 = await emit({ tenantId: person.id, numberId: n2.id, type: 'message.status', data: { status: 'read' } });
    assert.deepEqual(await targets(statusN2!.eventId), [all.id]);

    const account = await emit({ tenantId: person.id, numberId: null, type: 'account.update', data: { event: 'VERIFIED_ACCOUNT' } });
    assert.deepEqual(await targets(account!.eventId), [all.id]);

    const [stored] = await t.db.query<{ body: string; meta_body: string }>('SELECT body, meta_body FROM webhook_events WHERE id = $1', [received!.eventId]);
    const body = JSON.parse(stored!.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['id', 'type', 'timestamp', 'number_id', 'data']);
    assert.equal(body.id, received!.eventId);
    assert.equal(body.number_id, n2.id);
    assert.deepEqual(JSON.parse(stored!.meta_body), {
      object: 'whatsapp_business_account',
      entry: [{ id: n2.wabaId, changes: [{ value: { messaging_product: 'whatsapp' }, field: 'messages' }] }],
    });

    const nobody = await signedInClient(t);
    assert.equal(await emit(message(nobody.person.id)), null, 'no endpoints: nothing is written');
    await assert.rejects(emit({ ...message(person.id), type: 'message.unknown' as 'message.received' }), /unknown customer event type/);
    await dispatcher().runDue();
    assert.equal(rx.acknowledged().length, 6);
  });

  test('a delivery carries Standard Webhooks headers the reference package verifies, the recorded body byte for byte, and is logged', async () => {
    const rx = await receiver(() => ({ status: 200, body: 'thanks' }));
    const { client, person } = await signedInClient(t);
    const { endpoint, secret } = await createEndpoint(client, { url: `${rx.url}/in`, eventTypes: ['message.received'] });
    const event = await emit(message(person.id, null, 'नमस्ते 🙏'));
    assert.equal(await dispatcher().runDue(), 1);

    assert.equal(rx.received.length, 1);
    const req = rx.received[0]!;
    const [stored] = await t.db.query<{ body: string }>('SELECT body FROM webhook_events WHERE id = $1', [event!.eventId]);
    assert.equal(req.body, stored!.body);
    assert.equal(req.path, '/in');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['webhook-id'], event!.eventId);
    assert.equal(req.headers['webhook-timestamp'], String(Math.floor(clock.now().getTime() / 1000)));
    assert.equal(req.headers['x-hub-signature-256'], undefined);
    const verified = new Webhook(secret).verify(req.body, req.headers as Record<string, string>) as { type: string; data: { text: { body: string } } };
    assert.equal(verified.type, 'message.received');
    assert.equal(verified.data.text.body, 'नमस्ते 🙏');

    const [delivery] = await deliveryOf(event!.eventId, endpoint.id);
    assert.equal(delivery!.state, 'succeeded');
    const log = json<{ items: Record<string, unknown>[]; total: number }>(await client.get(`/api/whatsapp/webhooks/${endpoint.id}/deliveries`));
    assert.equal(log.total, 1);
    const { createdAt, completedAt, ...item } = log.items[0]!;
    assert.deepEqual(item, { id: delivery!.id, eventId: event!.eventId, eventType: 'message.received', origin: 'event', state: 'succeeded', attempts: 1, nextAttemptAt: null, lastStatus: 200, lastError: null });
    assert.ok(Date.parse(String(completedAt)) >= Date.parse(String(createdAt)));
    const detail = json<{ payload: string; attempts: { statusCode: number; responseBody: string; success: boolean; durationMs: number; error: string | null }[] }>(
      await client.get(`/api/whatsapp/webhooks/${endpoint.id}/deliveries/${delivery!.id}`),
    );
    assert.equal(detail.payload, stored!.body);
    assert.equal(detail.attempts.length, 1);
    assert.deepEqual({ ...detail.attempts[0], durationMs: 0, startedAt: undefined }, { attempt: 1, startedAt: undefined, durationMs: 0, statusCode: 200, responseBody: 'thanks', error: null, success: true, nextAttemptAt: null });
    assert.ok(detail.attempts[0]!.durationMs >= 0);
  });

  test('Meta format: Meta’s envelope, signed with X-Hub-Signature-256 over the body with the secret', async () => {
    const rx = await receiver();
    const { client, person } = await signedInClient(t);
    const n = await number(person.id);
    const { secret } = await createEndpoint(client, { url: `${rx.url}/meta`, eventTypes: ['message.status'], format: 'meta' });
    const value = { messaging_product: 'whatsapp', metadata: { phone_number_id: n.phoneNumberId }, statuses: [{ id: 'wamid.X', status: 'delivered' }] };
    await emit({ tenantId: person.id, numberId: n.id, type: 'message.status', data: { status: 'delivered' }, meta: { wabaId: n.wabaId, field: 'messages', value } });
    await dispatcher().runDue();
    const req = rx.received[0]!;
    assert.deepEqual(JSON.parse(req.body), { object: 'whatsapp_business_account', entry: [{ id: n.wabaId, changes: [{ value, field: 'messages' }] }] });
    assert.equal(req.headers['x-hub-signature-256'], 'sha256=' + createHmac('sha256', secret).update(req.body).digest('hex'));
    assert.ok(new Webhook(secret).verify(req.body, req.headers as Record<string, string>));
  });

  test('an event queued before the endpoint switched to Meta’s format, without a Meta shape, fails at once without a request', async () => {
    const rx = await receiver();
    const { client, person } = await signedInClient(t);
    const { endpoint } = await createEndpoint(client, { url: `${rx.url}/switch`, eventTypes: ['*'] });
    const event = await emit({ tenantId: person.id, numberId: null, type: 'account.update', data: { event: 'VERIFIED_ACCOUNT' } });
    assert.equal((await client.patch(`/api/whatsapp/webhooks/${endpoint.id}`, { format: 'meta' })).statusCode, 200);
    await dispatcher().runDue();
    assert.equal(rx.received.length, 0);
    const [d] = await deliveryOf(event!.eventId, endpoint.id);
    assert.equal(d!.state, 'failed');
    assert.match(d!.last_error!, /no Meta-format payload/);
    const [e] = await t.db.query<{ failing_since: Date | null }>('SELECT failing_since FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    assert.equal(e!.failing_since, null);
  });

  test('secret rotation: both secrets sign for 24 hours, then only the new one', async () => {
    const rx = await receiver();
    const { client, person } = await signedInClient(t);
    const { endpoint, secret: oldSecret } = await createEndpoint(client, { url: `${rx.url}/r`, eventTypes: ['*'] });
    const rotated = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/rotate-secret`);
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { secret: newSecret, endpoint: after } = json<{ secret: string; endpoint: EndpointJson }>(rotated);
    assert.notEqual(newSecret, oldSecret);
    assert.ok(after.previousSecretExpiresAt);

    await emit(message(person.id));
    await dispatcher().runDue();
    const first = rx.received[0]!;
    assert.equal(String(first.headers['webhook-signature']).split(' ').length, 2);
    assert.ok(new Webhook(oldSecret).verify(first.body, first.headers as Record<string, string>), 'a receiver not yet updated still verifies');
    assert.ok(new Webhook(newSecret).verify(first.body, first.headers as Record<string, string>));

    clock.advance(DAY + SECOND);
    try {
      await emit(message(person.id));
      await dispatcher().runDue();
      const second = rx.received[1]!;
      const id = String(second.headers['webhook-id']);
      const ts = Number(second.headers['webhook-timestamp']);
      assert.equal(second.headers['webhook-signature'], standardSignature(newSecret, id, ts, second.body));
      assert.equal(json<{ endpoint: EndpointJson }>(await client.get(`/api/whatsapp/webhooks/${endpoint.id}`)).endpoint.previousSecretExpiresAt, null);
    } finally {
      clock.advance(-(DAY + SECOND));
    }
  });

  test('failed attempts follow the schedule (5 s, 5 min, 30 min, 2 h, …) and the delivery gives up after the eleventh', async () => {
    const rx = await receiver(() => ({ status: 500, body: 'down' }));
    const { client, person } = await signedInClient(t);
    const { endpoint } = await createEndpoint(client, { url: `${rx.url}/down`, eventTypes: ['*'] });
    const event = await emit(message(person.id));
    const start = clock.now();
    try {
      await dispatcher().runDue();
      const waits: number[] = [];
      for (let attempt = 1; ; attempt++) {
        const [d] = await deliveryOf(event!.eventId, endpoint.id);
        assert.equal(d!.attempts, attempt);
        if (d!.state === 'failed') break;
        waits.push(d!.next_attempt_at.getTime() - clock.now().getTime());
        // Not yet due a moment before: nothing is sent.
        clock.set(new Date(d!.next_attempt_at.getTime() - 1));
        assert.equal(await dispatcher().runDue(), 0);
        clock.set(d!.next_attempt_at);
        assert.equal(await dispatcher().runDue(), 1);
      }
      assert.deepEqual(waits, DEFAULT_SCHEDULE.map((s) => s * 1000));
      assert.equal(rx.received.length, 11);
      assert.ok(clock.now().getTime() - start.getTime() > 3 * DAY);
      const [d] = await deliveryOf(event!.eventId, endpoint.id);
      assert.equal(d!.last_status, 500);
      const attempts = await t.db.query<{ attempt: number; next_attempt_at: Date | null; success: boolean }>(
        'SELECT attempt, next_attempt_at, success FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id',
        [d!.id],
      );
      assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      assert.equal(attempts.at(-1)!.next_attempt_at, null);
      assert.ok(attempts.every((a) => !a.success));
      // 85 hours of failing is not yet 5 days: still enabled.
      const [e] = await t.db.query<{ status: string }>('SELECT status FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
      assert.equal(e!.status, 'enabled');
    } finally {
      clock.set(start);
    }
  });

  test('Retry-After is honoured; a redirect is a failed attempt and is not followed; only 2xx counts', async () => {
    let calls = 0;
    const target = await receiver();
    const rx = await receiver((): Answer => {
      calls++;
      if (calls === 1) return { status: 429, headers: { 'retry-after': '120' } };
      if (calls === 2) return { status: 302, headers: { location: `${target.url}/elsewhere` } };
      if (calls === 3) return { status: 100 + 99 }; // 199 is not success either
      return { status: 202 };
    });
    const { client, person } = await signedInClient(t);
    const { endpoint } = await createEndpoint(client, { url: `${rx.url}/x`, eventTypes: ['*'] });
    const event = await emit(message(person.id));
    const start = clock.now();
    try {
      await dispatcher().runDue();
      let [d] = await deliveryOf(event!.eventId, endpoint.id);
      assert.equal(d!.next_attempt_at.getTime() - clock.now().getTime(), 120 * SECOND, 'Retry-After: 120 instead of 5 s');
      clock.advance(60 * SECOND);
      assert.equal(await dispatcher().runDue(), 0);
      clock.advance(60 * SECOND);
      assert.equal(await dispatcher().runDue(), 1);
      [d] = await deliveryOf(event!.eventId, endpoint.id);
      assert.equal(d!.state, 'pending');
      assert.equal(d!.last_status, 302);
      assert.match(d!.last_error!, /Redirects are not followed/);
      assert.equal(target.received.length, 0);
      clock.set(d!.next_attempt_at);
      await dispatcher().runDue();
      clock.set((await deliveryOf(event!.eventId, endpoint.id))[0]!.next_attempt_at);
      await dispatcher().runDue();
      [d] = await deliveryOf(event!.eventId, endpoint.id);
      assert.equal(d!.state, 'succeeded');
      assert.equal(d!.attempts, 4);
    } finally {
      clock.set(start);
    }
  });

  test('410 Gone disables the endpoint at once and tells the customer; its events wait and go out when it is enabled again', async () => {
    let gone = true;
    const rx = await receiver(() => (gone ? { status: 410 } : { status: 200 }));
    const { client, person } = await signedInClient(t);
    const { endpoint } = await createEndpoint(client, { url: `${rx.url}/gone`, eventTypes: ['*'] });
    const first = await emit(message(person.id, null, 'first'));
    await dispatcher().runDue();

    const view = json<{ endpoint: EndpointJson }>(await client.get(`/api/whatsapp/webhooks/${endpoint.id}`)).endpoint;
    assert.equal(view.status, 'disabled');
    assert.equal(view.disabledReason, 'gone');
    const [d] = await deliveryOf(first!.eventId, endpoint.id);
    assert.equal(d!.state, 'pending', 'the event is not lost');
    const notes = await t.db.query<{ kind: string; topic: string; link: string; body_en: string }>('SELECT kind, topic, link, body_en FROM notifications WHERE user_id = $1', [person.id]);
    assert.equal(notes.length, 1);
    assert.deepEqual({ ...notes[0], body_en: undefined }, { kind: 'webhooks.endpoint_disabled', topic: 'service_updates', link: `/whatsapp/webhooks/${endpoint.id}`, body_en: undefined });
    assert.match(notes[0]!.body_en, /410 Gone/);
    const audit = await t.db.query<{ actor_type: string }>("SELECT actor_type FROM activity_log WHERE action = 'webhook_endpoint.auto_disabled' AND object_id = $1", [endpoint.id]);
    assert.deepEqual(audit.map((a) => a.actor_type), ['system']);

    // While disabled nothing is sent, new events are kept but not queued, and a test event is refused.
    const second = await emit(message(person.id, null, 'second'));
    assert.equal(second!.deliveries, 0);
    clock.advance(10 * SECOND);
    try {
      assert.equal(await dispatcher().runDue(), 0);
      assert.equal((await client.post(`/api/whatsapp/webhooks/${endpoint.id}/test`)).statusCode, 409);

      gone = false;
      const enabled = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/enable`);
      assert.equal(json<{ endpoint: EndpointJson }>(enabled).endpoint.status, 'enabled');
      assert.equal(await dispatcher().runDue(), 1, 'the waiting delivery goes out at once');
      const replay = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/replay`, { since: new Date(Date.now() - 60_000).toISOString(), onlyUndelivered: true });
      assert.equal(replay.statusCode, 202, replay.body);
      assert.equal(json<{ queued: number }>(replay).queued, 1, 'the event emitted while disabled');
      await dispatcher().runDue();
      const delivered = rx.acknowledged().map((r) => r.headers['webhook-id']);
      assert.deepEqual(delivered.sort(), [first!.eventId, second!.eventId].sort());
    } finally {
      clock.advance(-10 * SECOND);
    }
  });

  test('an endpoint failing every attempt for 5 days is disabled and the customer notified; a success resets the count', async () => {
    let status = 503;
    const rx = await receiver(() => ({ status }));
    const { client, person } = await signedInClient(t);
    const { endpoint } = await createEndpoint(client, { url: `${rx.url}/flaky`, eventTypes: ['*'] });
    const start = clock.now();
    const endpointRow = async () =>
      (await t.db.query<{ status: string; disabled_reason: string | null; failing_since: Date | null }>('SELECT status, disabled_reason, failing_since FROM webhook_endpoints WHERE id = $1', [endpoint.id]))[0]!;
    try {
      // A failure, then a success: the failing run ends.
      await emit(message(person.id));
      await dispatcher().runDue();
      assert.ok((await endpointRow()).failing_since);
      status = 200;
      clock.advance(6 * SECOND);
      await dispatcher().runDue();
      assert.equal((await endpointRow()).failing_since, null);

      status = 503;
      const runStart = clock.now();
      await emit(message(person.id));
      await dispatcher().runDue();
      for (let day = 1; day <= 4; day++) {
        clock.set(new Date(runStart.getTime() + day * DAY));
        await emit(message(person.id));
        await dispatcher().runDue();
        assert.equal((await endpointRow()).status, 'enabled', `day ${day}`);
      }
      clock.set(new Date(runStart.getTime() + 5 * DAY));
      await emit(message(person.id));
      await dispatcher().runDue();
      const row = await endpointRow();
      assert.equal(row.status, 'disabled');
      assert.equal(row.disabled_reason, 'failing');
      const notes = await t.db.query<{ body_en: string; body_hi: string }>("SELECT body_en, body_hi FROM notifications WHERE user_id = $1 AND kind = 'webhooks.endpoint_disabled'", [person.id]);
      assert.equal(notes.length, 1);
      assert.match(notes[0]!.body_en, /failed every delivery for 5 days/);
      assert.match(notes[0]!.body_hi, /5 दिनों/);
    } finally {
      clock.set(start);
    }
  });

  test('replay: one event again with the same webhook-id, all since a time, and a retrying delivery made due now', async () => {
    let fail = false;
    const rx = await receiver(() => ({ status: fail ? 500 : 200 }));
    const { client, person } = await signedInClient(t);
    const { endpoint, secret } = await createEndpoint(client, { url: `${rx.url}/replay`, eventTypes: ['message.received'] });
    const since = new Date(Date.now() - 1000).toISOString();
    const events = [await emit(message(person.id, null, 'a')), await emit(message(person.id, null, 'b')), await emit(message(person.id, null, 'c'))];
    await emit({ tenantId: person.id, numberId: null, type: 'template.status', data: {} });
    await dispatcher().runDue();
    assert.equal(rx.received.length, 3);

    const [original] = await deliveryOf(events[0]!.eventId, endpoint.id);
    const res = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/deliveries/${original!.id}/replay`);
    assert.equal(res.statusCode, 202, res.body);
    const replayId = json<{ deliveryId: string }>(res).deliveryId;
    assert.notEqual(replayId, original!.id);
    await dispatcher().runDue();
    const again = rx.received[3]!;
    assert.equal(again.headers['webhook-id'], events[0]!.eventId, 'receivers can dedupe');
    assert.equal(again.body, rx.received.find((r) => r.headers['webhook-id'] === events[0]!.eventId)!.body);
    assert.ok(new Webhook(secret).verify(again.body, again.headers as Record<string, string>));
    assert.deepEqual((await deliveryOf(events[0]!.eventId, endpoint.id)).map((d) => d.origin), ['event', 'replay']);

    const all = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/replay`, { since });
    assert.equal(json<{ queued: number }>(all).queued, 3, 'the three messages; the template event is not subscribed');
    const undelivered = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/replay`, { since, onlyUndelivered: true });
    assert.equal(json<{ queued: number }>(undelivered).queued, 0);
    const again2 = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/replay`, { since });
    assert.equal(json<{ queued: number }>(again2).queued, 0, 'events already waiting are not doubled');
    await dispatcher().runDue();
    assert.equal(rx.received.length, 7);

    const bad = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/replay`, { since: new Date(Date.now() + 3600_000).toISOString() });
    assert.equal(bad.statusCode, 422);

    // A delivery waiting for its next retry: replay tries it now instead of adding another.
    fail = true;
    const late = await emit(message(person.id, null, 'd'));
    await dispatcher().runDue();
    const [waiting] = await deliveryOf(late!.eventId, endpoint.id);
    assert.equal(waiting!.state, 'pending');
    fail = false;
    const retry = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/deliveries/${waiting!.id}/replay`);
    assert.equal(json<{ deliveryId: string }>(retry).deliveryId, waiting!.id);
    assert.equal(await dispatcher().runDue(), 1);
    assert.equal((await deliveryOf(late!.eventId, endpoint.id))[0]!.state, 'succeeded');
  });

  test('send test event: a ping to this endpoint only, logged with the truncated answer', async () => {
    const rx = await receiver(() => ({ status: 200, body: 'é'.repeat(3000) }));
    const other = await receiver();
    const { client } = await signedInClient(t);
    const { endpoint, secret } = await createEndpoint(client, { url: `${rx.url}/ping`, eventTypes: ['message.status'] });
    await createEndpoint(client, { url: `${other.url}/other`, eventTypes: ['*'] });
    const res = await client.post(`/api/whatsapp/webhooks/${endpoint.id}/test`);
    assert.equal(res.statusCode, 202, res.body);
    const { deliveryId, eventId } = json<{ deliveryId: string; eventId: string }>(res);
    await dispatcher().runDue();
    assert.equal(other.received.length, 0);
    const ping = new Webhook(secret).verify(rx.received[0]!.body, rx.received[0]!.headers as Record<string, string>) as { id: string; type: string; data: { endpoint_id: string } };
    assert.deepEqual([ping.id, ping.type, ping.data.endpoint_id], [eventId, 'ping', endpoint.id]);
    const detail = json<{ delivery: { origin: string; state: string }; attempts: { responseBody: string }[] }>(await client.get(`/api/whatsapp/webhooks/${endpoint.id}/deliveries/${deliveryId}`));
    assert.deepEqual([detail.delivery.origin, detail.delivery.state], ['test', 'succeeded']);
    const logged = detail.attempts[0]!.responseBody;
    assert.ok(Buffer.byteLength(logged) <= 1024 && Buffer.byteLength(logged) > 1000, `${Buffer.byteLength(logged)} bytes`);
    assert.ok(/^é+$/.test(logged), 'cut on a character boundary');
  });

  test('/v1/webhook-endpoints: API keys with webhooks scopes, limited to their numbers, recorded as the key', async () => {
    const rx = await receiver();
    const { person } = await signedInClient(t);
    const other = await signedInClient(t);
    const n1 = await number(person.id);
    const n2 = await number(person.id);
    const key = async (tenantId: string, scopes: string[], numberIds: string[] | null = null) => {
      const k = mintApiKey();
      await t.db.query('INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes, number_ids) VALUES ($1, $2, $3, $4, $5, $6)', [tenantId, 'test', k.prefix, k.secretHash, scopes, numberIds]);
      return { authorization: `Bearer ${k.plaintext}` };
    };
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
      t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

    const writer = await key(person.id, ['webhooks:write']);
    const created = await call('POST', '/v1/webhook-endpoints', writer, { url: `${rx.url}/v1`, eventTypes: ['message.received'] });
    assert.equal(created.statusCode, 201, created.body);
    const { endpoint, secret } = json<{ endpoint: EndpointJson; secret: string }>(created);
    assert.match(secret, /^whsec_/);
    assert.equal(json<{ items: EndpointJson[] }>(await call('GET', '/v1/webhook-endpoints', writer)).items.length, 1);

    const reader = await key(person.id, ['webhooks:read']);
    assert.equal((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`, reader)).statusCode, 200);
    const readOnly = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, reader);
    assert.equal(readOnly.statusCode, 403);
    assert.equal(json<{ error: { code: string } }>(readOnly).error.code, 'insufficient_scope');
    assert.equal((await call('GET', `/v1/webhook-endpoints/${endpoint.id}/secret`, reader)).statusCode, 403);
    assert.equal((await call('GET', '/v1/webhook-endpoints', await key(person.id, ['messages:send']))).statusCode, 403);
    const anonymous = await call('GET', '/v1/webhook-endpoints', {});
    assert.equal(anonymous.statusCode, 401);
    assert.equal(json<{ error: { code: string } }>(anonymous).error.code, 'invalid_api_key');
    assert.equal((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`, await key(other.person.id, ['webhooks:write']))).statusCode, 404);

    const limited = await key(person.id, ['webhooks:write'], [n1.id]);
    assert.equal(json<{ items: unknown[] }>(await call('GET', '/v1/webhook-endpoints', limited)).items.length, 0, 'an all-numbers endpoint is beyond this key');
    assert.equal((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`, limited)).statusCode, 404);
    const wide = await call('POST', '/v1/webhook-endpoints', limited, { url: `${rx.url}/v1b`, eventTypes: ['*'] });
    assert.equal(wide.statusCode, 403);
    assert.equal(json<{ error: { code: string } }>(wide).error.code, 'number_not_allowed');
    assert.equal((await call('POST', '/v1/webhook-endpoints', limited, { url: `${rx.url}/v1b`, eventTypes: ['*'], numberIds: [n2.id] })).statusCode, 403);
    const own = await call('POST', '/v1/webhook-endpoints', limited, { url: `${rx.url}/v1b`, eventTypes: ['*'], numberIds: [n1.id] });
    assert.equal(own.statusCode, 201, own.body);

    const test2 = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, writer);
    assert.equal(test2.statusCode, 202);
    await dispatcher().runDue();
    assert.ok(new Webhook(secret).verify(rx.received[0]!.body, rx.received[0]!.headers as Record<string, string>));
    const [audit] = await t.db.query<{ actor_type: string }>("SELECT actor_type FROM activity_log WHERE action = 'webhook_endpoint.created' AND object_id = $1", [endpoint.id]);
    assert.equal(audit!.actor_type, 'api_key');
    assert.equal((await call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`, writer)).statusCode, 204);
  });

  test('deleting an endpoint removes its deliveries and attempts; old events are purged after the retention period', async () => {
    const rx = await receiver();
    const { client, person } = await signedInClient(t);
    const { endpoint } = await createEndpoint(client, { url: `${rx.url}/del`, eventTypes: ['*'] });
    const event = await emit(message(person.id));
    await dispatcher().runDue();
    assert.equal((await client.delete(`/api/whatsapp/webhooks/${endpoint.id}`)).statusCode, 204);
    assert.equal((await deliveryOf(event!.eventId, endpoint.id)).length, 0);

    const start = clock.now();
    try {
      clock.advance((t.config.webhookRetentionDays + 1) * DAY);
      assert.ok((await t.platform.services.webhooksOut.endpoints.purge()) >= 1);
      assert.equal((await t.db.query('SELECT 1 FROM webhook_events WHERE id = $1', [event!.eventId])).length, 0);
    } finally {
      clock.set(start);
    }
  });
});
