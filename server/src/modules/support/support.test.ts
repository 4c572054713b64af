import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createFileLinks } from '../../platform/file-links.js';
import { keyringFromConfig } from '../../platform/storage/index.js';
import { Client, json, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';
import { makeExe, makeJpeg, makePdf, makePng } from '../../test/files.js';
import { multipartBody } from '../../test/multipart.js';
import { CLOSE_RESOLVED_JOB } from './support.module.js';

type State = 'open' | 'waiting_on_customer' | 'resolved' | 'closed';
const STATES: State[] = ['open', 'waiting_on_customer', 'resolved', 'closed'];

interface Att {
  id: string;
  url: string;
  contentType: string;
}
interface Msg {
  id: string;
  body: string;
  internal: boolean;
  author: { name: string; role: string };
  attachments: Att[];
}
interface CustomerView {
  ticket: { id: string; reference: string; state: State; reopenUntil: string | null; resolvedAt: string | null; canReply: boolean; canReopen: boolean; canResolve: boolean; link: { type: string; id: string } | null };
  messages: Msg[];
  events: { kind: string; from: string; to: string }[];
}
interface StaffView {
  ticket: CustomerView['ticket'] & {
    priority: string;
    assignee: { id: string; name: string } | null;
    customer: { id: string; email: string };
    sla: { firstResponseDueAt: string; resolutionDueAt: string; firstRespondedAt: string | null; firstResponseOverdue: boolean; resolutionOverdue: boolean };
    allowedStates: State[];
    reopenCount: number;
  };
  messages: Msg[];
  events: { kind: string; from: string | null; to: string | null }[];
}
interface QueueBody {
  items: { id: string; reference: string; priority: string; state: State; assignee: { id: string } | null; sla: { firstResponseOverdue: boolean; resolutionOverdue: boolean } }[];
  total: number;
}
const code = (res: LightMyRequestResponse) => json<{ error: { code: string } }>(res).error.code;
type Person = Awaited<ReturnType<typeof signedInClient>>;

describe('support tickets', () => {
  let t: TestPlatform;
  let operator: Person;
  let operator2: Person;
  let admin: Person;
  before(async () => {
    t = await testPlatform();
    operator = await signedInClient(t, 'operator');
    operator2 = await signedInClient(t, 'operator');
    admin = await signedInClient(t, 'admin');
  });
  after(() => t.close());

  const upload = (c: Client, data: Buffer, filename = 'scan.png') => {
    const { body, headers } = multipartBody([{ filename, contentType: 'application/octet-stream', data }]);
    return c.request('POST', '/api/support/attachments', body, headers);
  };

  async function openTicket(c: Client, extra: Record<string, unknown> = {}): Promise<CustomerView> {
    const res = await c.post('/api/support/tickets', { subject: 'My wallet top-up did not arrive', category: 'wallet', message: 'I paid ₹500 at 10:05 and the balance did not change.', ...extra });
    assert.equal(res.statusCode, 201, res.body);
    return json<CustomerView>(res);
  }

  const staffMove = (id: string, state: State, by: Person = operator) => by.client.post(`/api/staff/support/tickets/${id}/state`, { state });

  /** A fresh customer with a ticket in `state`, reached through the API. */
  async function ticketIn(state: State) {
    const customer = await signedInClient(t, 'customer');
    const view = await openTicket(customer.client);
    const id = view.ticket.id;
    const path: Record<State, State[]> = { open: [], waiting_on_customer: ['waiting_on_customer'], resolved: ['resolved'], closed: ['resolved', 'closed'] };
    for (const s of path[state]) assert.equal((await staffMove(id, s)).statusCode, 200);
    const [row] = await t.db.query<{ state: string }>('SELECT state FROM support_tickets WHERE id = $1', [id]);
    assert.equal(row!.state, state);
    return { customer, id };
  }

  const stateOf = async (id: string) => (await t.db.query<{ state: State }>('SELECT state FROM support_tickets WHERE id = $1', [id]))[0]!.state;
  const kindsFor = async (userId: string) =>
    (await t.db.query<{ kind: string }>('SELECT kind FROM notifications WHERE user_id = $1 ORDER BY created_at, id', [userId])).map((r) => r.kind);

  test('a customer opens a ticket: reference, first message, confirmation notification and activity record', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const view = await openTicket(client);
    assert.match(view.ticket.reference, /^T-\d+$/);
    assert.equal(view.ticket.state, 'open');
    assert.equal(view.messages.length, 1);
    assert.equal(view.messages[0]!.author.role, 'customer');
    assert.deepEqual(await kindsFor(person.id), ['ticket.opened']);
    const [mail] = await t.db.query<{ subject: string }>("SELECT subject FROM mail_outbox WHERE user_id = $1 AND purpose = 'ticket_opened'", [person.id]);
    assert.equal(mail!.subject, `We received your ticket ${view.ticket.reference}`);
    const list = json<{ items: { id: string }[]; total: number }>(await client.get('/api/support/tickets'));
    assert.deepEqual(list.items.map((i) => i.id), [view.ticket.id]);
    const [rec] = await t.db.query<{ actor_id: string; subject_user_id: string; ip: string; user_agent: string }>(
      "SELECT actor_id, subject_user_id, ip, user_agent FROM activity_log WHERE action = 'support.ticket_opened' AND object_id = $1",
      [view.ticket.id],
    );
    assert.equal(rec!.actor_id, person.id);
    assert.equal(rec!.subject_user_id, person.id);
    assert.ok(rec!.ip && rec!.user_agent);
  });

  test('bad input is refused with field errors, never a 500', async () => {
    const { client } = await signedInClient(t, 'customer');
    const cases: [Record<string, unknown>, string][] = [
      [{ subject: '  ', category: 'wallet', message: 'x' }, 'validation_failed'],
      [{ subject: 'Fine subject', category: 'lottery', message: 'x' }, 'validation_failed'],
      [{ subject: 'Fine subject', category: 'wallet', message: '   ' }, 'validation_failed'],
      [{ subject: 'Fine subject', category: 'wallet', message: 'x', extra: 1 }, 'validation_failed'],
      [{ subject: 'Fine subject', category: 'wallet', message: 'x', attachmentIds: ['not-a-uuid'] }, 'validation_failed'],
    ];
    for (const [body, want] of cases) {
      const res = await client.post('/api/support/tickets', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(code(res), want);
    }
  });

  describe('state machine through the API', () => {
    // Staff: every (from, to); hand-written expectations.
    const STAFF_OK = new Set(['open>waiting_on_customer', 'open>resolved', 'waiting_on_customer>open', 'waiting_on_customer>resolved', 'resolved>open', 'resolved>closed']);
    for (const from of STATES) {
      for (const to of STATES) {
        const ok = STAFF_OK.has(`${from}>${to}`);
        test(`staff: ${from} → ${to} ${ok ? 'allowed, customer notified' : '409'}`, async () => {
          const { customer, id } = await ticketIn(from);
          const before = (await kindsFor(customer.person.id)).length;
          const res = await staffMove(id, to, from === 'resolved' ? admin : operator);
          if (ok) {
            assert.equal(res.statusCode, 200, res.body);
            assert.equal(json<StaffView>(res).ticket.state, to);
            assert.equal(await stateOf(id), to);
            const kinds = await kindsFor(customer.person.id);
            assert.equal(kinds.length, before + 1);
            const expectedKind = { open: 'ticket.reopened', waiting_on_customer: 'ticket.waiting_on_customer', resolved: 'ticket.resolved', closed: 'ticket.closed' }[to];
            assert.equal(kinds.at(-1), expectedKind);
            const [rec] = await t.db.query<{ details: { from: string; to: string } }>(
              "SELECT details FROM activity_log WHERE action = 'support.state_changed' AND object_id = $1 ORDER BY id DESC LIMIT 1",
              [id],
            );
            assert.deepEqual([rec!.details.from, rec!.details.to], [from, to]);
          } else {
            assert.equal(res.statusCode, 409, res.body);
            assert.equal(code(res), from === 'closed' ? 'ticket_closed' : 'invalid_transition');
            assert.equal(await stateOf(id), from, 'unchanged');
            assert.equal((await kindsFor(customer.person.id)).length, before, 'nobody notified');
          }
        });
      }
    }

    // Customer: reopen and resolve from each state, and a reply from each state.
    const CUSTOMER: Record<State, { reopen: boolean; resolve: boolean; reply: State | null }> = {
      open: { reopen: false, resolve: true, reply: 'open' },
      waiting_on_customer: { reopen: false, resolve: true, reply: 'open' },
      resolved: { reopen: true, resolve: false, reply: null },
      closed: { reopen: false, resolve: false, reply: null },
    };
    for (const from of STATES) {
      const want = CUSTOMER[from];
      test(`customer on a ${from} ticket: reopen ${want.reopen ? 'ok' : '409'}, resolve ${want.resolve ? 'ok' : '409'}, reply ${want.reply ? `→ ${want.reply}` : '409'}`, async () => {
        for (const action of ['reopen', 'resolve'] as const) {
          const { customer, id } = await ticketIn(from);
          const res = await customer.client.post(`/api/support/tickets/${id}/${action}`);
          if (want[action]) {
            assert.equal(res.statusCode, 200, res.body);
            assert.equal(json<CustomerView>(res).ticket.state, action === 'reopen' ? 'open' : 'resolved');
          } else {
            assert.equal(res.statusCode, 409, `${action}: ${res.body}`);
            assert.equal(await stateOf(id), from);
          }
        }
        const { customer, id } = await ticketIn(from);
        const res = await customer.client.post(`/api/support/tickets/${id}/messages`, { body: 'More details here.' });
        if (want.reply) {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(await stateOf(id), want.reply);
        } else {
          assert.equal(res.statusCode, 409, res.body);
          assert.equal(code(res), from === 'closed' ? 'ticket_closed' : 'ticket_resolved');
        }
        // A customer has no way to the staff moves.
        assert.equal((await customer.client.post(`/api/staff/support/tickets/${id}/state`, { state: 'closed' })).statusCode, 403);
        assert.equal(await stateOf(id), want.reply ?? from);
      });
    }

    test('the database refuses a move the rules do not allow, whatever the code does', async () => {
      const { id } = await ticketIn('closed');
      await assert.rejects(t.db.query("UPDATE support_tickets SET state = 'open', resolved_at = NULL, closed_at = NULL WHERE id = $1", [id]), /cannot move from closed to open/);
      const open = await ticketIn('open');
      await assert.rejects(t.db.query("UPDATE support_tickets SET state = 'closed', resolved_at = now(), closed_at = now() WHERE id = $1", [open.id]), /cannot move from open to closed/);
    });

    test('a staff reply can move the ticket in the same step, with one notification quoting the reply', async () => {
      const { customer, id } = await ticketIn('open');
      const res = await operator.client.post(`/api/staff/support/tickets/${id}/messages`, { body: 'Please send the UTR number from your bank.', state: 'waiting_on_customer' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<StaffView>(res).ticket.state, 'waiting_on_customer');
      const notes = await t.db.query<{ kind: string; body_en: string }>("SELECT kind, body_en FROM notifications WHERE user_id = $1 AND kind <> 'ticket.opened'", [customer.person.id]);
      assert.deepEqual(notes.map((n) => n.kind), ['ticket.waiting_on_customer']);
      assert.match(notes[0]!.body_en, /UTR number/);
      // The customer's reply puts it back with the desk.
      assert.equal((await customer.client.post(`/api/support/tickets/${id}/messages`, { body: 'UTR 1234567890' })).statusCode, 200);
      assert.equal(await stateOf(id), 'open');
      // A reply cannot make a move the rules forbid.
      const bad = await operator.client.post(`/api/staff/support/tickets/${id}/messages`, { body: 'x', state: 'resolved', internal: true });
      assert.equal(bad.statusCode, 400, bad.body);
    });
  });

  test('internal notes and their files never reach the customer: not in the ticket, the list, notifications, mail or activity', async () => {
    const { customer, id } = await ticketIn('open');
    const secret = `Internal: customer flagged by fraud check ${randomUUID()}`;
    const up = await upload(operator.client, makePng());
    assert.equal(up.statusCode, 201, up.body);
    const attachment = json<{ attachment: Att }>(up).attachment;
    const note = await operator.client.post(`/api/staff/support/tickets/${id}/messages`, { body: secret, internal: true, attachmentIds: [attachment.id] });
    assert.equal(note.statusCode, 200, note.body);
    const staffSeen = json<StaffView>(note).messages.find((m) => m.body === secret);
    assert.ok(staffSeen?.internal, 'staff see the note');
    assert.equal(staffSeen!.attachments.length, 1);
    // Another operator sees it too, and can download the file.
    const other = json<StaffView>(await operator2.client.get(`/api/staff/support/tickets/${id}`));
    const file = other.messages.find((m) => m.internal)!.attachments[0]!;
    assert.equal((await operator2.client.get(file.url)).statusCode, 200);

    const view = await customer.client.get(`/api/support/tickets/${id}`);
    assert.equal(view.statusCode, 200);
    assert.ok(!view.body.includes(secret));
    assert.ok(!view.body.includes(attachment.id));
    assert.ok(json<CustomerView>(view).messages.every((m) => !m.internal));
    for (const url of ['/api/support/tickets', '/api/notifications', '/api/me/activity?limit=200']) {
      const res = await customer.client.get(url);
      assert.equal(res.statusCode, 200);
      assert.ok(!res.body.includes(secret), url);
      assert.ok(!res.body.includes('support.internal_note_added'), url);
    }
    const mails = await t.db.query<{ body_text: string }>('SELECT body_text FROM mail_outbox WHERE user_id = $1', [customer.person.id]);
    assert.ok(mails.every((m) => !m.body_text.includes(secret)));
    // Even a correctly signed link for the customer leads nowhere.
    const links = createFileLinks(keyringFromConfig(t.config));
    const forged = links.sign('support', attachment.id, customer.person.id);
    assert.equal((await customer.client.get(forged.url)).statusCode, 404);
    // The note was recorded for the audit trail, without the text.
    const [rec] = await t.db.query<{ actor_id: string; subject_user_id: string | null; details: Record<string, unknown> }>(
      "SELECT actor_id, subject_user_id, details FROM activity_log WHERE action = 'support.internal_note_added' AND object_id = $1",
      [id],
    );
    assert.equal(rec!.actor_id, operator.person.id);
    assert.equal(rec!.subject_user_id, null);
    assert.ok(!JSON.stringify(rec!.details).includes('fraud'));
  });

  test('another customer’s ticket answers 404 on every route, exactly like a missing one; nothing changes', async () => {
    const { customer: owner, id } = await ticketIn('resolved');
    const stranger = await signedInClient(t, 'customer');
    const calls: [string, () => Promise<LightMyRequestResponse>][] = [
      ['view', () => stranger.client.get(`/api/support/tickets/${id}`)],
      ['reply', () => stranger.client.post(`/api/support/tickets/${id}/messages`, { body: 'hi' })],
      ['reopen', () => stranger.client.post(`/api/support/tickets/${id}/reopen`)],
      ['resolve', () => stranger.client.post(`/api/support/tickets/${id}/resolve`)],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      assert.equal(res.statusCode, 404, `${name}: ${res.body}`);
      assert.equal(code(res), 'not_found');
      const missing = await stranger.client.get(`/api/support/tickets/${randomUUID()}`);
      assert.deepEqual(json<{ error: { message: string } }>(res).error.message, json<{ error: { message: string } }>(missing).error.message);
    }
    assert.equal(await stateOf(id), 'resolved');
    assert.deepEqual(json<{ total: number }>(await stranger.client.get('/api/support/tickets')).total, 0);
    // The owner's files cannot be attached or read by the stranger either.
    const up = await upload(owner.client, makePdf());
    const ownerFile = json<{ attachment: Att }>(up).attachment;
    const steal = await stranger.client.post('/api/support/tickets', { subject: 'Stealing', category: 'service', message: 'x', attachmentIds: [ownerFile.id] });
    assert.equal(steal.statusCode, 400, steal.body);
    assert.equal(code(steal), 'attachment_not_found');
    assert.equal((await stranger.client.get(ownerFile.url)).statusCode, 404, 'a link is bound to its user');
  });

  test('attachments are validated by content, stored encrypted, limited per message and readable by the right people', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    // The local store shards files under support/<2 hex digits>/.
    const supportFiles = () => {
      try {
        return readdirSync(path.join(t.config.filesDir, 'support'), { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).length;
      } catch {
        return 0;
      }
    };
    const exe = await upload(client, makeExe(), 'invoice.pdf');
    assert.equal(exe.statusCode, 415, exe.body);
    assert.equal(code(exe), 'unsupported_file_type');
    const polyglot = await upload(client, Buffer.concat([makePng(), Buffer.from('<html><script>alert(1)</script></html>')]));
    assert.equal(polyglot.statusCode, 422, polyglot.body);
    const notMultipart = await client.post('/api/support/attachments', { file: 'x' });
    assert.equal(notMultipart.statusCode, 415, notMultipart.body);
    const refusedRows = await t.db.query('SELECT 1 FROM support_attachments WHERE uploader_id = $1', [person.id]);
    assert.equal(refusedRows.length, 0, 'a refused upload leaves no row');

    const ids: string[] = [];
    for (const data of [makePdf(), makeJpeg(), makePng(), makePdf(), makePng(), makeJpeg()]) {
      const res = await upload(client, data);
      assert.equal(res.statusCode, 201, res.body);
      ids.push(json<{ attachment: Att }>(res).attachment.id);
    }
    assert.ok(supportFiles() >= 6);
    const tooMany = await client.post('/api/support/tickets', { subject: 'Six files', category: 'kyc', message: 'see files', attachmentIds: ids });
    assert.equal(tooMany.statusCode, 400, tooMany.body);
    const view = await openTicket(client, { attachmentIds: ids.slice(0, 2) });
    const files = view.messages[0]!.attachments;
    assert.deepEqual(files.map((f) => f.contentType), ['application/pdf', 'image/jpeg']);
    const download = await client.get(files[0]!.url);
    assert.equal(download.statusCode, 200);
    assert.deepEqual(download.rawPayload, makePdf());
    assert.equal(download.headers['content-disposition'], `attachment; filename="attachment-${files[0]!.id.slice(0, 8)}.pdf"`);
    // Staff read customers' files through their own links.
    const staff = json<StaffView>(await operator.client.get(`/api/staff/support/tickets/${view.ticket.id}`));
    assert.equal((await operator.client.get(staff.messages[0]!.attachments[1]!.url)).statusCode, 200);
    // Used ids cannot be attached again.
    const again = await client.post(`/api/support/tickets/${view.ticket.id}/messages`, { body: 'again', attachmentIds: [ids[0]] });
    assert.equal(again.statusCode, 400);
    assert.equal(code(again), 'attachment_not_found');

    // Uploads never sent are removed by the cleanup job after a day, file included.
    await t.db.query("UPDATE support_attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])", [ids.slice(2, 4)]);
    const before = supportFiles();
    const purged = await t.platform.services.support.purgeAttachments();
    assert.equal(purged.pending, 2);
    assert.equal(supportFiles(), before - 2);
    const left = await t.db.query<{ id: string }>('SELECT id FROM support_attachments WHERE uploader_id = $1 AND message_id IS NULL ORDER BY created_at', [person.id]);
    assert.deepEqual(left.map((r) => r.id).sort(), ids.slice(4).sort());
  });

  test('retention: attachments on tickets of an account closed more than RECORDS_RETENTION_DAYS ago are purged, the tickets stay', async () => {
    const days = t.config.recordsRetentionDays;
    // Each customer sends a file with the ticket; staff answer one with a file of their own.
    const withFiles = async () => {
      const c = await signedInClient(t, 'customer');
      const up = await upload(c.client, makePdf());
      assert.equal(up.statusCode, 201, up.body);
      const view = await openTicket(c.client, { attachmentIds: [json<{ attachment: Att }>(up).attachment.id] });
      const staffUp = await upload(operator.client, makePng());
      assert.equal(staffUp.statusCode, 201, staffUp.body);
      const reply = await operator.client.post(`/api/staff/support/tickets/${view.ticket.id}/messages`, { body: 'Here is the statement.', attachmentIds: [json<{ attachment: Att }>(staffUp).attachment.id] });
      assert.equal(reply.statusCode, 200, reply.body);
      return { id: c.person.id, ticketId: view.ticket.id };
    };
    const [old, recent, active] = [await withFiles(), await withFiles(), await withFiles()];
    const closeAgo = (id: string, n: number) => t.db.query("UPDATE users SET status = 'closed', closed_at = now() - make_interval(days => $2) WHERE id = $1", [id, n]);
    await closeAgo(old.id, days + 1);
    await closeAgo(recent.id, days - 1);
    const filesOf = (ticketId: string) =>
      t.db.query<{ id: string; object_key: string }>(
        'SELECT a.id, a.object_key FROM support_attachments a JOIN support_messages m ON m.id = a.message_id WHERE m.ticket_id = $1 ORDER BY a.id',
        [ticketId],
      );
    const fileOf = (key: string) => path.join(t.config.filesDir, 'support', key.slice(8, 10), key.slice(8));
    const oldFiles = await filesOf(old.ticketId);
    assert.equal(oldFiles.length, 2);
    for (const f of oldFiles) statSync(fileOf(f.object_key));
    const kept = [...(await filesOf(recent.ticketId)), ...(await filesOf(active.ticketId))];
    assert.equal(kept.length, 4);
    const messagesOf = async (ticketId: string) => (await t.db.query<{ body: string }>('SELECT body FROM support_messages WHERE ticket_id = $1 ORDER BY created_at, id', [ticketId])).map((r) => r.body);
    const bodies = await messagesOf(old.ticketId);

    for (let run = 0; run < 2; run++) {
      await t.platform.jobs.enqueue(t.db, 'records.retention-purge', {});
      assert.equal(await t.platform.jobs.runPending('records.retention-purge'), 1);
    }

    assert.deepEqual(await filesOf(old.ticketId), []);
    for (const f of oldFiles) assert.throws(() => statSync(fileOf(f.object_key)), /ENOENT/);
    assert.deepEqual(await messagesOf(old.ticketId), bodies, 'the ticket and its messages stay');
    const staffView = json<StaffView>(await operator.client.get(`/api/staff/support/tickets/${old.ticketId}`));
    assert.deepEqual(staffView.messages.map((m) => m.attachments.length), [0, 0]);
    const records = await t.db.query<{ actor_type: string; details: { attachments: number } }>(
      "SELECT actor_type, details FROM activity_log WHERE subject_user_id = $1 AND action = 'support.files_purged'",
      [old.id],
    );
    assert.deepEqual(records.map((r) => [r.actor_type, r.details.attachments]), [['system', 2]], 'one record: the second run found nothing');

    assert.deepEqual([...(await filesOf(recent.ticketId)), ...(await filesOf(active.ticketId))], kept);
    for (const f of kept) statSync(fileOf(f.object_key));
  });

  test('reopen period: within SUPPORT_REOPEN_DAYS the customer reopens (SLA clock restarts); after it, 409', async () => {
    const { customer, id } = await ticketIn('resolved');
    const resolved = json<CustomerView>(await customer.client.get(`/api/support/tickets/${id}`)).ticket;
    assert.equal(resolved.canReopen, true);
    assert.equal(new Date(resolved.reopenUntil!).getTime() - new Date(resolved.resolvedAt!).getTime(), 7 * 86_400_000);

    await t.db.query("UPDATE support_tickets SET resolved_at = now() - interval '6 days' WHERE id = $1", [id]);
    const reopened = await customer.client.post(`/api/support/tickets/${id}/reopen`);
    assert.equal(reopened.statusCode, 200, reopened.body);
    const staff = json<StaffView>(await operator.client.get(`/api/staff/support/tickets/${id}`)).ticket;
    assert.equal(staff.reopenCount, 1);
    assert.ok(new Date(staff.sla.resolutionDueAt).getTime() > Date.now() + 71 * 3_600_000, 'a fresh 72 h for a normal ticket');

    const late = await ticketIn('resolved');
    await t.db.query("UPDATE support_tickets SET resolved_at = now() - interval '7 days 1 minute' WHERE id = $1", [late.id]);
    const view = json<CustomerView>(await late.customer.client.get(`/api/support/tickets/${late.id}`)).ticket;
    assert.equal(view.canReopen, false);
    for (const c of [late.customer.client, operator.client]) {
      const res = c === operator.client ? await staffMove(late.id, 'open') : await c.post(`/api/support/tickets/${late.id}/reopen`);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(code(res), 'reopen_period_over');
    }
    assert.equal(await stateOf(late.id), 'resolved');
  });

  test('the cleanup job closes resolved tickets once the reopen period is over, and only those', async () => {
    const expired = await ticketIn('resolved');
    const recent = await ticketIn('resolved');
    const open = await ticketIn('open');
    await t.db.query("UPDATE support_tickets SET resolved_at = now() - interval '8 days' WHERE id = $1", [expired.id]);
    await t.db.query("UPDATE support_tickets SET resolved_at = now() - interval '6 days' WHERE id = $1", [recent.id]);

    await t.platform.jobs.enqueue(t.db, CLOSE_RESOLVED_JOB, {});
    assert.equal(await t.platform.jobs.runPending(CLOSE_RESOLVED_JOB), 1);
    assert.equal(await stateOf(expired.id), 'closed');
    assert.equal(await stateOf(recent.id), 'resolved');
    assert.equal(await stateOf(open.id), 'open');
    assert.equal((await kindsFor(expired.customer.person.id)).at(-1), 'ticket.closed');
    const [rec] = await t.db.query<{ actor_type: string; actor_id: string | null; subject_user_id: string }>(
      "SELECT actor_type, actor_id, subject_user_id FROM activity_log WHERE action = 'support.state_changed' AND object_id = $1 ORDER BY id DESC LIMIT 1",
      [expired.id],
    );
    assert.deepEqual({ ...rec }, { actor_type: 'system', actor_id: null, subject_user_id: expired.customer.person.id });
    const last = json<CustomerView>(await expired.customer.client.get(`/api/support/tickets/${expired.id}`)).events.at(-1)!;
    assert.deepEqual([last.kind, last.from, last.to], ['state', 'resolved', 'closed']);
    assert.equal(await t.platform.services.support.closeExpired(), 0, 'a second run finds nothing');
  });

  test('links: a payment of the customer’s own; someone else’s payment, an unknown application or message are refused', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const stranger = await signedInClient(t, 'customer');
    const pay = async (userId: string) => (await t.db.query<{ id: string }>("INSERT INTO payments (user_id, gateway, amount) VALUES ($1, 'sandbox', 50000) RETURNING id", [userId]))[0]!.id;
    const mine = await pay(person.id);
    const theirs = await pay(stranger.person.id);
    const ok = await openTicket(client, { link: { type: 'payment', id: mine } });
    assert.deepEqual(ok.ticket.link, { type: 'payment', id: mine });
    for (const link of [{ type: 'payment', id: theirs }, { type: 'payment', id: 'not-a-uuid' }, { type: 'application', id: randomUUID() }, { type: 'whatsapp_message', id: 'wamid.HBgLMTIzNDU2Nzg5MDEVAgARGBI' }]) {
      const res = await client.post('/api/support/tickets', { subject: 'About this', category: 'wallet', message: 'x', link });
      assert.equal(res.statusCode, 400, `${JSON.stringify(link)}: ${res.body}`);
      assert.equal(code(res), 'link_not_found');
    }
    assert.equal(json<{ total: number }>(await client.get('/api/support/tickets')).total, 1);
  });

  test('operators’ queue: filters, SLA flags, priority moves the due times, assignment notifies, replies stop the first-response clock', async () => {
    const a = await ticketIn('open');
    const b = await ticketIn('open');
    const c = await ticketIn('waiting_on_customer');
    // a is overdue for its first reply.
    await t.db.query("UPDATE support_tickets SET first_response_due_at = now() - interval '1 hour' WHERE id = $1", [a.id]);
    const q = async (query: string) => {
      const res = await operator.client.get(`/api/staff/support/tickets?limit=200&${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return json<QueueBody>(res);
    };
    const ids = (body: QueueBody) => body.items.map((i) => i.id);
    const overdueList = await q('overdue=true');
    assert.ok(ids(overdueList).includes(a.id));
    assert.ok(!ids(overdueList).includes(b.id));
    assert.equal(overdueList.items.find((i) => i.id === a.id)!.sla.firstResponseOverdue, true);
    assert.ok(!ids(await q('state=open')).includes(c.id));
    assert.ok(ids(await q('state=waiting_on_customer')).includes(c.id));
    assert.ok(ids(await q('')).includes(c.id), 'default: open and waiting');
    assert.ok(ids(await q('category=wallet')).includes(a.id));
    assert.ok(!ids(await q('category=privacy')).includes(a.id));
    const ref = json<StaffView>(await operator.client.get(`/api/staff/support/tickets/${b.id}`)).ticket.reference;
    assert.deepEqual(ids(await q(`q=${ref}`)), [b.id]);
    assert.ok(!ids(await q('minAgeHours=1')).includes(b.id), 'b is minutes old');

    // Priority: urgent puts it first and pulls the due times in.
    const urgent = await operator.client.patch(`/api/staff/support/tickets/${b.id}`, { priority: 'urgent' });
    assert.equal(urgent.statusCode, 200, urgent.body);
    const bView = json<StaffView>(urgent).ticket;
    assert.equal(bView.priority, 'urgent');
    const created = (await t.db.query<{ created_at: Date }>('SELECT created_at FROM support_tickets WHERE id = $1', [b.id]))[0]!.created_at;
    assert.equal(new Date(bView.sla.firstResponseDueAt).getTime(), created.getTime() + 3_600_000);
    assert.equal((await q('')).items[0]!.priority, 'urgent');
    assert.deepEqual(ids(await q('priority=urgent')).includes(b.id), true);

    // Assignment: to another operator, who is told; not to a customer.
    const assign = await operator.client.patch(`/api/staff/support/tickets/${a.id}`, { assigneeId: operator2.person.id });
    assert.equal(assign.statusCode, 200, assign.body);
    assert.equal(json<StaffView>(assign).ticket.assignee!.id, operator2.person.id);
    assert.ok((await kindsFor(operator2.person.id)).includes('ticket.assigned'));
    const asMe = json<QueueBody>(await operator2.client.get('/api/staff/support/tickets?assignee=me'));
    assert.deepEqual(ids(asMe), [a.id]);
    assert.ok(!ids(await q('assignee=none')).includes(a.id));
    const wrong = await operator.client.patch(`/api/staff/support/tickets/${a.id}`, { assigneeId: a.customer.person.id });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(code(wrong), 'invalid_assignee');
    // The customer's reply reaches the assignee.
    assert.equal((await a.customer.client.post(`/api/support/tickets/${a.id}/messages`, { body: 'Any news?' })).statusCode, 200);
    assert.ok((await kindsFor(operator2.person.id)).includes('ticket.customer_replied'));
    // Priority and assignment are internal: not in the customer's view or activity.
    const customerView = await a.customer.client.get(`/api/support/tickets/${a.id}`);
    assert.ok(!customerView.body.includes('assignee'));
    assert.ok(!customerView.body.includes(operator2.person.id));

    // A staff reply notifies the customer (in-app and email) and stops the first-response clock.
    const reply = await operator2.client.post(`/api/staff/support/tickets/${a.id}/messages`, { body: 'We found your payment; the credit is on its way.' });
    assert.equal(reply.statusCode, 200, reply.body);
    const after = json<StaffView>(reply).ticket;
    assert.ok(after.sla.firstRespondedAt);
    assert.equal(after.sla.firstResponseOverdue, false);
    const inbox = json<{ items: { kind: string; body: { en: string } }[] }>(await a.customer.client.get('/api/notifications'));
    assert.equal(inbox.items[0]!.kind, 'ticket.replied');
    assert.match(inbox.items[0]!.body.en, /credit is on its way/);
    const mail = await t.db.query("SELECT 1 FROM mail_outbox WHERE user_id = $1 AND purpose = 'ticket_replied'", [a.customer.person.id]);
    assert.equal(mail.length, 1);

    const timeline = json<StaffView>(await operator.client.get(`/api/staff/support/tickets/${a.id}`)).events;
    assert.ok(timeline.some((e) => e.kind === 'assignee' && e.to === operator2.person.id));
    const actions = (await t.db.query<{ action: string }>('SELECT action FROM activity_log WHERE object_id = $1 ORDER BY id', [a.id])).map((r) => r.action);
    assert.deepEqual(actions, ['support.ticket_opened', 'support.assigned', 'support.replied', 'support.replied']);
  });

  test('a closed ticket takes no more changes, but staff may still add an internal note', async () => {
    const { id } = await ticketIn('closed');
    assert.equal((await operator.client.patch(`/api/staff/support/tickets/${id}`, { priority: 'high' })).statusCode, 409);
    assert.equal((await operator.client.post(`/api/staff/support/tickets/${id}/messages`, { body: 'public' })).statusCode, 409);
    assert.equal((await operator.client.post(`/api/staff/support/tickets/${id}/messages`, { body: 'note for the file', internal: true })).statusCode, 200);
    assert.equal((await operator.client.get(`/api/staff/support/tickets/${randomUUID()}`)).statusCode, 404);
  });

  test('the grievance officer contact is public', async () => {
    const res = await new Client(t.app).get('/api/support/grievance-officer');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(json(res), { name: 'Grievance Officer', email: 'grievance@seva.local', phone: null });
  });
});
