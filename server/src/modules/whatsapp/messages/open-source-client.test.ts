import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { EXAMPLE_TEMPLATES, captureServer } from '../../../test/meta.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';

/**
 * A real open-source Cloud API SDK from npm (@kapso/whatsapp-cloud-api) pointed at the platform's
 * /graph over a real port, with a platform API key where Meta's access token would be: text, a
 * template, media upload → send by id → metadata → download, and Meta's errors — nothing but the
 * base URL changed.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let t: TestPlatform;
let hook: Awaited<ReturnType<typeof captureServer>>;
let s: SendKit;
let c: Connected;
let client: WhatsAppClient;

before(async () => {
  hook = await captureServer();
  t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  s = sendKit(t, hook);
  c = await s.connect(await s.tenant());
  await s.kit.template(c.sim, EXAMPLE_TEMPLATES[2]!);
  const key = await s.apiKey(c.tenantId);
  client = new WhatsAppClient({ accessToken: key, baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/graph`, graphVersion: 'v23.0' });
});
after(async () => {
  await t.close();
  await hook.close();
});

test('@kapso/whatsapp-cloud-api sends a text and a template through the platform and gets wamids back', async () => {
  await s.openWindow(c, '16505551234');
  const sent = await client.messages.sendText({ phoneNumberId: c.sim.phone_number_id, to: '+16505551234', body: 'Hello from an SDK through the platform' });
  assert.match(sent.messages[0]!.id, /^wamid\./);
  assert.equal(sent.contacts?.[0]?.waId, '16505551234');

  await s.optIn(c.tenantId, '16505551234');
  const promo = await client.messages.sendTemplate({
    phoneNumberId: c.sim.phone_number_id,
    to: '16505551234',
    template: { name: '2023_april_promo', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mark' }, { type: 'text', text: 'FALL25' }] }] },
  });
  assert.match(promo.messages[0]!.id, /^wamid\./);
  assert.equal(promo.messages[0]!.messageStatus, 'accepted');

  const logged = await t.db.query<{ wamid: string; type: string; category: string; source: string }>('SELECT wamid, type, category, source FROM wa_messages WHERE tenant_id = $1 ORDER BY created_at', [c.tenantId]);
  assert.deepEqual(
    logged.map((m) => ({ ...m })),
    [
      { wamid: sent.messages[0]!.id, type: 'text', category: 'service', source: 'graph' },
      { wamid: promo.messages[0]!.id, type: 'template', category: 'marketing', source: 'graph' },
    ],
  );
});

test('@kapso/whatsapp-cloud-api uploads media, sends it by id, reads its metadata and downloads it with the API key', async () => {
  await s.openWindow(c, '16505551235');
  const uploaded = await client.media.upload({ phoneNumberId: c.sim.phone_number_id, type: 'image/png', file: new Blob([PNG], { type: 'image/png' }), fileName: 'receipt.png' });
  assert.match(uploaded.id, /^[0-9]+$/);
  const sent = await client.messages.sendImage({ phoneNumberId: c.sim.phone_number_id, to: '16505551235', image: { id: uploaded.id, caption: 'Your receipt' } });
  assert.match(sent.messages[0]!.id, /^wamid\./);

  const meta = await client.media.get({ mediaId: uploaded.id, phoneNumberId: c.sim.phone_number_id });
  assert.equal(meta.mimeType, 'image/png');
  assert.match(meta.url, /\/graph\/media-downloads\//);
  const bytes = await client.media.download({ mediaId: uploaded.id, phoneNumberId: c.sim.phone_number_id, auth: 'always' });
  assert.deepEqual(Buffer.from(bytes as ArrayBuffer), PNG);

  assert.deepEqual(await client.media.delete({ mediaId: uploaded.id, phoneNumberId: c.sim.phone_number_id }), { success: true });
});

test('Meta’s errors reach the SDK as Meta sends them, and so do the platform’s refusals', async () => {
  await assert.rejects(client.messages.sendText({ phoneNumberId: c.sim.phone_number_id, to: '+16505550000', body: 'Outside the window' }), (e: unknown) => {
    assert.equal((e as { code?: number }).code, 131047);
    return true;
  });
  const stranger = await s.connect(await s.tenant());
  await assert.rejects(client.messages.sendText({ phoneNumberId: stranger.sim.phone_number_id, to: '+16505551234', body: 'Not my number' }), (e: unknown) => {
    assert.equal((e as { code?: number }).code, 100);
    assert.equal((e as { httpStatus?: number }).httpStatus, 404);
    return true;
  });
});
