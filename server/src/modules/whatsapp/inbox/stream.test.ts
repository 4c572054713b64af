import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createPlatform } from '../../../app.js';
import { Client, json, signedInClient, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { settleSimulator } from '../../../test/whatsapp.js';
import { inboxTenant, invite, writeIn } from './inbox-test-kit.js';

/**
 * The live inbox over a real HTTP connection (not app.inject, which waits for the end of a
 * response): server-sent events of a new inbound message, assignment, note and the status ticks of
 * a reply; the stream ends when its session is signed out or its reader leaves the team.
 */

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a text/event-stream response event by event. */
class EventReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  ended = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next event (comments and `retry:` lines skipped); null when the server closed the stream. */
  async next(): Promise<SseEvent | null> {
    for (;;) {
      const cut = this.buffer.indexOf('\n\n');
      if (cut >= 0) {
        const block = this.buffer.slice(0, cut);
        this.buffer = this.buffer.slice(cut + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event && data) return { event, data: JSON.parse(data) as Record<string, unknown> };
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) {
        this.ended = true;
        return null;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Skips heartbeats and other events until `name` comes. */
  async until(name: string): Promise<SseEvent> {
    for (;;) {
      const e = await this.next();
      if (!e) throw new Error(`the stream ended before a ${name} event`);
      if (e.event === name) return e;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

describe('WhatsApp team inbox: live updates (server-sent events)', () => {
  let t: TestPlatform;
  let base: string;
  before(async () => {
    t = await testPlatform();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(() => t.close());

  const hub = () => t.platform.services.whatsappTeamInbox.hub;

  async function open(client: Client, tenantId: string) {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}/api/whatsapp/inbox/stream?tenantId=${tenantId}`, { headers: { cookie, accept: 'text/event-stream' } });
    return res;
  }

  async function stream(client: Client, tenantId: string): Promise<EventReader> {
    const res = await open(client, tenantId);
    assert.equal(res.status, 200, await (res.status === 200 ? Promise.resolve('') : res.text()));
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const reader = new EventReader(res.body!);
    const ready = await reader.until('ready');
    assert.deepEqual(ready.data.tenantId, tenantId);
    return reader;
  }

  test('a member’s stream brings the person’s new message, then assignment, a note and the reply’s ticks', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    await invite(owner.client, agent.person.email, 'agent');
    const tenant = owner.person.id;
    const live = await stream(agent.client, tenant);
    const ownerLive = await stream(owner.client, tenant);

    await writeIn(t, owner.number, '919898989898', 'Namaste, is the shop open?');
    const arrived = await live.until('message');
    const message = arrived.data.message as { direction: string; text: string; status: string; id: string };
    const conversation = arrived.data.conversation as { id: string; unread: number; waId: string; contact: { profileName: string } };
    assert.deepEqual([message.direction, message.text, message.status], ['inbound', 'Namaste, is the shop open?', 'received']);
    assert.deepEqual([conversation.waId, conversation.unread, conversation.contact.profileName], ['919898989898', 1, 'Asha Devi']);
    assert.equal(((await ownerLive.until('message')).data.message as { id: string }).id, message.id, 'every reader of the inbox hears it');

    // The agent opens it: their unread count goes to 0 on their stream, the owner's stays 1.
    await agent.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/read`);
    assert.equal(((await live.until('conversation')).data.conversation as { unread: number }).unread, 0);
    assert.equal(((await ownerLive.until('conversation')).data.conversation as { unread: number }).unread, 1);

    await owner.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/assign`, { assigneeId: agent.person.id });
    const assigned = (await live.until('conversation')).data.conversation as { assignee: { id: string } | null };
    assert.equal(assigned.assignee?.id, agent.person.id);

    await owner.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/notes`, { body: 'Regular customer, prefers Hindi.' });
    const note = (await live.until('note')).data.note as { body: string; conversationId: string };
    assert.deepEqual([note.conversationId, note.body], [conversation.id, 'Regular customer, prefers Hindi.']);

    // The agent answers; WhatsApp reports sent and delivered (the person's phone does not read at once), then read.
    const user = await t.app.inject({ method: 'PUT', url: '/sandbox/graph/_sim/users/919898989898', payload: { auto_read: false } });
    assert.equal(user.statusCode, 200, user.body);
    const replied = await agent.client.post(`/api/whatsapp/inbox/conversations/${conversation.id}/messages`, { text: 'Yes, till 8 pm.' });
    assert.equal(replied.statusCode, 200, replied.body);
    const replyId = json<{ message: { id: string } }>(replied).message.id;
    assert.equal(((await live.until('message')).data.message as { id: string }).id, replyId);
    const untilStatus = async (status: string) => {
      for (;;) {
        const m = (await live.until('status')).data.message as { id: string; status: string };
        assert.equal(m.id, replyId);
        if (m.status === status) return;
      }
    };
    await settleSimulator(t);
    await untilStatus('delivered');
    const read = await t.app.inject({ method: 'POST', url: `/sandbox/graph/_sim/numbers/${owner.number.phoneNumberId}/conversations/919898989898/read` });
    assert.ok(read.statusCode < 300, read.body);
    await settleSimulator(t);
    await untilStatus('read');
    await live.cancel();
    await ownerLive.cancel();
  });

  test('a change made through another instance on the same database reaches this instance’s streams', async () => {
    const owner = await inboxTenant(t);
    const tenant = owner.person.id;
    await writeIn(t, owner.number, '919822223333', 'hello');
    const live = await stream(owner.client, tenant);
    // A second API instance: its own app and its own (empty) set of streams, the same database.
    const other = await createPlatform({ config: t.config, db: t.db, logger: false });
    await other.app.ready();
    try {
      const elsewhere = new Client(other.app);
      for (const [k, v] of owner.client.cookies) elsewhere.cookies.set(k, v);
      elsewhere.csrf = owner.client.csrf;
      const conversation = json<{ items: { id: string }[] }>(await elsewhere.get(`/api/whatsapp/inbox/conversations?tenantId=${tenant}`)).items[0]!;
      const res = await elsewhere.post(`/api/whatsapp/inbox/conversations/${conversation.id}/notes`, { body: 'Written on the other instance.' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(other.services.whatsappTeamInbox.hub.size, 0, 'the other instance has no streams of its own');
      const note = (await live.until('note')).data.note as { body: string };
      assert.equal(note.body, 'Written on the other instance.');
    } finally {
      await live.cancel();
      await other.app.close();
    }
  });

  test('nobody else can open the stream; another tenant’s changes never reach it', async () => {
    const owner = await inboxTenant(t);
    const other = await inboxTenant(t);
    const stranger = await signedInClient(t, 'customer');
    const refused = await open(stranger.client, owner.person.id);
    assert.equal(refused.status, 404);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'not_found');
    const anonymous = await fetch(`${base}/api/whatsapp/inbox/stream?tenantId=${owner.person.id}`);
    assert.equal(anonymous.status, 401);

    const live = await stream(owner.client, owner.person.id);
    await writeIn(t, other.number, '919800000001', 'for the other business');
    await writeIn(t, owner.number, '919800000002', 'for this business');
    const e = await live.until('message');
    assert.equal((e.data.message as { text: string }).text, 'for this business', 'the other tenant’s message was never sent here');
    await live.cancel();
  });

  test('the stream ends when its session is signed out, and when its reader leaves the team', async () => {
    const owner = await inboxTenant(t);
    const agent = await signedInClient(t, 'customer');
    const memberId = await invite(owner.client, agent.person.email, 'agent');
    const tenant = owner.person.id;

    const ownerLive = await stream(owner.client, tenant);
    const logout = await owner.client.post('/api/auth/logout');
    assert.ok(logout.statusCode < 300, logout.body);
    await hub().check();
    const end = await ownerLive.until('end');
    assert.equal(end.data.reason, 'signed_out');
    assert.equal(await ownerLive.next(), null, 'the server closed the stream');

    const agentLive = await stream(agent.client, tenant);
    const ownerAgain = new Client(t.app);
    assert.equal((await ownerAgain.login(owner.person.email, owner.person.password)).statusCode, 200);
    assert.equal((await ownerAgain.delete(`/api/whatsapp/team/${memberId}`)).statusCode, 204);
    const removed = await agentLive.until('end');
    assert.equal(removed.data.reason, 'access_removed');
    assert.equal(await agentLive.next(), null);
    assert.equal((await open(agent.client, tenant)).status, 404, 'and cannot open it again');
  });
});
