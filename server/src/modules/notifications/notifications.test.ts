import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queryable } from '../../db/index.js';
import { json, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';
import type { Notification, NotificationChannel, NotificationTopic, WhatsAppNotificationChannel } from './notifier.js';
import { createNotifier } from './notifier.service.js';

const TOPICS: NotificationTopic[] = ['service_updates', 'wallet', 'marketing'];
const CHANNELS: NotificationChannel[] = ['in_app', 'email', 'whatsapp'];
/** A channel's stored choice: a row saying on, a row saying off, or no row at all. */
type Stored = 'on' | 'off' | 'none';
const STORED: Stored[] = ['on', 'off', 'none'];

interface InboxBody {
  items: { id: string; kind: string; title: { en: string; hi: string }; body: { en: string; hi: string }; link: string | null; read: boolean }[];
  total: number;
  unread: number;
}

function sample(userId: string, topic: NotificationTopic, kind = 'test.sample'): Notification {
  return {
    userId,
    topic,
    kind,
    title: { en: `Hello ${kind}`, hi: `नमस्ते ${kind}` },
    body: { en: 'Something happened.', hi: 'कुछ हुआ।' },
    link: '/support',
  };
}

describe('notifications', () => {
  let t: TestPlatform;
  /** WhatsApp messages the fake platform number was asked to send. */
  const sentByWhatsApp: { to: string; kind: string; language: string; title: string; url: string | null }[] = [];
  const fakeWhatsApp: WhatsAppNotificationChannel = {
    async queue(_q: Queryable, m) {
      sentByWhatsApp.push({ to: m.to, kind: m.kind, language: m.language, title: m.title, url: m.url });
      return { externalId: `wamid.fake${sentByWhatsApp.length}` };
    },
  };

  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  async function setChoices(userId: string, topic: NotificationTopic, choices: Record<NotificationChannel, Stored>) {
    await t.db.query('DELETE FROM communication_preferences WHERE user_id = $1 AND topic = $2', [userId, topic]);
    for (const channel of CHANNELS) {
      if (choices[channel] !== 'none') {
        await t.db.query('INSERT INTO communication_preferences (user_id, topic, channel, enabled) VALUES ($1, $2, $3, $4)', [userId, topic, channel, choices[channel] === 'on']);
      }
    }
  }

  test('every topic × every combination of stored choices: a channel sends only with a row saying on', async () => {
    const { person } = await signedInClient(t, 'customer');
    const notifier = createNotifier({ mail: t.platform.services.mail, publicUrl: t.config.publicUrl, whatsapp: fakeWhatsApp });
    let expectedMails = 0;
    let expectedInbox = 0;
    for (const topic of TOPICS) {
      for (const inApp of STORED) {
        for (const email of STORED) {
          for (const whatsapp of STORED) {
            const choices = { in_app: inApp, email, whatsapp };
            await setChoices(person.id, topic, choices);
            const before = sentByWhatsApp.length;
            const outcome = await t.db.tx((tx) => notifier.notifyWithOutcome(tx, sample(person.id, topic)));
            const label = `${topic} ${JSON.stringify(choices)}`;
            for (const channel of CHANNELS) {
              const stored = choices[channel];
              const { status, reason } = outcome.channels[channel];
              if (stored === 'on') {
                assert.equal(status, channel === 'in_app' ? 'sent' : 'queued', `${label} ${channel}`);
                assert.equal(reason, null);
              } else {
                assert.equal(status, 'skipped', `${label} ${channel}`);
                // Marketing without an opt-in row is refused as such, on every channel.
                const want = stored === 'off' ? 'preference_off' : topic === 'marketing' ? 'marketing_needs_opt_in' : 'preference_not_given';
                assert.equal(reason, want, `${label} ${channel}`);
              }
            }
            assert.equal(sentByWhatsApp.length - before, whatsapp === 'on' ? 1 : 0, label);
            if (email === 'on') expectedMails++;
            if (inApp === 'on') expectedInbox++;
            const rows = await t.db.query<{ channel: string; status: string }>('SELECT channel, status FROM notification_deliveries WHERE notification_id = $1 ORDER BY channel', [outcome.notificationId]);
            assert.equal(rows.length, 3, 'one delivery record per channel');
          }
        }
      }
    }
    const mails = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM mail_outbox WHERE user_id = $1 AND purpose = 'test_sample'", [person.id]);
    assert.equal(mails[0]!.n, expectedMails);
    const inbox = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND in_inbox', [person.id]);
    assert.equal(inbox[0]!.n, expectedInbox);
    // Marketing never went anywhere without its opt-in row.
    const marketing = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE n.user_id = $1 AND n.topic = 'marketing' AND d.status <> 'skipped' AND d.reason IS NULL`,
      [person.id],
    );
    assert.equal(marketing[0]!.n, 9 * 3, 'marketing went out only on the 9 × 3 channel slots whose row said on');
  });

  test('the default for a missing row is what the preferences page shows: off', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    await t.db.query('DELETE FROM communication_preferences WHERE user_id = $1', [person.id]);
    const shown = json<{ preferences: { enabled: boolean; givenAt: string | null }[] }>(await client.get('/api/me/preferences')).preferences;
    assert.equal(shown.length, 9);
    assert.ok(shown.every((p) => p.enabled === false && p.givenAt === null));
    const outcome = await t.db.tx((tx) => t.platform.services.notifier.notifyWithOutcome(tx, sample(person.id, 'service_updates')));
    assert.deepEqual(Object.values(outcome.channels).map((c) => c.status), ['skipped', 'skipped', 'skipped']);
  });

  test('registration defaults: service updates by email and in-app; WhatsApp recorded as not configured; marketing nowhere', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const platform = t.platform.services.notifier;
    const service = await t.db.tx((tx) => platform.notifyWithOutcome(tx, sample(person.id, 'service_updates', 'test.defaults')));
    assert.deepEqual(service.channels, {
      in_app: { status: 'sent', reason: null },
      email: { status: 'queued', reason: null },
      whatsapp: { status: 'skipped', reason: 'preference_off' },
    });
    const marketing = await t.db.tx((tx) => platform.notifyWithOutcome(tx, sample(person.id, 'marketing', 'test.offer')));
    assert.ok(Object.values(marketing.channels).every((c) => c.status === 'skipped'));

    // Opting in to WhatsApp: the platform has no WhatsApp number of its own yet, and says so.
    const res = await client.put('/api/me/preferences', { preferences: [{ topic: 'service_updates', channel: 'whatsapp', enabled: true }] });
    assert.equal(res.statusCode, 200, res.body);
    const later = await t.db.tx((tx) => platform.notifyWithOutcome(tx, sample(person.id, 'service_updates', 'test.whatsapp')));
    assert.deepEqual(later.channels.whatsapp, { status: 'skipped', reason: 'whatsapp_not_configured' });
    // Without a mobile number there is nobody to send to, whatever is configured.
    await t.db.query('UPDATE users SET mobile = NULL WHERE id = $1', [person.id]);
    const withFake = createNotifier({ mail: t.platform.services.mail, publicUrl: t.config.publicUrl, whatsapp: fakeWhatsApp });
    const noMobile = await t.db.tx((tx) => withFake.notifyWithOutcome(tx, sample(person.id, 'service_updates', 'test.nomobile')));
    assert.deepEqual(noMobile.channels.whatsapp, { status: 'skipped', reason: 'no_mobile' });
  });

  test('email goes out in the person’s language with the in-app link; English otherwise', async () => {
    const hindi = await signedInClient(t, 'customer');
    assert.equal((await hindi.client.patch('/api/me', { language: 'hi' })).statusCode, 200);
    const english = await signedInClient(t, 'customer');
    for (const p of [hindi.person, english.person]) {
      await t.db.tx((tx) => t.platform.services.notifier.notify(tx, sample(p.id, 'service_updates', 'test.language')));
    }
    const mail = async (userId: string) =>
      (await t.db.query<{ subject: string; body_text: string }>("SELECT subject, body_text FROM mail_outbox WHERE user_id = $1 AND purpose = 'test_language'", [userId]))[0]!;
    const hi = await mail(hindi.person.id);
    assert.equal(hi.subject, 'नमस्ते test.language');
    assert.match(hi.body_text, /^नमस्ते /);
    assert.match(hi.body_text, /कुछ हुआ।/);
    assert.ok(hi.body_text.includes(`${t.config.publicUrl}/support`));
    const en = await mail(english.person.id);
    assert.equal(en.subject, 'Hello test.language');
    assert.match(en.body_text, /^Namaste /);
    assert.ok(en.body_text.includes(`${t.config.publicUrl}/preferences`));
  });

  test('a notification made in a transaction that rolls back leaves nothing: no inbox entry, no mail, no job', async () => {
    const { person } = await signedInClient(t, 'customer');
    const count = async () => {
      const [n] = await t.db.query<{ notes: number; mails: number; jobs: number }>(
        `SELECT (SELECT count(*)::int FROM notifications WHERE user_id = $1) AS notes,
                (SELECT count(*)::int FROM mail_outbox WHERE user_id = $1) AS mails,
                (SELECT count(*)::int FROM pgboss.job WHERE name = 'mail.send') AS jobs`,
        [person.id],
      );
      return n!;
    };
    const before = await count();
    await assert.rejects(
      t.db.tx(async (tx) => {
        const outcome = await t.platform.services.notifier.notifyWithOutcome(tx, sample(person.id, 'service_updates', 'test.rollback'));
        assert.equal(outcome.channels.email.status, 'queued', 'the mail was queued inside the transaction');
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await count(), before);
    // The same call committed does leave all three.
    await t.db.tx((tx) => t.platform.services.notifier.notify(tx, sample(person.id, 'service_updates', 'test.rollback')));
    const afterCommit = await count();
    assert.deepEqual(afterCommit, { notes: before.notes + 1, mails: before.mails + 1, jobs: before.jobs + 1 });
  });

  test('a malformed notification is a programming error, refused before anything is written', async () => {
    const { person } = await signedInClient(t, 'customer');
    for (const bad of [{ link: '//evil.example/x' }, { link: 'https://evil.example' }, { kind: 'Bad Kind' }, { title: { en: '', hi: 'x' } }]) {
      await assert.rejects(t.db.tx((tx) => t.platform.services.notifier.notify(tx, { ...sample(person.id, 'service_updates'), ...bad })), /invalid notification/);
    }
    const rows = await t.db.query('SELECT 1 FROM notifications WHERE user_id = $1', [person.id]);
    assert.equal(rows.length, 0);
  });

  test('inbox API: paged newest first with the unread count; mark one and all read; another person’s answers 404', async () => {
    const a = await signedInClient(t, 'customer');
    const b = await signedInClient(t, 'customer');
    for (let i = 1; i <= 5; i++) await t.db.tx((tx) => t.platform.services.notifier.notify(tx, sample(a.person.id, 'service_updates', `test.n${i}`)));
    await t.db.tx((tx) => t.platform.services.notifier.notify(tx, sample(b.person.id, 'service_updates', 'test.forb')));

    const page1 = json<InboxBody>(await a.client.get('/api/notifications?limit=2'));
    assert.equal(page1.total, 5);
    assert.equal(page1.unread, 5);
    assert.deepEqual(page1.items.map((n) => n.kind), ['test.n5', 'test.n4']);
    assert.equal(page1.items[0]!.title.hi, 'नमस्ते test.n5');
    assert.equal(page1.items[0]!.link, '/support');
    const page3 = json<InboxBody>(await a.client.get('/api/notifications?limit=2&offset=4'));
    assert.deepEqual(page3.items.map((n) => n.kind), ['test.n1']);
    assert.equal(json<{ unread: number }>(await a.client.get('/api/notifications/unread-count')).unread, 5);

    const target = page1.items[1]!;
    const read = await a.client.post(`/api/notifications/${target.id}/read`);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(json<{ notification: { read: boolean } }>(read).notification.read, true);
    assert.equal(json<{ unread: number }>(await a.client.get('/api/notifications/unread-count')).unread, 4);
    const unreadOnly = json<InboxBody>(await a.client.get('/api/notifications?unread=true'));
    assert.equal(unreadOnly.total, 4);
    assert.ok(!unreadOnly.items.some((n) => n.id === target.id));

    // B cannot see or mark A's notifications; B's list holds only B's.
    const bList = json<InboxBody>(await b.client.get('/api/notifications'));
    assert.deepEqual(bList.items.map((n) => n.kind), ['test.forb']);
    const other = await b.client.post(`/api/notifications/${page1.items[0]!.id}/read`);
    assert.equal(other.statusCode, 404, other.body);
    assert.equal(json<{ error: { code: string } }>(other).error.code, 'not_found');
    assert.equal((await b.client.post(`/api/notifications/${randomUUID()}/read`)).statusCode, 404);
    assert.equal(json<{ unread: number }>(await a.client.get('/api/notifications/unread-count')).unread, 4, 'unchanged by B');

    const all = await a.client.post('/api/notifications/read-all');
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(json(all), { marked: 4, unread: 0 });
    assert.equal(json<{ unread: number }>(await b.client.get('/api/notifications/unread-count')).unread, 1, "B's stay unread");
  });

  test('a notification whose in-app channel is off stays out of the inbox', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    assert.equal((await client.put('/api/me/preferences', { preferences: [{ topic: 'wallet', channel: 'in_app', enabled: false }] })).statusCode, 200);
    await t.db.tx((tx) => t.platform.services.notifier.notify(tx, sample(person.id, 'wallet', 'test.hidden')));
    await t.db.tx((tx) => t.platform.services.notifier.notify(tx, sample(person.id, 'service_updates', 'test.shown')));
    const inbox = json<InboxBody>(await client.get('/api/notifications'));
    assert.deepEqual(inbox.items.map((n) => n.kind), ['test.shown']);
    assert.equal(inbox.unread, 1);
    // The hidden one is still on record, with its email (wallet by email stayed on).
    const [row] = await t.db.query<{ in_inbox: boolean }>("SELECT in_inbox FROM notifications WHERE user_id = $1 AND kind = 'test.hidden'", [person.id]);
    assert.equal(row!.in_inbox, false);
  });
});
