import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, signedInClient, type TestPlatform, testPlatform } from '../../../test/harness.js';
import { deliverSimulatorWebhooks, settleSimulator } from '../../../test/whatsapp.js';
import { inboxTenant, invite, listConversations, onlyConversation, writeIn, type ConversationItem } from './inbox-test-kit.js';

/**
 * The team inbox over HTTP against the Cloud API simulator: who may use an inbox, conversations
 * made by people writing in, unread counts per reader, replies inside and outside the 24-hour
 * window, assignment, notes that never reach WhatsApp, quick replies, search, and team removal.
 */

interface MessageItem {
  id: string;
  direction: string;
  text: string | null;
  status: string;
  source: string;
  sentBy: { id: string; name: string } | null;
}
type TimelineItem = { kind: 'message'; message: MessageItem } | { kind: 'note'; note: { body: string; author: { id: string } } };

const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

describe('WhatsApp team inbox', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  const timeline = async (client: Awaited<ReturnType<typeof signedInClient>>['client'], id: string) => {
    const res = await client.get(`/api/whatsapp/inbox/conversations/${id}/timeline`);
    assert.equal(res.statusCode, 200, res.body);
    return json<{ items: TimelineItem[] }>(res).items;
  };
  const outboundCount = async (tenantId: string) => (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM wa_messages WHERE tenant_id = $1 AND direction = 'outbound'", [tenantId]))[0]!.n;

  test('a team member uses the tenant’s inbox (and only it); anyone else is told it does not exist', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    const stranger = await signedInClient(t, 'customer');
    const memberId = await invite(owner.client, agent.person.email, 'agent');

    // Invitation mistakes are refused with a reason.
    const unknown = await owner.client.post('/api/whatsapp/team', { email: `nobody.${randomUUID()}@example.com`, role: 'agent' });
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.equal(code(unknown), 'account_not_found');
    assert.equal(code(await owner.client.post('/api/whatsapp/team', { email: owner.person.email, role: 'agent' })), 'cannot_invite_self');
    assert.equal(code(await owner.client.post('/api/whatsapp/team', { email: agent.person.email.toUpperCase(), role: 'manager' })), 'already_member');
    const team = json<{ items: { id: string; userId: string; role: string; invitedBy: { id: string } }[] }>(await owner.client.get('/api/whatsapp/team')).items;
    assert.deepEqual(team.map((m) => [m.id, m.userId, m.role, m.invitedBy.id]), [[memberId, agent.person.id, 'agent', owner.person.id]]);
    const [told] = await t.db.query<{ kind: string; link: string }>('SELECT kind, link FROM notifications WHERE user_id = $1', [agent.person.id]);
    assert.deepEqual({ ...told }, { kind: 'whatsapp.team_added', link: `/whatsapp/inbox?tenant=${owner.person.id}` });

    // The agent sees the tenant among their inboxes and the conversation a person starts.
    const inboxes = json<{ items: { tenantId: string; role: string }[] }>(await agent.client.get('/api/whatsapp/inbox/tenants')).items;
    assert.deepEqual(inboxes.map((i) => [i.tenantId, i.role]), [[agent.person.id, 'owner'], [owner.person.id, 'agent']]);
    await writeIn(t, owner.number, '919876543210', 'hi');
    const conversation = await onlyConversation(agent.client, owner.person.id);
    assert.equal(conversation.lastMessage?.text, 'hi');
    assert.equal(conversation.contact.profileName, 'Asha Devi');
    const overview = json<{ role: string; people: { id: string }[]; numbers: { id: string }[] }>(await agent.client.get(`/api/whatsapp/inbox/overview?tenantId=${owner.person.id}`));
    assert.equal(overview.role, 'agent');
    assert.deepEqual(overview.numbers.map((n) => n.id), [owner.number.id]);
    assert.deepEqual(overview.people.map((p) => p.id).sort(), [owner.person.id, agent.person.id].sort());

    // Only the inbox: the tenant's numbers, contacts and team stay the tenant's.
    assert.deepEqual(json<{ items: unknown[] }>(await agent.client.get('/api/whatsapp/numbers')).items, []);
    assert.deepEqual(json<{ items: unknown[] }>(await agent.client.get('/api/whatsapp/team')).items, [], 'their own (empty) team');
    assert.equal((await agent.client.delete(`/api/whatsapp/team/${memberId}`)).statusCode, 404);
    assert.equal((await agent.client.patch(`/api/whatsapp/team/${memberId}`, { role: 'manager' })).statusCode, 404);

    // A stranger gets 404 for the inbox and for every object in it, changes included.
    const id = conversation.id;
    const tenant = owner.person.id;
    const attempts = [
      stranger.client.get(`/api/whatsapp/inbox/conversations?tenantId=${tenant}`),
      stranger.client.get(`/api/whatsapp/inbox/overview?tenantId=${tenant}`),
      stranger.client.get(`/api/whatsapp/inbox/quick-replies?tenantId=${tenant}`),
      stranger.client.get(`/api/whatsapp/inbox/stream?tenantId=${tenant}`),
      stranger.client.get(`/api/whatsapp/inbox/conversations/${id}`),
      stranger.client.get(`/api/whatsapp/inbox/conversations/${id}/timeline`),
      stranger.client.get(`/api/whatsapp/inbox/conversations/${id}/templates`),
      stranger.client.post(`/api/whatsapp/inbox/conversations/${id}/read`),
      stranger.client.post(`/api/whatsapp/inbox/conversations/${id}/assign`, { assigneeId: stranger.person.id }),
      stranger.client.post(`/api/whatsapp/inbox/conversations/${id}/close`),
      stranger.client.post(`/api/whatsapp/inbox/conversations/${id}/notes`, { body: 'let me in' }),
      stranger.client.post(`/api/whatsapp/inbox/conversations/${id}/messages`, { text: 'hello from outside' }),
      stranger.client.post('/api/whatsapp/inbox/quick-replies', { tenantId: tenant, shortcut: 'x', body: 'x' }),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(code(res), 'not_found');
    }
    const [row] = await t.db.query<{ status: string; assignee_id: string | null }>('SELECT status, assignee_id FROM wa_inbox_conversations WHERE id = $1', [id]);
    assert.deepEqual({ ...row }, { status: 'open', assignee_id: null });
    assert.equal(await outboundCount(tenant), 0);
    assert.equal((await t.db.query('SELECT 1 FROM wa_inbox_notes WHERE conversation_id = $1', [id])).length, 0);
  });

  test('unread counts belong to each reader and clear when they open the conversation', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    await invite(owner.client, agent.person.email, 'agent');
    await writeIn(t, owner.number, '919811111111', 'Is the shop open?');
    await writeIn(t, owner.number, '919811111111', 'I need a photocopy.');
    const tenant = owner.person.id;
    const { id } = await onlyConversation(owner.client, tenant);
    assert.equal((await onlyConversation(owner.client, tenant)).unread, 2);
    assert.equal((await onlyConversation(agent.client, tenant)).unread, 2);

    const read = await agent.client.post(`/api/whatsapp/inbox/conversations/${id}/read`);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(json<{ conversation: ConversationItem }>(read).conversation.unread, 0);
    assert.equal((await onlyConversation(agent.client, tenant)).unread, 0);
    assert.equal((await onlyConversation(owner.client, tenant)).unread, 2, 'the owner has not read it');
    assert.deepEqual(
      (await listConversations(agent.client, tenant, '&unread=true')).map((c) => c.id),
      [],
    );

    await writeIn(t, owner.number, '919811111111', 'Hello?');
    assert.equal((await onlyConversation(agent.client, tenant)).unread, 1);
    assert.equal((await onlyConversation(owner.client, tenant)).unread, 3);
    const inboxes = json<{ items: { tenantId: string; unreadConversations: number }[] }>(await agent.client.get('/api/whatsapp/inbox/tenants')).items;
    assert.equal(inboxes.find((i) => i.tenantId === tenant)!.unreadConversations, 1);
    const counts = json<{ counts: { unread: number; open: number; unassigned: number } }>(await owner.client.get(`/api/whatsapp/inbox/overview?tenantId=${tenant}`)).counts;
    assert.deepEqual({ unread: counts.unread, open: counts.open, unassigned: counts.unassigned }, { unread: 1, open: 1, unassigned: 1 });
  });

  test('a free-form reply inside the 24-hour window goes through the send path; outside it is refused with window_closed', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    await invite(owner.client, agent.person.email, 'agent');
    await writeIn(t, owner.number, '919822222222', 'Do you print PAN cards?');
    const tenant = owner.person.id;
    const conversation = await onlyConversation(agent.client, tenant);
    assert.equal(conversation.window.open, true);

    const res = await agent.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/messages`, { text: 'Yes, ₹107 with the form.' });
    assert.equal(res.statusCode, 200, res.body);
    const sent = json<{ message: MessageItem }>(res).message;
    assert.deepEqual([sent.direction, sent.source, sent.sentBy?.id, sent.text], ['outbound', 'inbox', agent.person.id, 'Yes, ₹107 with the form.']);
    const [row] = await t.db.query<{ sent_by: string; source: string; category: string; billing_state: string; to: string }>(
      "SELECT sent_by, source, category, billing_state, content->>'to' AS to FROM wa_messages WHERE id = $1",
      [sent.id],
    );
    assert.deepEqual({ ...row }, { sent_by: agent.person.id, source: 'inbox', category: 'service', billing_state: 'reserved', to: '919822222222' });
    const [logged] = await t.db.query<{ actor_id: string; subject_user_id: string }>("SELECT actor_id, subject_user_id FROM activity_log WHERE action = 'whatsapp.message_sent' AND object_id = $1", [sent.id]);
    assert.deepEqual({ ...logged }, { actor_id: agent.person.id, subject_user_id: tenant });

    // WhatsApp's statuses arrive; the thread shows the reply read, and the reply cleared the answerer's unread.
    await settleSimulator(t);
    const items = await timeline(agent.client, conversation.id);
    const reply = items.find((i): i is Extract<TimelineItem, { kind: 'message' }> => i.kind === 'message' && i.message.id === sent.id)!;
    assert.equal(reply.message.status, 'read');
    assert.deepEqual(items.map((i) => (i.kind === 'message' ? i.message.direction : 'note')), ['inbound', 'outbound']);
    const after = await onlyConversation(agent.client, tenant);
    assert.equal(after.lastMessage?.id, sent.id);
    assert.equal(after.unread, 0);

    // A day later the window has closed: free-form is refused before anything is sent or charged.
    await t.db.query("UPDATE wa_service_windows SET last_inbound_at = now() - interval '25 hours' WHERE number_id = $1", [owner.number.id]);
    assert.equal((await onlyConversation(agent.client, tenant)).window.open, false);
    const before = await outboundCount(tenant);
    const refused = await agent.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/messages`, { text: 'Are you still there?' });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(code(refused), 'window_closed');
    assert.match(json<{ error: { message: string } }>(refused).error.message, /template/);
    assert.equal(await outboundCount(tenant), before);
    // Neither both nor none.
    const both = await agent.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/messages`, { text: 'x', template: { name: 'hello_world', language: 'en_US' } });
    assert.equal(both.statusCode, 400, both.body);
  });

  test('outside the window an approved template goes, with its parameters checked and filled in', async () => {
    const owner = await inboxTenant(t);
    const tenant = owner.person.id;
    await writeIn(t, owner.number, '919833333333', 'Is my Aadhaar update done?', 'Ravi Kumar');
    const conversation = await onlyConversation(owner.client, tenant);
    await t.db.query("UPDATE wa_service_windows SET last_inbound_at = now() - interval '2 days' WHERE number_id = $1", [owner.number.id]);

    // A utility template with two body variables, approved at Meta (the simulator) and known here.
    const created = await owner.client.post('/api/whatsapp/templates', {
      numberId: owner.number.id,
      name: 'service_ready',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello {{1}}, your {{2}} is ready for collection.', example: { body_text: [['Ravi', 'Aadhaar update']] } }],
    });
    assert.equal(created.statusCode, 201, created.body);
    const metaId = json<{ template: { metaTemplateId: string } }>(created).template.metaTemplateId;
    const approved = await t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/templates/${metaId}`, payload: { status: 'APPROVED' } });
    assert.equal(approved.statusCode, 200, approved.body);
    await deliverSimulatorWebhooks(t);

    const options = json<{ items: { name: string; language: string; bodyKeys: string[]; sendable: boolean }[] }>(await owner.client.get(`/api/whatsapp/inbox/conversations/${conversation.id}/templates`)).items;
    assert.deepEqual(
      options.find((o) => o.name === 'service_ready'),
      { ...options.find((o) => o.name === 'service_ready')!, language: 'en', bodyKeys: ['1', '2'], sendable: true },
    );
    const url = `/api/whatsapp/inbox/conversations/${conversation.id}/messages`;
    const template = (body: { value: string }[]) => ({ template: { name: 'service_ready', language: 'en', body } });

    // A template needs the person's recorded opt-in, and the right number of parameters.
    const noOptIn = await owner.client.post(url, template([{ value: 'Ravi' }, { value: 'Aadhaar update' }]));
    assert.equal(noOptIn.statusCode, 422, noOptIn.body);
    assert.equal(code(noOptIn), 'opt_in_required');
    const consent = await owner.client.post(`/api/whatsapp/contacts/${conversation.contact.id}/consent`, { action: 'opt_in', method: 'shop counter', evidence: 'Signed the counter register for WhatsApp updates on his application.' });
    assert.equal(consent.statusCode, 200, consent.body);
    const short = await owner.client.post(url, template([{ value: 'Ravi' }]));
    assert.equal(short.statusCode, 422, short.body);
    assert.equal(code(short), 'template_param_count');

    const res = await owner.client.post(url, template([{ value: 'Ravi' }, { value: 'Aadhaar update' }]));
    assert.equal(res.statusCode, 200, res.body);
    const sent = json<{ message: MessageItem & { templateName: string } }>(res).message;
    assert.equal(sent.templateName, 'service_ready');
    assert.equal(sent.text, 'service_ready: Ravi, Aadhaar update');
    const [row] = await t.db.query<{ category: string; content: { template: { components: { parameters: { text: string }[] }[] } } }>('SELECT category, content FROM wa_messages WHERE id = $1', [sent.id]);
    assert.equal(row!.category, 'utility');
    assert.deepEqual(row!.content.template.components[0]!.parameters.map((p) => p.text), ['Ravi', 'Aadhaar update']);
    await settleSimulator(t);
    const phone = await t.app.inject({ method: 'GET', url: `/sandbox/graph/_sim/numbers/${owner.number.phoneNumberId}/conversations/919833333333` });
    assert.match(phone.body, /service_ready/, 'the person’s phone received it');
  });

  test('assignment: managers assign anyone in the team, agents take and give back only their own', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    const manager = await signedInClient(t, 'customer');
    const outsider = await signedInClient(t, 'customer');
    await invite(owner.client, agent.person.email, 'agent');
    await invite(owner.client, manager.person.email, 'manager');
    await writeIn(t, owner.number, '919844444444', 'Need a train ticket.');
    const tenant = owner.person.id;
    const { id } = await onlyConversation(owner.client, tenant);
    const assign = (client: typeof agent.client, assigneeId: string | null) => client.post(`/api/whatsapp/inbox/conversations/${id}/assign`, { assigneeId });

    const byManager = await assign(manager.client, agent.person.id);
    assert.equal(byManager.statusCode, 200, byManager.body);
    assert.equal(json<{ conversation: ConversationItem }>(byManager).conversation.assignee?.id, agent.person.id);
    assert.deepEqual((await listConversations(agent.client, tenant, '&assigned=mine')).map((c) => c.id), [id]);
    assert.deepEqual(await listConversations(agent.client, tenant, '&assigned=unassigned'), []);
    assert.deepEqual(await listConversations(manager.client, tenant, '&assigned=mine'), []);

    // An agent cannot hand it to someone else, nor take a colleague's.
    const handOver = await assign(agent.client, manager.person.id);
    assert.equal(handOver.statusCode, 403, handOver.body);
    assert.equal(code(handOver), 'assign_not_allowed');
    assert.equal((await assign(manager.client, manager.person.id)).statusCode, 200);
    assert.equal(code(await assign(agent.client, agent.person.id)), 'assign_not_allowed');
    // Nobody outside the team can be assigned.
    const toOutsider = await assign(owner.client, outsider.person.id);
    assert.equal(toOutsider.statusCode, 422, toOutsider.body);
    assert.equal(code(toOutsider), 'not_a_team_member');
    // Unassigned, the agent takes it and gives it back.
    assert.equal((await assign(owner.client, null)).statusCode, 200);
    assert.equal((await assign(agent.client, agent.person.id)).statusCode, 200);
    const back = await assign(agent.client, null);
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(json<{ conversation: ConversationItem }>(back).conversation.assignee, null);

    const log = await t.db.query<{ actor_id: string; subject_user_id: string; details: { from: string | null; to: string | null } }>(
      "SELECT actor_id, subject_user_id, details FROM activity_log WHERE action = 'whatsapp.inbox.assigned' AND object_id = $1 ORDER BY id",
      [id],
    );
    assert.deepEqual(
      log.map((l) => [l.actor_id, l.details.to]),
      [
        [manager.person.id, agent.person.id],
        [manager.person.id, manager.person.id],
        [owner.person.id, null],
        [agent.person.id, agent.person.id],
        [agent.person.id, null],
      ],
    );
    assert.ok(log.every((l) => l.subject_user_id === tenant));
  });

  test('internal notes stay with the team: in the thread, never sent to WhatsApp', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    await invite(owner.client, agent.person.email, 'agent');
    await writeIn(t, owner.number, '919855555555', 'My passport appointment?');
    const tenant = owner.person.id;
    const { id } = await onlyConversation(agent.client, tenant);
    const before = await outboundCount(tenant);
    const webhooksBefore = await t.db.query('SELECT 1 FROM meta_sandbox_webhooks');

    const res = await agent.client.post(`/api/whatsapp/inbox/conversations/${id}/notes`, { body: 'Checked the portal: slot on Monday, 10:30. Call him before noon.' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(json<{ note: { author: { id: string } } }>(res).note.author.id, agent.person.id);
    await settleSimulator(t);

    const items = await timeline(owner.client, id);
    assert.deepEqual(items.map((i) => i.kind), ['message', 'note']);
    const note = items[1]!;
    assert.equal(note.kind === 'note' && note.note.body, 'Checked the portal: slot on Monday, 10:30. Call him before noon.');
    assert.equal(await outboundCount(tenant), before, 'no message was written');
    assert.equal((await t.db.query('SELECT 1 FROM meta_sandbox_webhooks')).length, webhooksBefore.length, 'the simulator was not called');
    const phone = await t.app.inject({ method: 'GET', url: `/sandbox/graph/_sim/numbers/${owner.number.phoneNumberId}/conversations/919855555555` });
    assert.equal(phone.statusCode, 200, phone.body);
    assert.doesNotMatch(phone.body, /Call him before noon/);
    assert.equal((await agent.client.post(`/api/whatsapp/inbox/conversations/${id}/notes`, { body: '   ' })).statusCode, 400);
  });

  test('closing and reopening; a new message from the person reopens a closed conversation', async () => {
    const owner = await inboxTenant(t);
    await writeIn(t, owner.number, '919866666666', 'Thanks, got it.');
    const tenant = owner.person.id;
    const { id } = await onlyConversation(owner.client, tenant);
    const closed = await owner.client.post(`/api/whatsapp/inbox/conversations/${id}/close`);
    assert.equal(json<{ conversation: ConversationItem }>(closed).conversation.status, 'closed');
    assert.deepEqual(await listConversations(owner.client, tenant), [], 'the default list shows open conversations');
    assert.deepEqual((await listConversations(owner.client, tenant, '&status=closed')).map((c) => c.id), [id]);
    const reopened = await owner.client.post(`/api/whatsapp/inbox/conversations/${id}/reopen`);
    assert.equal(json<{ conversation: ConversationItem }>(reopened).conversation.status, 'open');
    await owner.client.post(`/api/whatsapp/inbox/conversations/${id}/close`);
    await writeIn(t, owner.number, '919866666666', 'One more question');
    assert.equal((await onlyConversation(owner.client, tenant)).status, 'open');
    const actions = (await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE object_id = $1 AND action LIKE 'whatsapp.inbox.%' ORDER BY id", [id])).map((r) => r.action);
    assert.deepEqual(actions, ['whatsapp.inbox.closed', 'whatsapp.inbox.reopened', 'whatsapp.inbox.closed']);
  });

  test('search finds conversations by contact name, number, message text and note text', async () => {
    const owner = await inboxTenant(t);
    const tenant = owner.person.id;
    await writeIn(t, owner.number, '919876500001', 'Is the kurta stitching ready?', 'Asha Devi');
    await writeIn(t, owner.number, '919812300002', 'Price of the silk saree?', 'Ravi Kumar');
    const ravi = (await listConversations(owner.client, tenant)).find((c) => c.waId === '919812300002')!;
    await owner.client.post(`/api/whatsapp/inbox/conversations/${ravi.id}/notes`, { body: 'Wholesale customer from Indore' });
    const search = async (q: string) => (await listConversations(owner.client, tenant, `&q=${encodeURIComponent(q)}`)).map((c) => c.waId);
    assert.deepEqual(await search('asha'), ['919876500001']);
    assert.deepEqual(await search('98123 00002'), ['919812300002']);
    assert.deepEqual(await search('KURTA'), ['919876500001']);
    assert.deepEqual(await search('indore'), ['919812300002']);
    assert.deepEqual(await search('50%_'), []);
    assert.deepEqual((await search('9198')).sort(), ['919812300002', '919876500001']);
    // Another tenant's inbox with the same words finds nothing of this one.
    const other = await inboxTenant(t);
    assert.deepEqual(await listConversations(other.client, other.person.id, '&q=kurta'), []);
  });

  test('quick replies: every member uses them, the owner and managers write them', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    const manager = await signedInClient(t, 'customer');
    const stranger = await signedInClient(t, 'customer');
    await invite(owner.client, agent.person.email, 'agent');
    await invite(owner.client, manager.person.email, 'manager');
    const tenant = owner.person.id;

    const created = await owner.client.post('/api/whatsapp/inbox/quick-replies', { tenantId: tenant, shortcut: '/Timings', body: 'We are open 9 am to 8 pm, Monday to Saturday.' });
    assert.equal(created.statusCode, 201, created.body);
    const qr = json<{ quickReply: { id: string; shortcut: string } }>(created).quickReply;
    assert.equal(qr.shortcut, 'timings');
    assert.equal((await manager.client.post('/api/whatsapp/inbox/quick-replies', { tenantId: tenant, shortcut: 'docs', body: 'Please bring your Aadhaar and a photo.' })).statusCode, 201);
    const taken = await manager.client.post('/api/whatsapp/inbox/quick-replies', { tenantId: tenant, shortcut: 'timings', body: 'again' });
    assert.equal(taken.statusCode, 409, taken.body);
    assert.equal(code(taken), 'shortcut_taken');

    const listed = json<{ items: { shortcut: string }[] }>(await agent.client.get(`/api/whatsapp/inbox/quick-replies?tenantId=${tenant}`)).items;
    assert.deepEqual(listed.map((r) => r.shortcut), ['docs', 'timings']);
    for (const res of [
      await agent.client.post('/api/whatsapp/inbox/quick-replies', { tenantId: tenant, shortcut: 'mine', body: 'x' }),
      await agent.client.patch(`/api/whatsapp/inbox/quick-replies/${qr.id}`, { body: 'changed' }),
      await agent.client.delete(`/api/whatsapp/inbox/quick-replies/${qr.id}`),
    ]) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(code(res), 'inbox_manager_required');
    }
    assert.equal((await stranger.client.patch(`/api/whatsapp/inbox/quick-replies/${qr.id}`, { body: 'changed' })).statusCode, 404);
    const changed = await manager.client.patch(`/api/whatsapp/inbox/quick-replies/${qr.id}`, { shortcut: 'hours' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(code(await manager.client.patch(`/api/whatsapp/inbox/quick-replies/${qr.id}`, { shortcut: 'docs' })), 'shortcut_taken');
    assert.equal((await owner.client.delete(`/api/whatsapp/inbox/quick-replies/${qr.id}`)).statusCode, 204);
    assert.deepEqual(json<{ items: { shortcut: string }[] }>(await owner.client.get(`/api/whatsapp/inbox/quick-replies?tenantId=${tenant}`)).items.map((r) => r.shortcut), ['docs']);
  });

  test('a removed member loses the inbox at once; their conversations become unassigned', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    const memberId = await invite(owner.client, agent.person.email, 'agent');
    await writeIn(t, owner.number, '919877777777', 'Any update?');
    const tenant = owner.person.id;
    const { id } = await onlyConversation(owner.client, tenant);
    assert.equal((await agent.client.post(`/api/whatsapp/inbox/conversations/${id}/assign`, { assigneeId: agent.person.id })).statusCode, 200);

    const promoted = await owner.client.patch(`/api/whatsapp/team/${memberId}`, { role: 'manager' });
    assert.equal(json<{ member: { role: string } }>(promoted).member.role, 'manager');
    assert.equal((await owner.client.delete(`/api/whatsapp/team/${memberId}`)).statusCode, 204);
    assert.equal((await owner.client.delete(`/api/whatsapp/team/${memberId}`)).statusCode, 404, 'already removed');

    assert.equal((await onlyConversation(owner.client, tenant)).assignee, null);
    assert.equal((await agent.client.get(`/api/whatsapp/inbox/conversations?tenantId=${tenant}`)).statusCode, 404);
    assert.equal((await agent.client.get(`/api/whatsapp/inbox/conversations/${id}`)).statusCode, 404);
    const inboxes = json<{ items: { tenantId: string }[] }>(await agent.client.get('/api/whatsapp/inbox/tenants')).items;
    assert.deepEqual(inboxes.map((i) => i.tenantId), [agent.person.id]);
    const actions = (await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'whatsapp.team.%' ORDER BY id", [tenant])).map((r) => r.action);
    assert.deepEqual(actions, ['whatsapp.team.member_added', 'whatsapp.team.role_changed', 'whatsapp.team.member_removed']);
    // Invited again later, they are a member again (a new membership).
    assert.notEqual(await invite(owner.client, agent.person.email, 'agent'), memberId);
  });
});
