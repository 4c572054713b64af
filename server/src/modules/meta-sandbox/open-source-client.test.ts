import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { testPlatform, type TestPlatform } from '../../test/harness.js';
import { captureServer, sandboxKit } from '../../test/meta.js';

/**
 * A real open-source Cloud API client from npm (@kapso/whatsapp-cloud-api 0.3.0, engines node
 * >=20.19; @great-detail/whatsapp 9 needs Node 22) pointed at the simulator over a real port: it
 * sends, gets a wamid, and reads Meta's error envelope — Meta's contract, not ours.
 */

let t: TestPlatform;
let hook: Awaited<ReturnType<typeof captureServer>>;
let baseUrl: string;

before(async () => {
  hook = await captureServer();
  t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/sandbox/graph`;
});
after(async () => {
  await t.close();
  await hook.close();
});

test('@kapso/whatsapp-cloud-api sends a text through the simulator and gets a wamid back', async () => {
  const kit = sandboxKit(t, hook);
  const n = await kit.newNumber();
  await kit.inbound(n, '16505551234', [{ type: 'text', text: { body: 'Hello, shop!' } }]);
  const client = new WhatsAppClient({ accessToken: n.access_token, baseUrl, graphVersion: 'v23.0' });

  const sent = await client.messages.sendText({ phoneNumberId: n.phone_number_id, to: '+16505551234', body: 'Hello from an SDK' });
  assert.match(sent.messages[0]!.id, /^wamid\./);
  assert.equal(sent.contacts?.[0]?.waId, '16505551234');

  const chat = await kit.sim('GET', `/numbers/${n.phone_number_id}/conversations/16505551234`);
  const last = (chat.json() as { data: { id: string; content: { text: { body: string } } }[] }).data.at(-1)!;
  assert.equal(last.id, sent.messages[0]!.id);
  assert.equal(last.content.text.body, 'Hello from an SDK');

  // Meta's errors reach the SDK as Meta sends them.
  await assert.rejects(client.messages.sendText({ phoneNumberId: n.phone_number_id, to: '+16505550000', body: 'Outside the window' }), (e: unknown) => {
    assert.equal((e as { code?: number }).code, 131047);
    return true;
  });
});
