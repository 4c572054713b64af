import { createHash } from 'node:crypto';
import { after, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform, type TestPlatform } from '../../test/harness.js';
import { EXAMPLE_TEMPLATES, bodyOf, captureServer, example, sandboxKit, shapeOf, type CapturedRequest, type SimNumber } from '../../test/meta.js';
import { GraphApiError, GraphRequestError } from '../whatsapp/graph/graph-errors.js';
import { mediaUploadBody } from '../whatsapp/graph/graph-client.js';
import { WEBHOOK_JOB } from './meta-sandbox.service.js';

/**
 * The simulator's behaviour beyond the examples: media, phone numbers, template management,
 * tokens, the 24-hour window and pricing, batching and duplicate webhooks, delivery that survives a
 * receiver being down, read receipts and the "be the phone" view.
 */

type Json = Record<string, unknown>;
const valueOf = (r: CapturedRequest) => bodyOf(r).entry[0]!.changes[0]!.value;
const statusesOf = (r: CapturedRequest) => (valueOf(r).statuses as Json[] | undefined) ?? [];
const errorOf = (res: { json(): unknown }) => (res.json() as { error: { code: number; error_subcode?: number; message: string; error_data?: { details: string } } }).error;
const text = (to = '16505551234', body = 'Hello') => ({ messaging_product: 'whatsapp' as const, to, type: 'text' as const, text: { body } });

describe('Cloud API simulator', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let kit: ReturnType<typeof sandboxKit>;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    kit = sandboxKit(t, hook);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  const of = (n: SimNumber, reqs: CapturedRequest[]) => reqs.filter((r) => bodyOf(r).entry[0]!.id === n.waba_id);

  describe('media', () => {
    test('upload, retrieve URL, download with the same bearer, delete — in Meta’s shapes', async () => {
      const n = await kit.newNumber();
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a simulated photo')]);
      const up = await kit.graph.uploadMedia(n.phone_number_id, n.access_token, { data: jpeg, mimeType: 'image/jpeg', filename: 'photo.jpg' });
      assert.deepEqual(shapeOf(up), shapeOf(example('media-upload-response.json')));
      assert.match(up.id, /^[0-9]{15}$/);

      const url = await kit.graph.getMediaUrl(up.id, n.access_token, { phoneNumberId: n.phone_number_id });
      assert.deepEqual(shapeOf(url), shapeOf(example('media-retrieve-url-response.json')));
      assert.equal(url.mime_type, 'image/jpeg');
      assert.equal(url.file_size, String(jpeg.length));
      assert.equal(url.sha256, createHash('sha256').update(jpeg).digest('base64'));
      assert.ok(url.url.startsWith(`${t.config.publicUrl}/sandbox/graph/whatsapp_business/attachments/?mid=${up.id}&ext=`));

      const file = await kit.graph.downloadMedia(url.url, n.access_token);
      assert.deepEqual(file.data, jpeg);
      assert.equal(file.contentType, 'image/jpeg');

      // The URL needs the bearer token of the media's account, and is only good as issued.
      const path = url.url.slice(t.config.publicUrl.length);
      assert.equal((await t.app.inject({ method: 'GET', url: path })).statusCode, 401);
      const other = await kit.newNumber();
      assert.equal((await t.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${other.access_token}` } })).statusCode, 404);
      const forged = path.replace(/hash=[^&]+/, 'hash=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      assert.equal((await t.app.inject({ method: 'GET', url: forged, headers: { authorization: `Bearer ${n.access_token}` } })).statusCode, 404);
      const stale = path.replace(/ext=[0-9]+/, 'ext=1000');
      assert.equal((await t.app.inject({ method: 'GET', url: stale, headers: { authorization: `Bearer ${n.access_token}` } })).statusCode, 404);
      await assert.rejects(kit.graph.getMediaUrl(up.id, other.access_token), (e: unknown) => e instanceof GraphApiError && e.code === 100 && e.subcode === 33);

      // Sent by id, the uploaded image is delivered (an unknown id would fail with 131053).
      await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Send me the photo' } }]);
      assert.equal((await kit.send(n, { messaging_product: 'whatsapp', to: '16505551234', type: 'image', image: { id: up.id } })).statusCode, 200);
      const statuses = of(n, await kit.flush()).flatMap(statusesOf);
      assert.deepEqual(statuses.map((s) => s.status).sort(), ['delivered', 'read', 'sent']);

      const del = await kit.graph.deleteMedia(up.id, n.access_token);
      assert.deepEqual(del, example('media-delete-response.json'));
      await assert.rejects(kit.graph.getMediaUrl(up.id, n.access_token), (e: unknown) => e instanceof GraphApiError && e.code === 100);
    });

    test('Meta’s type and size limits → 131053; a form without messaging_product → 131008', async () => {
      const n = await kit.newNumber();
      const upload = (data: Buffer, mimeType: string) => kit.graph.uploadMedia(n.phone_number_id, n.access_token, { data, mimeType });
      await assert.rejects(upload(Buffer.alloc(5 * 1024 * 1024 + 1, 1), 'image/jpeg'), (e: unknown) => e instanceof GraphApiError && e.code === 131053);
      await assert.rejects(upload(Buffer.from('GIF89a'), 'image/gif'), (e: unknown) => e instanceof GraphApiError && e.code === 131053 && /image\/gif/.test(e.details!));
      const pdf = await upload(Buffer.from('%PDF-1.4 invoice'), 'application/pdf');
      assert.match(pdf.id, /^[0-9]+$/);

      const form = mediaUploadBody({ data: Buffer.from('x'), mimeType: 'text/plain' });
      const withoutProduct = Buffer.from(form.data.toString('latin1').replace(/--[^\r\n]+\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n/, ''), 'latin1');
      const res = await t.app.inject({
        method: 'POST',
        url: `/sandbox/graph/v23.0/${n.phone_number_id}/media`,
        headers: { authorization: `Bearer ${n.access_token}`, 'content-type': form.contentType },
        payload: withoutProduct,
      });
      assert.equal(errorOf(res).code, 131008, res.body);
      const json = await t.app.inject({ method: 'POST', url: `/sandbox/graph/v23.0/${n.phone_number_id}/media`, headers: { authorization: `Bearer ${n.access_token}` }, payload: { messaging_product: 'whatsapp' } });
      assert.equal(errorOf(json).code, 131008);
    });
  });

  test('the phone number: display name, quality rating, messaging limit and throughput level, as Meta documents them', async () => {
    const n = await kit.newNumber({}, { verified_name: 'Seva Test Shop', display_phone_number: '+1 555 010 2030' });
    const info = await kit.graph.getPhoneNumber(n.phone_number_id, n.access_token);
    assert.deepEqual(
      { ...info },
      {
        id: n.phone_number_id,
        display_phone_number: '+1 555-010-2030',
        verified_name: 'Seva Test Shop',
        quality_rating: 'GREEN',
        messaging_limit_tier: 'TIER_250',
        whatsapp_business_manager_messaging_limit: 'TIER_250',
        throughput: { level: 'STANDARD' },
        status: 'CONNECTED',
        name_status: 'APPROVED',
        code_verification_status: 'VERIFIED',
      },
    );
    assert.equal((await kit.sim('PATCH', `/numbers/${n.phone_number_id}`, { quality_rating: 'YELLOW', throughput_level: 'HIGH', messaging_limit_tier: 'TIER_10K', mps: 1000 })).statusCode, 200);
    const after = await kit.graph.getPhoneNumber(n.phone_number_id, n.access_token, 'quality_rating,throughput,messaging_limit_tier');
    assert.deepEqual({ ...after }, { id: n.phone_number_id, quality_rating: 'YELLOW', throughput: { level: 'HIGH' }, messaging_limit_tier: 'TIER_10K' });
    await assert.rejects(kit.graph.getPhoneNumber(n.phone_number_id, n.access_token, 'id,bogus'), (e: unknown) => e instanceof GraphApiError && e.code === 100 && /bogus/.test(e.details ?? ''));
    const listed = await kit.graph.listPhoneNumbers(n.waba_id, n.access_token);
    assert.deepEqual(listed.data.map((p) => p.id), [n.phone_number_id]);
  });

  test('template management: list, create, delete in Meta’s shapes; paused and disabled templates cannot be sent', async () => {
    const n = await kit.newNumber();
    const list = await kit.graph.listTemplates(n.waba_id, n.access_token);
    const want = example<{ data: Json[] }>('template-list-response.json');
    assert.deepEqual(shapeOf({ ...list, data: [list.data[0]] }), shapeOf({ ...want, data: [want.data[0]] }), 'hello_world as a new account has it');
    assert.equal(list.data[0]!.name, 'hello_world');

    const created = await kit.graph.createTemplate(n.waba_id, n.access_token, example('template-create-request.json') as never);
    assert.deepEqual(shapeOf(created), shapeOf(example('template-create-response.json')));
    assert.deepEqual({ status: created.status, category: created.category }, { status: 'PENDING', category: 'MARKETING' });
    await assert.rejects(kit.graph.createTemplate(n.waba_id, n.access_token, example('template-create-request.json') as never), (e: unknown) => e instanceof GraphApiError && e.code === 100 && e.subcode === 2388024);
    const auth = await kit.graph.createTemplate(n.waba_id, n.access_token, example('template-create-authentication-request.json') as never);
    assert.equal(auth.category, 'AUTHENTICATION');

    const page = await kit.graph.listTemplates(n.waba_id, n.access_token, { limit: 2 });
    assert.equal(page.data.length, 2);
    const rest = await kit.graph.listTemplates(n.waba_id, n.access_token, { limit: 2, after: page.paging!.cursors!.after! });
    assert.deepEqual(rest.data.map((d) => d.name), ['authentication_code_copy_code_button']);

    const del = await kit.graph.deleteTemplate(n.waba_id, n.access_token, { name: 'seasonal_promotion_text_only' });
    assert.deepEqual(del, example('template-delete-response.json'));
    await assert.rejects(kit.graph.deleteTemplate(n.waba_id, n.access_token, { name: 'seasonal_promotion_text_only' }), (e: unknown) => e instanceof GraphApiError && e.code === 100);

    const id = await kit.template(n, EXAMPLE_TEMPLATES[1]!);
    const named = example<Json>('send-template-named-params-request.json');
    assert.equal((await kit.send(n, named)).statusCode, 200);
    for (const [status, code] of [['PAUSED', 132015], ['DISABLED', 132016], ['REJECTED', 132001]] as const) {
      assert.equal((await kit.sim('PATCH', `/templates/${id}`, { status })).statusCode, 200);
      assert.equal(errorOf(await kit.send(n, named)).code, code, status);
    }
    const events = of(n, await kit.flush()).filter((p) => bodyOf(p).entry[0]!.changes[0]!.field === 'message_template_status_update').map((p) => valueOf(p).event);
    assert.deepEqual(events.slice(-3), ['PAUSED', 'DISABLED', 'REJECTED']);
  });

  test('tokens: missing or unknown → 190, expired → 190/463, revoked → 0, another account’s → 100/33', async () => {
    const n = await kit.newNumber();
    const other = await kit.newNumber();
    assert.deepEqual([(await kit.send(n, text(), null)).statusCode, errorOf(await kit.send(n, text(), null)).code], [401, 190]);
    assert.equal(errorOf(await kit.send(n, text(), 'EAAnotatoken')).code, 190);
    const cross = await kit.send(n, text(), other.access_token);
    assert.equal(cross.statusCode, 400);
    assert.deepEqual([errorOf(cross).code, errorOf(cross).error_subcode], [100, 33]);
    assert.deepEqual([errorOf(await kit.send({ ...n, phone_number_id: '999999999999999' }, text())).code], [100]);

    const minted = (await kit.sim('POST', `/wabas/${n.waba_id}/tokens`, {})).json() as { access_token: string };
    assert.equal(errorOf(await kit.send(n, text(), minted.access_token)).code, 131047, 'a second token works (the send reaches the window check)');
    assert.equal((await kit.sim('POST', '/tokens/revoke', { access_token: minted.access_token })).statusCode, 204);
    const revoked = await kit.send(n, text(), minted.access_token);
    assert.deepEqual([revoked.statusCode, errorOf(revoked).code], [401, 0]);
    await assert.rejects(kit.graph.getPhoneNumber(n.phone_number_id, minted.access_token), (e: unknown) => e instanceof GraphApiError && e.category === 'auth');
    // The query-string token Graph also accepts.
    const viaQuery = await t.app.inject({ method: 'GET', url: `/sandbox/graph/v23.0/${n.phone_number_id}?access_token=${encodeURIComponent(n.access_token)}` });
    assert.equal(viaQuery.statusCode, 200, viaQuery.body);
  });

  test('the 24-hour window: free-form only after the user wrote, within 24 h; templates any time; pricing per Meta', async () => {
    const n = await kit.newNumber();
    await kit.template(n, EXAMPLE_TEMPLATES[2]!);
    const promo = {
      messaging_product: 'whatsapp',
      to: '16505551234',
      type: 'template',
      template: { name: '2023_april_promo', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mark' }, { type: 'text', text: 'FALL25' }] }] },
    };
    assert.equal(errorOf(await kit.send(n, text())).code, 131047);
    assert.equal((await kit.send(n, promo)).statusCode, 200, 'a template needs no window');
    await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hi' } }]);
    assert.equal((await kit.send(n, text())).statusCode, 200);
    // 25 hours later (the clock moved, not the row: the simulator is the only writer of its tables).
    const now = Date.now();
    const later = mock.method(Date, 'now', () => now + 25 * 3_600_000);
    try {
      assert.equal(errorOf(await kit.send(n, text())).code, 131047, 'closed again after 24 h');
    } finally {
      later.mock.restore();
    }
    const pricing = of(n, await kit.flush())
      .flatMap(statusesOf)
      .filter((s) => s.status === 'sent')
      .map((s) => s.pricing);
    assert.deepEqual(pricing, [
      { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
      { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    ]);

    // A reply to a Click-to-WhatsApp ad opens a free entry point: even a template is free then.
    const ad = example<{ entry: { changes: { value: { messages: Json[] } }[] }[] }>('webhook-inbound-text-ctwa-referral.json').entry[0]!.changes[0]!.value.messages[0]!;
    await kit.inbound(n, '16505550777', [{ type: 'text', text: { body: 'Tell me more' }, referral: ad.referral }]);
    assert.equal((await kit.send(n, { ...promo, to: '16505550777' })).statusCode, 200);
    const sent = of(n, await kit.flush()).flatMap(statusesOf).find((s) => s.status === 'sent')!;
    assert.deepEqual(sent.pricing, { billable: false, pricing_model: 'PMP', type: 'free_entry_point', category: 'marketing' });
  });

  test('batching and duplicates: statuses in one POST, each POST twice; inbound batches and duplicate deliveries', async () => {
    const n = await kit.newNumber({ webhook_batching: 'always', duplicate_webhooks: true });
    await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hi' } }]);
    hook.take();
    await kit.flush();
    assert.equal((await kit.send(n, text())).statusCode, 200);
    const posts = of(n, await kit.flush());
    assert.equal(posts.length, 2, 'one batched POST, delivered twice');
    assert.deepEqual(posts[0]!.body, posts[1]!.body, 'the duplicate is the same bytes');
    assert.deepEqual(statusesOf(posts[0]!).map((s) => s.status), ['sent', 'delivered', 'read']);

    const three = [1, 2, 3].map((i) => ({ type: 'text', text: { body: `message ${i}` } }));
    await kit.inbound(n, '16505551234', three);
    const batched = of(n, await kit.flush());
    assert.equal(batched.length, 1);
    assert.equal((valueOf(batched[0]!).messages as Json[]).length, 3);
    await kit.inbound(n, '16505551234', three, { batch: false });
    assert.equal(of(n, await kit.flush()).length, 3);
    const dup = await kit.inbound(n, '16505551234', [three[0]!], { duplicate: true });
    assert.equal(dup.webhooks.length, 2);
    const twice = of(n, await kit.flush());
    assert.equal(twice.length, 2);
    assert.deepEqual(twice[0]!.body, twice[1]!.body);

    // A system message travels in a change of its own, without contacts, in the same POST.
    await kit.inbound(n, '16505551234', [three[0]!, { type: 'system', system: { wa_id: '16505559999' } }], { duplicate: false });
    const mixed = of(n, await kit.flush());
    assert.equal(mixed.length, 1);
    const changes = bodyOf(mixed[0]!).entry[0]!.changes;
    assert.equal(changes.length, 2);
    assert.equal('contacts' in changes[1]!.value, false);
  });

  test('a webhook the receiver refuses is kept and retried until accepted', async () => {
    const n = await kit.newNumber();
    hook.status = 500;
    try {
      const { webhooks } = await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Are you there?' } }]);
      const refused = of(n, await kit.flush());
      assert.equal(refused.length, 1);
      const [row] = await t.db.query<{ attempts: number; last_status: number; delivered_at: Date | null }>('SELECT attempts, last_status, delivered_at FROM meta_sandbox_webhooks WHERE id = $1', [webhooks[0]]);
      assert.deepEqual({ ...row }, { attempts: 1, last_status: 500, delivered_at: null });
      hook.status = 200;
      await kit.due(WEBHOOK_JOB);
      const again = of(n, await kit.flush());
      assert.equal(again.length, 1, 'the retry');
      assert.deepEqual(again[0]!.body, refused[0]!.body, 'the retry sends the same bytes');
      const [done] = await t.db.query<{ attempts: number; delivered_at: Date | null }>('SELECT attempts, delivered_at FROM meta_sandbox_webhooks WHERE id = $1', [webhooks[0]]);
      assert.equal(done!.attempts, 2);
      assert.ok(done!.delivered_at);
      await kit.flush();
      assert.equal(of(n, hook.take()).length, 0, 'delivered once accepted, not again');
    } finally {
      hook.status = 200;
    }
  });

  test('be the phone: conversations, what arrived, read receipts by the user and by the business', async () => {
    const n = await kit.newNumber();
    assert.equal((await kit.sim('PUT', '/users/16505552222', { profile_name: 'Asha', auto_read: false })).statusCode, 200);
    const { messages } = await kit.inbound(n, '16505552222', [{ type: 'text', text: { body: 'Namaste' } }]);
    const first = await kit.graph.sendMessage(n.phone_number_id, n.access_token, text('16505552222', 'Hello Asha'));
    await kit.flush();
    // The user does not read on her own: sent and delivered only.
    let chat = (await kit.sim('GET', `/numbers/${n.phone_number_id}/conversations/16505552222`)).json() as { data: Json[] };
    assert.deepEqual(chat.data.map((m) => [m.direction, m.status]), [['inbound', 'received'], ['outbound', 'delivered']]);
    assert.deepEqual((chat.data[1]!.content as { text: Json }).text, { body: 'Hello Asha' });

    const read = await kit.sim('POST', `/numbers/${n.phone_number_id}/conversations/16505552222/read`, {});
    assert.deepEqual(read.json(), { read: 1 });
    const posts = of(n, await kit.flush());
    assert.deepEqual(posts.flatMap(statusesOf).map((s) => [s.id, s.status]), [[first.messages[0]!.id, 'read']]);

    assert.deepEqual(await kit.graph.markAsRead(n.phone_number_id, n.access_token, messages[0]!.id, true), { success: true });
    await assert.rejects(kit.graph.markAsRead(n.phone_number_id, n.access_token, 'wamid.unknown'), (e: unknown) => e instanceof GraphApiError && e.code === 100);
    chat = (await kit.sim('GET', `/numbers/${n.phone_number_id}/conversations/16505552222`)).json() as { data: Json[] };
    assert.deepEqual(chat.data.map((m) => m.status), ['read', 'read']);

    const list = (await kit.sim('GET', `/numbers/${n.phone_number_id}/conversations`)).json() as { data: Json[] };
    assert.deepEqual(list.data.map((c) => [c.wa_id, c.profile_name, c.window_open, c.marketing]), [['16505552222', 'Asha', true, 'subscribed']]);
    const webhooks = (await kit.sim('GET', `/webhooks?phone_number_id=${n.phone_number_id}&limit=10`)).json() as { data: Json[] };
    assert.ok(webhooks.data.length >= 3);
    assert.ok(webhooks.data.every((w) => w.delivered_at));
  });

  test('Graph paths: unknown paths and versions → 2500, unknown objects → 100/33, bad JSON → 100', async () => {
    const n = await kit.newNumber();
    const auth = { authorization: `Bearer ${n.access_token}` };
    const unknown = await t.app.inject({ method: 'GET', url: `/sandbox/graph/v23.0/${n.phone_number_id}/nothing`, headers: auth });
    assert.deepEqual([unknown.statusCode, errorOf(unknown).code], [400, 2500]);
    const version = await t.app.inject({ method: 'GET', url: `/sandbox/graph/latest/${n.phone_number_id}`, headers: auth });
    assert.equal(errorOf(version).code, 2500);
    const missing = await t.app.inject({ method: 'GET', url: '/sandbox/graph/v23.0/123456789012345', headers: auth });
    assert.deepEqual([errorOf(missing).code, errorOf(missing).error_subcode], [100, 33]);
    const badJson = await t.app.inject({ method: 'POST', url: `/sandbox/graph/v23.0/${n.phone_number_id}/messages`, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"messaging_product":' });
    assert.deepEqual([badJson.statusCode, errorOf(badJson).code], [400, 100]);
    const nul = await kit.send(n, text('16505551234', 'a\u0000b'));
    assert.equal(errorOf(nul).code, 100);
    const admin404 = await t.app.inject({ method: 'GET', url: '/sandbox/graph/_sim/numbers/123456789012345' });
    assert.equal(admin404.statusCode, 404);
    assert.equal((admin404.json() as { error: { code: string } }).error.code, 'not_found', 'the admin API speaks the platform’s error format');
  });

  test('the client refuses to send the token to a media URL outside Meta and the Graph origin', async () => {
    const n = await kit.newNumber();
    await assert.rejects(kit.graph.downloadMedia('https://evil.example.com/steal', n.access_token), (e: unknown) => e instanceof GraphRequestError && e.kind === 'refused');
    await assert.rejects(kit.graph.downloadMedia('http://lookaside.fbsbx.com/x', n.access_token), (e: unknown) => e instanceof GraphRequestError && e.kind === 'refused', 'https only');
  });
});
