import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { apiKeyFor, connectSimulatorNumber, fundWallet, settleSimulator, walletBalance } from '../../../test/whatsapp.js';
import { webhookExcerpt } from './message-log.service.js';

interface Summary {
  id: string;
  direction: string;
  numberId: string;
  waId: string;
  type: string;
  text: string | null;
  templateName: string | null;
  status: string;
  chargedPaise: number | null;
  billingState: string;
  contactName: string | null;
  wamid: string | null;
}
interface Detail {
  message: Summary & { content: Record<string, unknown>; sentAt: string | null; deliveredAt: string | null; readAt: string | null };
  timeline: { kind: string; status: string; at: string; applied: boolean | null; pricing: Record<string, unknown> | null; webhook: { id: string; excerpt: Record<string, unknown> | null } | null }[];
  settlements: { kind: string; amountPaise: number }[];
  window: { open: boolean; openUntil: string } | null;
}

const PERSON = '919812300001';

describe('message log, end to end through the simulator', () => {
  let t: TestPlatform;
  let owner: { client: Client; person: { id: string } };
  let number: Awaited<ReturnType<typeof connectSimulatorNumber>>;
  let sendKey: string;
  let templateId: string;
  let textId: string;
  let inboundId: string;

  before(async () => {
    t = await testPlatform();
    owner = await signedInClient(t, 'customer');
    number = await connectSimulatorNumber(t, owner.person.id);
    await fundWallet(t, owner.person.id, 10_000);
    sendKey = await apiKeyFor(t, owner.person.id, ['messages:send', 'messages:read']);
  });
  after(() => t.close());

  const send = (body: object): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${sendKey}` }, payload: { from: number.id, to: PERSON, ...body } });
  const list = async (query = ''): Promise<Summary[]> => {
    const res = await owner.client.get(`/api/whatsapp/messages${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return json<{ items: Summary[] }>(res).items;
  };

  test('the person writes in through "be the phone", the business answers, statuses and money settle', async () => {
    const phones = json<{ available: boolean; items: { id: string }[] }>(await owner.client.get('/api/whatsapp/phone/numbers'));
    assert.equal(phones.available, true);
    assert.deepEqual(phones.items.map((n) => n.id), [number.id]);

    const wrote = await owner.client.post(`/api/whatsapp/phone/${number.id}/chats/${PERSON}/messages`, { kind: 'text', text: 'Is the shop open today?', profileName: 'Lakshmi' });
    assert.equal(wrote.statusCode, 201, wrote.body);
    await settleSimulator(t);
    const [inbound] = await list('?direction=inbound');
    assert.equal(inbound!.text, 'Is the shop open today?');
    assert.equal(inbound!.contactName, 'Lakshmi');
    assert.equal(inbound!.wamid, json<{ wamid: string }>(wrote).wamid);
    inboundId = inbound!.id;

    // A free-form answer inside the window, and a marketing template to the person who opted in.
    // Writing in made the person a contact (with their profile name); the business records their opt-in.
    const [contact] = json<{ items: { id: string; profileName: string }[] }>(await owner.client.get(`/api/whatsapp/contacts?q=${PERSON}`)).items;
    assert.equal(contact!.profileName, 'Lakshmi');
    const consent = await owner.client.post(`/api/whatsapp/contacts/${contact!.id}/consent`, { action: 'opt_in', method: 'shop counter', evidence: 'Asked for offers on WhatsApp at the counter, signed the register.' });
    assert.equal(consent.statusCode, 200, consent.body);
    const text = await send({ type: 'text', text: { body: 'Yes, open till 8 pm.' } });
    assert.equal(text.statusCode, 200, text.body);
    const tpl = await send({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    assert.equal(tpl.statusCode, 200, tpl.body);
    await settleSimulator(t);

    const outbound = await list('?direction=outbound');
    assert.equal(outbound.length, 2);
    const template = outbound.find((m) => m.type === 'template')!;
    const reply = outbound.find((m) => m.type === 'text')!;
    templateId = template.id;
    textId = reply.id;
    assert.equal(template.status, 'read');
    assert.equal(template.templateName, 'hello_world');
    assert.equal(template.billingState, 'charged');
    assert.equal(template.chargedPaise, 104, 'a marketing template to India');
    assert.equal(reply.status, 'read');
    assert.ok(['released', 'none'].includes(reply.billingState), `a free customer-service reply costs nothing (${reply.billingState})`);
    // The send path reserved through this process's credit lease; once the lease is settled, the
    // wallet shows what the messages cost: the template, the free reply refunded.
    await t.platform.services.creditLeases.closeAll();
    assert.equal(await walletBalance(t, owner.person.id), 10_000 - 104);
    assert.equal((await t.db.query("SELECT 1 FROM wa_status_events WHERE applied_at IS NULL")).length, 0);
  });

  test('a message’s timeline: each status with its time, pricing and the webhook that carried it; the window', async () => {
    const res = await owner.client.get(`/api/whatsapp/messages/${templateId}`);
    assert.equal(res.statusCode, 200, res.body);
    const d = json<Detail>(res);
    assert.deepEqual(d.timeline.map((e) => e.status), ['accepted', 'sent', 'delivered', 'read']);
    for (const e of d.timeline.slice(1)) {
      assert.equal(e.applied, true);
      assert.ok(e.webhook, `${e.status} has its webhook`);
      const excerpt = e.webhook.excerpt as { status: { id: string; status: string } };
      assert.equal(excerpt.status.id, d.message.wamid);
      assert.equal(excerpt.status.status, e.status);
    }
    assert.equal(d.timeline.find((e) => e.status === 'sent')!.pricing!.type, 'regular');
    assert.ok(d.message.sentAt && d.message.deliveredAt && d.message.readAt);
    assert.equal(d.window?.open, true);
    assert.equal((d.message.content.template as { name: string }).name, 'hello_world');

    const inbound = json<Detail>(await owner.client.get(`/api/whatsapp/messages/${inboundId}`));
    assert.deepEqual(inbound.timeline.map((e) => [e.kind, e.status]), [['received', 'received']]);
    assert.equal(((inbound.timeline[0]!.webhook!.excerpt as { message: { text: { body: string } } }).message.text.body), 'Is the shop open today?');
  });

  test('filters, text search, paging and the CSV export', async () => {
    assert.equal((await list('?type=template')).length, 1);
    assert.equal((await list('?status=read')).length, 2);
    assert.equal((await list('?template=hello_world'))[0]!.id, templateId);
    assert.deepEqual((await list('?q=open%20TILL')).map((m) => m.id), [textId]);
    assert.equal((await list(`?waId=${encodeURIComponent('+91 98123 00001')}`)).length, 3);
    assert.equal((await list(`?numberId=${number.id}&direction=inbound`)).length, 1);
    assert.equal((await list(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length, 0);
    const page = json<{ items: Summary[]; nextCursor: string }>(await owner.client.get('/api/whatsapp/messages?limit=2'));
    assert.equal(page.items.length, 2);
    const next = json<{ items: Summary[]; nextCursor: string | null }>(await owner.client.get(`/api/whatsapp/messages?limit=2&cursor=${page.nextCursor}`));
    assert.equal(next.items.length, 1);
    assert.equal(next.nextCursor, null);
    assert.equal(new Set([...page.items, ...next.items].map((m) => m.id)).size, 3);
    assert.equal((await owner.client.get('/api/whatsapp/messages?cursor=nonsense')).statusCode, 400);
    assert.equal((await owner.client.get('/api/whatsapp/messages?waId=12')).statusCode, 400);

    const csv = await owner.client.get('/api/whatsapp/messages.csv?direction=outbound');
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="whatsapp-messages-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'created_at,direction,number,wa_id,contact,type,template,text,status,status_at,error_code,error_title,pricing_category,pricing_type,charged_paise,billing_state,source,wamid,message_id');
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.includes(',template,hello_world,hello_world,read,') && l.includes(',marketing,regular,104,charged,')));
  });

  test('/v1/messages: list and one message by id or wamid; scopes, number limits and tenants enforced', async () => {
    const call = (url: string, key: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    const reader = await apiKeyFor(t, owner.person.id, ['messages:read']);
    const listed = json<{ data: { id: string; status: string; pricing: { category: string } | null }[]; next: string | null }>(await call('/v1/messages?direction=outbound&type=template', reader));
    assert.deepEqual(listed.data.map((m) => m.id), [templateId]);
    assert.equal(listed.data[0]!.pricing!.category, 'marketing');
    const byId = json<{ id: string; wamid: string; timeline: { status: string; webhook_event_id: string | null }[] }>(await call(`/v1/messages/${templateId}`, reader));
    assert.deepEqual(byId.timeline.map((e) => e.status), ['accepted', 'sent', 'delivered', 'read']);
    assert.ok(byId.timeline.slice(1).every((e) => e.webhook_event_id));
    assert.equal(json<{ id: string }>(await call(`/v1/messages/${encodeURIComponent(byId.wamid)}`, reader)).id, templateId);

    assert.equal((await call('/v1/messages', await apiKeyFor(t, owner.person.id, ['messages:send']))).statusCode, 403);
    const other = await connectSimulatorNumber(t, owner.person.id);
    const limited = await apiKeyFor(t, owner.person.id, ['messages:read'], [other.id]);
    assert.equal(json<{ data: unknown[] }>(await call('/v1/messages', limited)).data.length, 0);
    assert.equal((await call(`/v1/messages/${templateId}`, limited)).statusCode, 404);

    const stranger = await signedInClient(t, 'customer');
    const theirs = await apiKeyFor(t, stranger.person.id, ['messages:read']);
    assert.equal(json<{ data: unknown[] }>(await call('/v1/messages', theirs)).data.length, 0);
    assert.equal((await call(`/v1/messages/${templateId}`, theirs)).statusCode, 404);
    assert.equal((await stranger.client.get(`/api/whatsapp/messages/${templateId}`)).statusCode, 404);
    assert.equal(json<{ items: unknown[] }>(await stranger.client.get('/api/whatsapp/messages')).items.length, 0);
    assert.equal((await stranger.client.get(`/api/whatsapp/phone/${number.id}/chats`)).statusCode, 404);
    assert.equal((await stranger.client.post(`/api/whatsapp/phone/${number.id}/chats/${PERSON}/messages`, { kind: 'text', text: 'x' })).statusCode, 404);
  });

  test('"be the phone": what the person received, a button reply that arrives as a webhook, reading and marketing choice', async () => {
    const chats = json<{ items: { waId: string; profileName: string; windowOpen: boolean }[] }>(await owner.client.get(`/api/whatsapp/phone/${number.id}/chats`));
    assert.deepEqual(chats.items.map((c) => [c.waId, c.profileName, c.windowOpen]), [[PERSON, 'Lakshmi', true]]);
    const phone = json<{ items: { id: string; direction: string; type: string; content: Record<string, unknown> }[] }>(await owner.client.get(`/api/whatsapp/phone/${number.id}/chats/${PERSON}`));
    const received = phone.items.filter((m) => m.direction === 'outbound');
    assert.deepEqual(received.map((m) => m.type).sort(), ['template', 'text']);
    const templateWamid = received.find((m) => m.type === 'template')!.id;

    const tap = await owner.client.post(`/api/whatsapp/phone/${number.id}/chats/${PERSON}/messages`, { kind: 'button', replyTo: templateWamid, payload: 'Stop promotions', text: 'Stop promotions' });
    assert.equal(tap.statusCode, 201, tap.body);
    await settleSimulator(t);
    const [button] = await list('?type=button');
    assert.equal(button!.text, 'Stop promotions');
    const [c] = await t.db.query<{ marketing_opted_out_at: Date | null }>('SELECT marketing_opted_out_at FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [owner.person.id, PERSON]);
    assert.ok(c!.marketing_opted_out_at, 'the Stop promotions button stopped marketing');

    const bad = await owner.client.post(`/api/whatsapp/phone/${number.id}/chats/${PERSON}/messages`, { kind: 'button_reply', replyTo: templateWamid, id: 'x', title: 'A title much too long for a button' });
    assert.equal(bad.statusCode, 400);
    const [log] = await t.db.query<{ actor_id: string }>("SELECT actor_id FROM activity_log WHERE action = 'whatsapp.phone_replied' ORDER BY id DESC LIMIT 1");
    assert.equal(log!.actor_id, owner.person.id);
  });
});

test('webhookExcerpt shows only the part of a batched POST about one message', () => {
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      { id: 'A', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1' }, statuses: [{ id: 'wamid.other', status: 'read', recipient_id: 'someone-else' }] } }] },
      { id: 'B', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '2' }, statuses: [{ id: 'wamid.mine', status: 'sent' }, { id: 'wamid.mine', status: 'delivered' }] } }] },
    ],
  });
  assert.deepEqual(webhookExcerpt(raw, 'wamid.mine', 'delivered'), { field: 'messages', metadata: { phone_number_id: '2' }, status: { id: 'wamid.mine', status: 'delivered' } });
  assert.equal(webhookExcerpt(raw, 'wamid.mine', 'read'), null);
  assert.equal(webhookExcerpt('not json', 'wamid.mine', null), null);
});
