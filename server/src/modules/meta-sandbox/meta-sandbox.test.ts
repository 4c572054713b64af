import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testPlatform, type TestPlatform } from '../../test/harness.js';
import { EXAMPLE_TEMPLATES, bodyOf, captureServer, example, exampleNames, sandboxKit, shapeOf, type CapturedRequest, type SimNumber } from '../../test/meta.js';
import { GRAPH_ERROR_CATALOG, GraphApiError, parseGraphError, type GraphErrorCategory } from '../whatsapp/graph/graph-errors.js';
import { metaAppCredentials } from '../whatsapp/graph/graph.module.js';
import { verifyWebhookSignature } from '../whatsapp/webhook-signature.js';

/**
 * Every example under ../shared/meta/examples against the simulator: each send request is accepted
 * and answered in the shape of Meta's responses, each error is produced by a request that causes it
 * and parsed by the client into the right typed error, each webhook shape is produced and signed.
 */

type Json = Record<string, unknown>;
const valueOf = (r: CapturedRequest) => bodyOf(r).entry[0]!.changes[0]!.value;
const statusesOf = (r: CapturedRequest) => (valueOf(r).statuses as Json[] | undefined) ?? [];

describe('Cloud API simulator: Meta’s examples', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let kit: ReturnType<typeof sandboxKit>;
  let appSecret: string;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    kit = sandboxKit(t, hook);
    appSecret = metaAppCredentials(t.config)!.appSecret;
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  /** The webhooks of one number (other tests' deliveries are ignored). */
  const of = (n: SimNumber, reqs: CapturedRequest[]) => reqs.filter((r) => bodyOf(r).entry[0]!.id === n.waba_id);

  async function numberWithTemplates(settings: Json = {}) {
    const n = await kit.newNumber({ pair_limit: 1000, ...settings });
    for (const def of [...EXAMPLE_TEMPLATES, example('template-create-authentication-request.json'), example('template-create-request.json')]) await kit.template(n, def);
    await kit.flush();
    return n;
  }

  test('every send request example is accepted, by raw HTTP and through the client, in the shape of Meta’s responses', async () => {
    const n = await numberWithTemplates();
    const markRead = example<{ message_id: string }>('send-mark-read-typing-request.json');
    // The user writes first: that opens the 24-hour window, and is the message the read receipt marks.
    await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hi' }, id: markRead.message_id }], { profile_name: 'Sheena Nelson' });

    const names = exampleNames('send-').filter((f) => f.endsWith('-request.json'));
    assert.ok(names.length >= 20, `found ${names.length} send examples`);
    const wamids: string[] = [];
    for (const name of names) {
      const body = example<Json>(name);
      const expected = body.status === 'read' ? 'send-response-mark-read.json' : body.type === 'template' ? 'send-response-template-accepted.json' : 'send-response-success.json';
      const res = await kit.send(n, body);
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      assert.deepEqual(shapeOf(res.json()), shapeOf(example(expected)), `${name} answered like ${expected}`);
      const viaClient = await kit.graph.sendMessage(n.phone_number_id, n.access_token, body as never);
      assert.deepEqual(shapeOf(viaClient), shapeOf(example(expected)), `${name} through the client`);
      if (body.status === 'read') continue;
      const r = res.json() as { contacts: { input: string; wa_id: string }[]; messages: { id: string; message_status?: string }[] };
      assert.equal(r.contacts[0]!.input, body.to);
      assert.equal(r.contacts[0]!.wa_id, '16505551234');
      assert.match(r.messages[0]!.id, /^wamid\.[A-Za-z0-9+/]+=*$/);
      if (body.type === 'template') assert.equal(r.messages[0]!.message_status, 'accepted');
      wamids.push(r.messages[0]!.id, (viaClient as unknown as { messages: { id: string }[] }).messages[0]!.id);
    }
    assert.equal(new Set(wamids).size, wamids.length, 'every wamid is new');

    // Afterwards: statuses for each. Media the examples name by id were never uploaded here: 131053.
    const statuses = of(n, await kit.flush()).flatMap(statusesOf);
    const failed = statuses.filter((s) => s.status === 'failed');
    const byIdExamples = names.filter((f) => /by-id/.test(f)).length;
    assert.equal(failed.length, byIdExamples * 2);
    for (const f of failed) assert.equal((f.errors as Json[])[0]!.code, 131053);
    const read = statuses.filter((s) => s.status === 'read');
    assert.equal(read.length, wamids.length - failed.length, 'every other message went sent → delivered → read');
    const opaque = statuses.filter((s) => s.biz_opaque_callback_data === 'tenant_42:msg_01HZX5Q2');
    assert.equal(opaque.length, 6, 'biz_opaque_callback_data is echoed on every status of that message');

    // The inbound message the receipt named is read on the phone's side.
    const chat = await kit.sim('GET', `/numbers/${n.phone_number_id}/conversations/16505551234`);
    const inboundMsg = (chat.json() as { data: Json[] }).data.find((m) => m.id === markRead.message_id)!;
    assert.equal(inboundMsg.status, 'read');
  });

  test('a template held for quality assessment answers like send-response-template-held-for-quality.json', async () => {
    const n = await kit.newNumber();
    const id = await kit.template(n, EXAMPLE_TEMPLATES[0]!, 'APPROVED', { quality_pacing: true });
    const res = await kit.send(n, example('send-template-request.json'));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(shapeOf(res.json()), shapeOf(example('send-response-template-held-for-quality.json')));
    assert.equal((res.json() as { messages: { message_status: string }[] }).messages[0]!.message_status, 'held_for_quality_assessment');
    assert.ok(id);
  });

  describe('every error example is produced and parsed into a typed GraphApiError', () => {
    const text = (body = 'Hello') => ({ messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body } });
    const cases: { file: string; category: GraphErrorCategory; exact: boolean; trigger(): Promise<LightMyRequestResponse> }[] = [
      { file: 'error-100-invalid-parameter.json', category: 'request', exact: false, trigger: async () => kit.send(await kit.newNumber(), text('x'.repeat(4097))) },
      {
        file: 'error-130429-throughput.json',
        category: 'throughput',
        exact: true,
        async trigger() {
          const n = await kit.newNumber({ mps: 1 });
          await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hi' } }]);
          // One message per second allowed: of six sent back to back, one lands in a window already used.
          for (let i = 0; i < 6; i++) {
            const res = await kit.send(n, text());
            if (res.statusCode !== 200) return res;
          }
          assert.fail('no 130429 in six sends at 1 mps');
        },
      },
      { file: 'error-131008-missing-parameter.json', category: 'request', exact: true, trigger: async () => kit.send(await kit.newNumber(), { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: {} }) },
      {
        file: 'error-131026-undeliverable-sync.json',
        category: 'recipient',
        exact: true,
        async trigger() {
          assert.equal((await kit.sim('PUT', '/users/16505550026', { undeliverable: 'sync' })).statusCode, 200);
          const n = await kit.newNumber();
          await kit.inbound(n, '16505550026', [{ type: 'text', text: { body: 'Hi' } }]);
          return kit.send(n, { ...text(), to: '16505550026' });
        },
      },
      { file: 'error-131047-reengagement-sync.json', category: 'recipient', exact: true, trigger: async () => kit.send(await kit.newNumber(), text()) },
      { file: 'error-131048-spam-rate-limit.json', category: 'policy', exact: true, trigger: async () => kit.send(await kit.newNumber({ restriction: 'spam_rate_limited' }), text()) },
      { file: 'error-131051-unsupported-type.json', category: 'request', exact: true, trigger: async () => kit.send(await kit.newNumber(), { messaging_product: 'whatsapp', to: '16505551234', type: 'order', order: {} }) },
      {
        file: 'error-131056-pair-rate-limit.json',
        category: 'throughput',
        exact: true,
        async trigger() {
          const n = await kit.newNumber({ pair_limit: 1 });
          await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hi' } }]);
          assert.equal((await kit.send(n, text())).statusCode, 200);
          return kit.send(n, text());
        },
      },
      {
        file: 'error-132000-template-param-count.json',
        category: 'template',
        exact: true,
        async trigger() {
          const n = await kit.newNumber();
          await kit.template(n, EXAMPLE_TEMPLATES[2]!);
          return kit.send(n, { messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: { name: '2023_april_promo', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mark' }] }] } });
        },
      },
      { file: 'error-132001-template-not-found.json', category: 'template', exact: true, trigger: async () => kit.send(await kit.newNumber(), example('send-template-request.json')) },
      {
        file: 'error-190-token-expired.json',
        category: 'auth',
        exact: true,
        async trigger() {
          const n = await kit.newNumber();
          const minted = await kit.sim('POST', `/wabas/${n.waba_id}/tokens`, { expires_in_seconds: -60 });
          return kit.send(n, text(), (minted.json() as { access_token: string }).access_token);
        },
      },
      { file: 'error-368-policy-block.json', category: 'policy', exact: true, trigger: async () => kit.send(await kit.newNumber({ restriction: 'policy_blocked' }), text()) },
      {
        file: 'error-80007-waba-rate-limit.json',
        category: 'throughput',
        exact: true,
        async trigger() {
          const n = await kit.newNumber();
          assert.equal((await kit.sim('PATCH', `/wabas/${n.waba_id}`, { mgmt_calls_per_hour: 1 })).statusCode, 200);
          const list = () => t.app.inject({ method: 'GET', url: `/sandbox/graph/v23.0/${n.waba_id}/message_templates`, headers: { authorization: `Bearer ${n.access_token}` } });
          assert.equal((await list()).statusCode, 200);
          return list();
        },
      },
    ];

    test('the cases cover every error example', () => {
      assert.deepEqual(cases.map((c) => c.file).sort(), exampleNames('error-').sort());
    });

    for (const c of cases) {
      test(c.file, async () => {
        const want = example<{ error: { code: number; error_subcode?: number; error_data?: { details: string }; type: string } }>(c.file);
        const res = await c.trigger();
        const code = want.error.code;
        assert.equal(res.statusCode, GRAPH_ERROR_CATALOG[code]!.http, res.body);
        assert.deepEqual(shapeOf(res.json()), shapeOf(want), `same envelope as ${c.file}: ${res.body}`);
        const body = res.json() as typeof want;
        assert.equal(body.error.code, code);
        if (c.exact && want.error.error_data) assert.equal(body.error.error_data!.details, want.error.error_data.details);
        assert.match((body as unknown as { error: { message: string } }).error.message, code === 190 ? /^Error validating access token: Session has expired on / : new RegExp(`^\\(#${code}\\) `));

        // The client's parser makes it a typed error with everything Meta said.
        const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        const err = parseGraphError(res.statusCode, res.rawPayload, headers);
        assert.ok(err instanceof GraphApiError);
        assert.equal(err.code, code);
        assert.equal(err.subcode, want.error.error_subcode);
        assert.equal(err.type, 'OAuthException');
        assert.equal(err.details, body.error.error_data?.details);
        assert.match(err.fbtraceId!, /^A[A-Za-z0-9_-]{10,}$/);
        assert.equal(err.httpStatus, res.statusCode);
        assert.equal(err.category, c.category);
        if (code === 130429) assert.equal(err.retryAfterSeconds, 1, 'Retry-After is passed on');
        // And the example file itself parses the same way.
        const fromExample = parseGraphError(400, JSON.stringify(want));
        assert.ok(fromExample instanceof GraphApiError && fromExample.code === code && fromExample.category === c.category);
      });
    }

    test('through the client, a send error arrives as GraphApiError', async () => {
      const n = await kit.newNumber();
      await assert.rejects(kit.graph.sendMessage(n.phone_number_id, n.access_token, { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'Hi' } }), (e: unknown) => {
        assert.ok(e instanceof GraphApiError);
        assert.equal(e.code, 131047);
        assert.equal(e.category, 'recipient');
        assert.equal(e.retryable, false);
        return true;
      });
    });
  });

  describe('every webhook example’s shape is produced, signed with the app secret', () => {
    function assertSigned(reqs: CapturedRequest[]) {
      for (const r of reqs) {
        assert.equal(r.headers['content-type'], 'application/json');
        assert.ok(verifyWebhookSignature(appSecret, r.body, String(r.headers['x-hub-signature-256'])), 'X-Hub-Signature-256 verifies over the raw bytes');
        assert.match(String(r.headers['x-hub-signature']), /^sha1=[0-9a-f]{40}$/);
        assert.equal(verifyWebhookSignature('another secret', r.body, String(r.headers['x-hub-signature-256'])), false);
      }
    }

    test('status webhooks: sent (with conversation and pricing), delivered (pricing), read', async () => {
      const n = await numberWithTemplates();
      const res = await kit.send(n, {
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'template',
        template: {
          name: 'seasonal_promotion_text_only',
          language: { code: 'en' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'Summer Sale' }] },
            { type: 'body', parameters: ['the end of August', '25OFF', '25%'].map((text) => ({ type: 'text', text })) },
            { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'summer2026' }] },
          ],
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const wamid = (res.json() as { messages: { id: string }[] }).messages[0]!.id;
      const posts = of(n, await kit.flush());
      assertSigned(posts);
      assert.equal(posts.length, 3, 'one POST per status (batching off)');
      const byStatus = Object.fromEntries(posts.map((p) => [statusesOf(p)[0]!.status, p]));
      for (const s of ['sent', 'delivered', 'read']) {
        assert.deepEqual(shapeOf(bodyOf(byStatus[s]!)), shapeOf(example(`webhook-status-${s}.json`)), `${s} like webhook-status-${s}.json`);
        const st = statusesOf(byStatus[s]!)[0]!;
        assert.equal(st.id, wamid);
        assert.equal(st.recipient_id, '16505551234');
      }
      const sent = statusesOf(byStatus.sent!)[0]!;
      assert.deepEqual(sent.pricing, { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' });
      assert.deepEqual((sent.conversation as Json).origin, { type: 'marketing' });
      const meta = valueOf(byStatus.sent!).metadata as Json;
      assert.deepEqual(meta, { display_phone_number: n.display_phone_number, phone_number_id: n.phone_number_id });
    });

    test('failed statuses: not on WhatsApp (131026), stopped marketing (131050), marketing cap (131049)', async () => {
      const n = await numberWithTemplates();
      assert.equal((await kit.sim('PUT', '/users/16505550099', { undeliverable: 'async', profile_name: 'Nobody' })).statusCode, 200);
      const promo = (to: string) => ({
        messaging_product: 'whatsapp',
        to,
        type: 'template',
        template: { name: '2023_april_promo', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mark' }, { type: 'text', text: 'FALL25' }] }] },
      });
      assert.equal((await kit.send(n, promo('16505550099'))).statusCode, 200, 'accepted: the failure comes later');

      const stop = await kit.sim('PATCH', `/numbers/${n.phone_number_id}/conversations/16505550050`, { marketing: 'stopped' });
      assert.equal(stop.statusCode, 200, stop.body);
      assert.equal((await kit.send(n, promo('16505550050'))).statusCode, 200);
      assert.equal((await kit.sim('PATCH', `/numbers/${n.phone_number_id}/conversations/16505550049`, { marketing: 'capped' })).statusCode, 200);
      assert.equal((await kit.send(n, promo('16505550049'))).statusCode, 200);
      // A utility template still reaches the user who stopped marketing.
      const utility = await kit.send(n, { ...example<Json>('send-template-named-params-request.json'), to: '16505550050' });
      assert.equal(utility.statusCode, 200, utility.body);

      const posts = of(n, await kit.flush());
      assertSigned(posts);
      const prefs = posts.filter((p) => bodyOf(p).entry[0]!.changes[0]!.field === 'user_preferences');
      assert.equal(prefs.length, 1, 'the stop reached the platform as user_preferences');
      assert.deepEqual((valueOf(prefs[0]!).user_preferences as Json[])[0]!.value, 'stop');
      const failed = posts.flatMap((p) => (valueOf(p).statuses as Json[] | undefined) ?? []).filter((s) => s.status === 'failed');
      const codes = Object.fromEntries(failed.map((s) => [s.recipient_id, (s.errors as Json[])[0]!.code]));
      assert.deepEqual(codes, { '16505550099': 131026, '16505550050': 131050, '16505550049': 131049 });
      const one = posts.find((p) => statusesOf(p)?.[0]?.status === 'failed')!;
      assert.deepEqual(shapeOf(bodyOf(one)), shapeOf(example('webhook-status-failed.json')));
      const delivered = posts.flatMap((p) => (valueOf(p).statuses as Json[] | undefined) ?? []).filter((s) => s.recipient_id === '16505550050' && s.status === 'delivered');
      assert.equal(delivered.length, 1, 'the utility template was delivered');
      assert.equal((delivered[0]!.pricing as Json).category, 'utility');
    });

    test('inbound messages of every example type, shaped like the examples', async () => {
      const n = await kit.newNumber();
      const files = exampleNames('webhook-inbound-');
      assert.ok(files.length >= 12);
      for (const file of files) {
        const want = example<{ entry: { changes: { value: { contacts?: { profile: { name: string } }[]; messages: Json[] } }[] }[] }>(file);
        const value = want.entry[0]!.changes[0]!.value;
        const msg = value.messages[0]!;
        const type = String(msg.type);
        const spec: Json = { type };
        if (msg.referral) spec.referral = msg.referral;
        if (msg.context) spec.reply_to = (msg.context as Json).id;
        if (['image', 'audio', 'video', 'document', 'sticker'].includes(type)) {
          const media = msg[type] as Json;
          spec[type] = { ...(media.caption ? { caption: media.caption } : {}), ...(media.filename ? { filename: media.filename } : {}), ...(media.mime_type ? { mime_type: media.mime_type } : {}) };
          spec.media_url = 'url' in media;
        } else if (type === 'system') {
          spec.system = { wa_id: (msg.system as Json).wa_id };
        } else if (type !== 'unsupported') {
          spec[type] = msg[type];
        }
        await kit.inbound(n, String(msg.from), [spec], { profile_name: value.contacts?.[0]?.profile.name ?? 'Sheena Nelson' });
        const posts = of(n, await kit.flush());
        assert.equal(posts.length, 1, file);
        assertSigned(posts);
        assert.deepEqual(shapeOf(bodyOf(posts[0]!)), shapeOf(want), `${file}: ${posts[0]!.body.toString()}`);
        const got = (valueOf(posts[0]!).messages as Json[])[0]!;
        assert.equal(got.type, type);
        assert.match(String(got.id), /^wamid\./);
        if (msg.context) assert.deepEqual(got.context, { from: n.display_phone_number, id: (msg.context as Json).id });
        if (type === 'image') {
          // The platform can fetch what a user sent: URL, then the bytes with the same token.
          const media = got.image as Json;
          const url = await kit.graph.getMediaUrl(String(media.id), n.access_token);
          const file = await kit.graph.downloadMedia(url.url, n.access_token);
          assert.equal(url.sha256, media.sha256);
          assert.equal(file.contentType, 'image/jpeg');
        }
      }
    });

    test('the verification handshake of webhook-verify-get-request.json: GET with hub.mode, hub.challenge, hub.verify_token', async () => {
      hook.take();
      const res = await kit.sim('POST', '/webhooks/verify');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual({ ...(res.json() as Json) }, { url: hook.url, status: 200, verified: true });
      const [req] = hook.take();
      assert.equal(req!.method, 'GET');
      const want = example<{ query: Record<string, string> }>('webhook-verify-get-request.json');
      const query = Object.fromEntries(new URL(req!.url, 'http://x').searchParams);
      assert.deepEqual(shapeOf(query), shapeOf(want.query));
      assert.equal(query['hub.mode'], 'subscribe');
      assert.match(query['hub.challenge']!, /^[0-9]+$/);
      assert.equal(query['hub.verify_token'], metaAppCredentials(t.config)!.verifyToken, 'the token the platform will check');
    });

    test('template status updates: approved and rejected after review', async () => {
      const n = await kit.newNumber();
      const ok = await kit.graph.createTemplate(n.waba_id, n.access_token, example('template-create-request.json') as never);
      const bad = await kit.graph.createTemplate(n.waba_id, n.access_token, {
        name: 'abandoned_cart',
        language: 'en',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'You left {{1}}{{2}} in your cart.', example: { body_text: [['2', 'shoes']] } }],
      });
      assert.equal(ok.status, 'PENDING');
      // A PENDING template cannot be sent yet.
      await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hi' } }]);
      const early = await kit.send(n, { messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: { name: 'abandoned_cart', language: { code: 'en' } } });
      assert.equal((early.json() as { error: { code: number } }).error.code, 132001);

      const posts = of(n, await kit.flush({ reviews: true })).filter((p) => bodyOf(p).entry[0]!.changes[0]!.field === 'message_template_status_update');
      assertSigned(posts);
      assert.equal(posts.length, 2);
      const byEvent = Object.fromEntries(posts.map((p) => [valueOf(p).event, p]));
      assert.deepEqual(shapeOf(bodyOf(byEvent.APPROVED!)), shapeOf(example('webhook-template-status-approved.json')));
      assert.deepEqual(shapeOf(bodyOf(byEvent.REJECTED!)), shapeOf(example('webhook-template-status-rejected.json')));
      assert.equal(valueOf(byEvent.APPROVED!).message_template_id, Number(ok.id));
      assert.equal(valueOf(byEvent.REJECTED!).message_template_id, Number(bad.id));
      assert.equal(valueOf(byEvent.REJECTED!).reason, 'INVALID_FORMAT');
      const listed = await kit.graph.listTemplates(n.waba_id, n.access_token, { name: 'abandoned_cart' });
      assert.equal(listed.data[0]!.status, 'REJECTED');
    });
  });
});
