import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInClient, testPlatform, type Client, type TestPlatform } from '../../../test/harness.js';
import { connectSimulatorNumber, deliverSimulatorWebhooks, fundWallet, postWebhook, processWebhooks, settleSimulator, inboundWebhook, walletBalance, type ConnectedNumber } from '../../../test/whatsapp.js';
import { AppError } from '../../../platform/errors.js';
import type { SendService } from '../messages/send.service.js';
import { AUTOMATION_JOB, createAutomationRunner } from './automation-runner.js';

/**
 * Automations end to end: a simulated person writes to a simulator number (POST /sandbox/graph/_sim/inbound),
 * the simulator's signed webhook is received and processed, the automation job replies through the
 * send service, and the reply shows on the person's phone in the simulator. The clock of every
 * automation decision is injected (`now`), so opening hours, windows and limits need no sleeping.
 */

type Json = Record<string, unknown>;
type Number = ConnectedNumber & { accessToken: string; displayPhoneNumber: string };

let seq = 0;
const person = () => `9198${String(process.pid % 10000).padStart(4, '0')}${String(++seq).padStart(4, '0')}`;

describe('WhatsApp automations', () => {
  let t: TestPlatform;
  let now: Date | null = null;
  let owner: Client;
  let tenantId: string;

  before(async () => {
    t = await testPlatform({ automations: { clock: () => now ?? new Date() } });
    const signed = await signedInClient(t);
    owner = signed.client;
    tenantId = signed.person.id;
    await fundWallet(t, tenantId, 1_000_000);
  });
  after(() => t.close());
  beforeEach(() => {
    now = null;
  });

  const api = (n: { id: string }, path = '') => `/api/whatsapp/automations/${n.id}${path}`;

  async function newNumber(settings: Partial<Json> = {}): Promise<Number> {
    const n = await connectSimulatorNumber(t, tenantId);
    if (Object.keys(settings).length) {
      const current = (await owner.get(api(n))).json() as { settings: Json };
      const { updatedAt: _u, ...body } = current.settings;
      const res = await owner.put(api(n, '/settings'), { ...body, ...settings });
      assert.equal(res.statusCode, 200, res.body);
    }
    return n;
  }

  async function single(n: Number, kind: string, reply: Json | null, enabled = true) {
    const res = await owner.put(api(n, `/replies/${kind}`), { enabled, reply });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { rule: Json }).rule;
  }

  async function keyword(n: Number, body: Json) {
    const res = await owner.post(api(n, '/rules'), { name: 'rule', ...body });
    assert.equal(res.statusCode, 201, res.body);
    return (res.json() as { rule: { id: string } }).rule;
  }

  /** The person writes; the webhook is received and processed, and the automation jobs run. */
  async function say(n: Number, from: string, message: string | Json) {
    // A second passes between messages, so runs are in order.
    if (now) now = new Date(now.getTime() + 1000);
    const m = typeof message === 'string' ? { type: 'text', text: { body: message } } : message;
    const res = await t.app.inject({ method: 'POST', url: '/sandbox/graph/_sim/inbound', payload: { phone_number_id: n.phoneNumberId, from, messages: [m] } });
    assert.equal(res.statusCode, 201, res.body);
    await deliverSimulatorWebhooks(t);
    await t.platform.jobs.runPending(AUTOMATION_JOB, 1000);
  }

  /** What the person's phone received from the number (the simulator's view). */
  async function received(n: Number, waId: string): Promise<Json[]> {
    const res = await t.app.inject({ method: 'GET', url: `/sandbox/graph/_sim/numbers/${n.phoneNumberId}/conversations/${waId}` });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { data: Json[] }).data.filter((m) => m.direction === 'outbound').map((m) => m.content as Json);
  }

  const texts = (msgs: Json[]) => msgs.map((m) => (m.text as { body?: string } | undefined)?.body ?? `[${String(m.type)}]`);

  const runs = (n: Number) => t.db.query<{ kind: string; state: string; reason: string | null; rule_id: string; message_id: string | null; wa_id: string }>('SELECT * FROM wa_automation_runs WHERE number_id = $1 ORDER BY created_at, id', [n.id]);

  test('first-time welcome: sent once, end to end through the simulator; someone who wrote before is not new', async () => {
    const n = await newNumber();
    const earlier = person();
    const jobs = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1', [AUTOMATION_JOB]))[0]!.n;
    // Before any automation exists nothing is queued; this person has written already.
    const queued = await jobs();
    await say(n, earlier, 'hello');
    assert.equal(await jobs(), queued, 'no rules: no job');
    await single(n, 'welcome', { type: 'text', text: 'Namaste! Welcome to Seva Kendra.' });

    const fresh = person();
    await say(n, fresh, 'hi');
    await say(n, fresh, 'hi again');
    assert.deepEqual(texts(await received(n, fresh)), ['Namaste! Welcome to Seva Kendra.'], 'one welcome, on the phone');
    await say(n, earlier, 'hello again');
    assert.deepEqual(await received(n, earlier), [], 'a contact who wrote before is not first-time');

    const r = (await runs(n)).filter((x) => x.kind === 'welcome');
    assert.equal(r.length, 1);
    assert.equal(r[0]!.state, 'done');
    // Sent and logged like any other message, marked as an automation with its rule in the activity log.
    const [msg] = await t.db.query<{ source: string; direction: string; wa_id: string; status: string }>('SELECT source, direction, wa_id, status FROM wa_messages WHERE id = $1', [r[0]!.message_id]);
    assert.deepEqual(msg, { source: 'automation', direction: 'outbound', wa_id: fresh, status: 'accepted' });
    const acts = await t.db.query<{ action: string; details: Json }>(`SELECT action, details FROM activity_log WHERE object_id = $1 ORDER BY id`, [r[0]!.message_id]);
    assert.deepEqual(acts.map((a) => a.action), ['whatsapp.message_sent', 'whatsapp.automation_fired']);
    assert.equal(acts[0]!.details.source, 'automation');
    assert.equal(acts[1]!.details.ruleId, r[0]!.rule_id);
  });

  test('away message only outside opening hours, once per contact per cooldown, and on holidays', async () => {
    // Open every day for one hour, from 30 minutes after the real time (in India); the window the person opens is real.
    const t0 = Math.floor(Date.now() / 60_000) * 60_000;
    const istMinute = (ms: number) => Math.floor((ms + 5.5 * 3600_000) / 60_000) % 1440;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const from = istMinute(t0 + 30 * 60_000);
    const to = from + 60;
    const day = to <= 1440 ? [{ open: hhmm(from), close: to === 1440 ? '24:00' : hhmm(to) }] : [{ open: '00:00', close: hhmm(to - 1440) }, { open: hhmm(from), close: '24:00' }];
    const weeklyHours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, day]));
    const n = await newNumber({ weeklyHours, awayCooldownHours: 2 });
    await single(n, 'away', { type: 'text', text: 'We are closed now; we reply from 9 am.' });
    const who = person();
    now = new Date(t0 + 60 * 60_000);
    await say(n, who, 'are you open?');
    assert.deepEqual(await received(n, who), [], 'open: no away message');

    now = new Date(t0 + 3 * 3600_000);
    await say(n, who, 'hello?');
    assert.deepEqual(texts(await received(n, who)), ['We are closed now; we reply from 9 am.']);
    now = new Date(t0 + 4 * 3600_000);
    await say(n, who, 'anyone?');
    assert.equal((await received(n, who)).length, 1, 'within the 2-hour cooldown: not again');
    assert.equal((await runs(n)).at(-1)!.reason, 'away_cooldown');
    now = new Date(t0 + 6 * 3600_000);
    await say(n, who, 'still there?');
    assert.equal((await received(n, who)).length, 2, 'after the cooldown it is sent again');

    // A holiday closes the whole day, opening hours included.
    const openAt = t0 + 60 * 60_000;
    const date = new Date(openAt + 5.5 * 3600_000).toISOString().slice(0, 10);
    const current = (await owner.get(api(n))).json() as { settings: Json };
    const { updatedAt: _u, ...settings } = current.settings;
    assert.equal((await owner.put(api(n, '/settings'), { ...settings, holidays: [{ date, name: 'Diwali' }] })).statusCode, 200);
    const other = person();
    now = new Date(openAt);
    await say(n, other, 'open today?');
    assert.equal((await received(n, other)).length, 1, 'closed on the holiday');
  });

  test('keyword rules: exact, contains and regex, in English and Hindi, replying with text, buttons, list and media', async () => {
    const n = await newNumber();
    await keyword(n, { name: 'price', matchType: 'exact', patterns: ['price', 'दाम'], reply: { type: 'text', text: 'Our prices: https://example.com/prices' } });
    await keyword(n, {
      name: 'greeting',
      matchType: 'contains',
      patterns: ['नमस्ते', 'namaste'],
      reply: { type: 'buttons', body: 'नमस्ते! आप क्या चाहते हैं?', buttons: [{ id: 'apply', title: 'आवेदन' }, { id: 'status', title: 'स्थिति' }] },
    });
    await keyword(n, {
      name: 'order',
      matchType: 'regex',
      patterns: ['order\\s*#?\\d{4,}'],
      reply: { type: 'list', body: 'About your order', button: 'Options', sections: [{ title: 'Order', rows: [{ id: 'track', title: 'Track it' }, { id: 'cancel', title: 'Cancel it' }] }] },
    });
    await keyword(n, { name: 'brochure', matchType: 'exact', patterns: ['brochure'], reply: { type: 'media', mediaType: 'document', link: 'https://example.com/brochure.pdf', filename: 'brochure.pdf', caption: 'Our brochure' } });

    const a = person();
    await say(n, a, 'PRICE?');
    await say(n, a, 'दाम');
    await say(n, a, 'price please'); // not exactly "price", and no other rule matches
    await say(n, a, 'जी नमस्ते।');
    await say(n, a, 'where is my Order #12345');
    await say(n, a, 'Brochure');
    const got = await received(n, a);
    assert.deepEqual(
      got.map((m) => m.type),
      ['text', 'text', 'interactive', 'interactive', 'document'],
    );
    assert.equal((got[2]!.interactive as { body: { text: string } }).body.text, 'नमस्ते! आप क्या चाहते हैं?');
    assert.equal((got[3]!.interactive as { type: string }).type, 'list');
    assert.equal((got[4]!.document as { link: string }).link, 'https://example.com/brochure.pdf');
  });

  test('a tag-only rule tags the contact without replying; tags are not added twice', async () => {
    const n = await newNumber();
    await keyword(n, { name: 'vip', matchType: 'contains', patterns: ['vip'], addTags: ['VIP', 'Lead'] });
    const a = person();
    await say(n, a, 'I am a VIP customer');
    await say(n, a, 'vip again');
    const [c] = await t.db.query<{ tags: string[] }>('SELECT tags FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [tenantId, a]);
    assert.deepEqual(c!.tags, ['VIP', 'Lead']);
    assert.deepEqual(await received(n, a), []);
    const r = await runs(n);
    assert.deepEqual(r.map((x) => x.state), ['done', 'done']);
  });

  test('an unsafe or broken regex is refused and nothing is stored', async () => {
    const n = await newNumber();
    for (const [pattern, code] of [['(a+)+$', 'unsafe_pattern'], ['(\\w+)\\1', 'unsafe_pattern'], ['a)(b', 'invalid_pattern']] as const) {
      const res = await owner.post(api(n, '/rules'), { name: 'bad', matchType: 'regex', patterns: ['ok', pattern], reply: { type: 'text', text: 'x' } });
      assert.equal(res.statusCode, 400, res.body);
      const err = (res.json() as { error: { code: string; details: { field: string }[] } }).error;
      assert.equal(err.code, code);
      assert.equal(err.details[0]!.field, 'patterns[1]');
    }
    assert.equal((await t.db.query('SELECT 1 FROM wa_automation_rules WHERE number_id = $1', [n.id])).length, 0);
  });

  test('STOP still opts out and gets only the opt-out confirmation; an opted-out contact gets no replies; START gets its confirmation', async () => {
    const n = await newNumber();
    await keyword(n, { name: 'everything', matchType: 'regex', patterns: ['.'], reply: { type: 'text', text: 'Thanks for your message!' }, addTags: ['wrote'] });
    await single(n, 'opt_out', { type: 'text', text: 'You will not get messages from us. Send START to subscribe again.' });
    await single(n, 'opt_in', { type: 'text', text: 'Welcome back!' });
    const a = person();
    await say(n, a, 'hello');
    await say(n, a, 'STOP');
    const [c] = await t.db.query<{ opted_out_at: Date | null }>('SELECT opted_out_at FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [tenantId, a]);
    assert.ok(c!.opted_out_at, 'STOP opted the contact out');
    await say(n, a, 'STOP'); // already opted out: no second confirmation
    await say(n, a, 'what are your prices?');
    assert.deepEqual(texts(await received(n, a)), ['Thanks for your message!', 'You will not get messages from us. Send START to subscribe again.']);
    const skipped = (await runs(n)).at(-1)!;
    assert.deepEqual([skipped.kind, skipped.state, skipped.reason], ['keyword', 'skipped', 'contact_opted_out']);

    await say(n, a, 'रोकें'); // Hindi STOP while opted out: nothing changes, nothing sent
    await say(n, a, 'START');
    assert.deepEqual(texts(await received(n, a)).slice(2), ['Welcome back!']);
  });

  test('flood limits: K replies per contact per window, M per number per minute', async () => {
    const n = await newNumber({ contactLimit: 2, contactWindowMinutes: 10, numberLimitPerMinute: 3 });
    await keyword(n, { name: 'echo', matchType: 'regex', patterns: ['.'], reply: { type: 'text', text: 'Got it.' } });
    const start = new Date();
    now = start;
    const a = person();
    for (const text of ['one', 'two', 'three']) await say(n, a, text);
    assert.equal((await received(n, a)).length, 2, 'the third message in 10 minutes gets no reply');
    assert.equal((await runs(n)).at(-1)!.reason, 'contact_limit');

    const b = person();
    await say(n, b, 'hello');
    const c = person();
    await say(n, c, 'hello');
    assert.equal((await received(n, b)).length, 1);
    assert.deepEqual(await received(n, c), [], 'the number’s fourth reply within a minute is held back');
    assert.equal((await runs(n)).at(-1)!.reason, 'number_limit');

    now = new Date(start.getTime() + 11 * 60_000);
    await say(n, a, 'four');
    await say(n, c, 'again');
    assert.equal((await received(n, a)).length, 3, 'a new window');
    assert.equal((await received(n, c)).length, 1);
    now = null;
  });

  test('the same rule never fires twice for one inbound message: a retried or repeated job sends once', async () => {
    const n = await newNumber();
    await keyword(n, { name: 'hi', matchType: 'exact', patterns: ['hi'], reply: { type: 'text', text: 'Hello!' } });
    const a = person();
    await say(n, a, 'hi');
    const [inbound] = await t.db.query<{ id: string }>(`SELECT id FROM wa_messages WHERE number_id = $1 AND wa_id = $2 AND direction = 'inbound'`, [n.id, a]);
    const runner = t.platform.services.whatsappAutomations.runner;
    await runner.run({ messageId: inbound!.id, firstContact: true });
    await runner.run({ messageId: inbound!.id, firstContact: true });
    // Meta delivers the same webhook again: the message is a duplicate, no job.
    assert.equal((await received(n, a)).length, 1);
    const [count] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM wa_messages WHERE number_id = $1 AND wa_id = $2 AND direction = 'outbound'`, [n.id, a]);
    assert.equal(count!.n, 1);
  });

  test('a send WhatsApp never took is tried again by the job; one whose outcome is unknown never is', async () => {
    const n = await newNumber();
    const rule = await keyword(n, { name: 'hi', matchType: 'exact', patterns: ['hi'], reply: { type: 'text', text: 'Hello!' } });
    const a = person();
    const body = inboundWebhook(n.phoneNumberId, n.wabaId, a, [{ type: 'text', text: { body: 'hi' } }]);
    assert.equal((await postWebhook(t, body)).statusCode, 200);
    await processWebhooks(t);
    const [inbound] = await t.db.query<{ id: string }>(`SELECT id FROM wa_messages WHERE number_id = $1 AND wa_id = $2 AND direction = 'inbound'`, [n.id, a]);

    let calls = 0;
    let behaviour: 'unavailable' | 'crash' | 'ok' = 'unavailable';
    const send: Pick<SendService, 'send'> = {
      async send() {
        calls++;
        if (behaviour === 'unavailable') throw new AppError(503, 'whatsapp_unavailable', 'WhatsApp could not be reached; nothing was sent.');
        if (behaviour === 'crash') throw new Error('connection reset after the request was written');
        // The send service answers the message it wrote; any existing message row stands in for it.
        return { kind: 'accepted', message: { id: inbound!.id } } as never;
      },
    };
    const runner = createAutomationRunner({ db: t.db, jobs: t.platform.jobs, send, notifier: t.platform.services.notifier, log: t.app.log, clock: () => new Date() });
    await assert.rejects(runner.run({ messageId: inbound!.id, firstContact: false }), /retrying/);
    assert.equal((await t.db.query<{ state: string }>('SELECT state FROM wa_automation_runs WHERE rule_id = $1', [rule.id]))[0]!.state, 'retry');
    behaviour = 'ok';
    await runner.run({ messageId: inbound!.id, firstContact: false });
    await runner.run({ messageId: inbound!.id, firstContact: false });
    assert.equal(calls, 2, 'tried again once, then done');
    assert.equal((await t.db.query<{ state: string }>('SELECT state FROM wa_automation_runs WHERE rule_id = $1', [rule.id]))[0]!.state, 'done');

    const b = person();
    assert.equal((await postWebhook(t, inboundWebhook(n.phoneNumberId, n.wabaId, b, [{ type: 'text', text: { body: 'hi' } }]))).statusCode, 200);
    await processWebhooks(t);
    const [second] = await t.db.query<{ id: string }>(`SELECT id FROM wa_messages WHERE number_id = $1 AND wa_id = $2 AND direction = 'inbound'`, [n.id, b]);
    behaviour = 'crash';
    await runner.run({ messageId: second!.id, firstContact: false });
    behaviour = 'ok';
    await runner.run({ messageId: second!.id, firstContact: false });
    assert.equal(calls, 3, 'an unknown outcome is never sent again');
    const [stuck] = await t.db.query<{ state: string }>('SELECT state FROM wa_automation_runs WHERE inbound_message_id = $1', [second!.id]);
    assert.equal(stuck!.state, 'claimed');
  });

  test('billed like any other send: the price is reserved from the wallet, a template reply is charged at its category', async () => {
    const n = await newNumber();
    await t.db.query(
      `INSERT INTO wa_templates (tenant_id, waba_id, name, language, category, components, status, status_at, source)
       VALUES ($1, $2, 'hello_world', 'en_US', 'MARKETING', $3, 'APPROVED', now(), 'meta')`,
      [tenantId, n.wabaId, JSON.stringify([{ type: 'HEADER', format: 'TEXT', text: 'Hello World' }, { type: 'BODY', text: 'Welcome and congratulations!!' }, { type: 'FOOTER', text: 'WhatsApp Business API Team' }])],
    );
    await keyword(n, { name: 'offer', matchType: 'exact', patterns: ['offer'], reply: { type: 'template', name: 'hello_world', language: 'en_US' } });
    await keyword(n, { name: 'hours', matchType: 'exact', patterns: ['hours'], reply: { type: 'text', text: 'Open 9 to 6.' } });
    const a = person();
    await t.db.query('INSERT INTO wa_contacts (tenant_id, wa_id, opted_in_at) VALUES ($1, $2, now())', [tenantId, a]);
    // Credit leases hold a block of the wallet per process; closing them settles what was used.
    const leases = t.platform.services.creditLeases;
    await settleSimulator(t);
    await leases.closeAll();
    const balance = await walletBalance(t, tenantId);
    await say(n, a, 'hours');
    await say(n, a, 'offer');
    await settleSimulator(t);
    await leases.closeAll();
    assert.equal(balance - (await walletBalance(t, tenantId)), 104, 'the wallet paid for the template reply; the service reply was free');
    const sent = await t.db.query<{ type: string; source: string; category: string; reserved_paise: number; billing_state: string; charged_paise: number | null }>(
      `SELECT type, source, category, reserved_paise, billing_state, charged_paise FROM wa_messages WHERE number_id = $1 AND wa_id = $2 AND direction = 'outbound' ORDER BY created_at`,
      [n.id, a],
    );
    assert.deepEqual(sent, [
      // A reply in the 24-hour window is a free customer-service message: reserved, then released.
      { type: 'text', source: 'automation', category: 'service', reserved_paise: 14, billing_state: 'released', charged_paise: 0 },
      { type: 'template', source: 'automation', category: 'marketing', reserved_paise: 104, billing_state: 'charged', charged_paise: 104 },
    ]);
  });

  test('a paused template stops its rule with a notice to the tenant; an unopted contact gets no template', async () => {
    const n = await newNumber();
    await t.db.query(
      `INSERT INTO wa_templates (tenant_id, waba_id, name, language, category, components, status, status_at, source)
       VALUES ($1, $2, 'hello_world', 'en_US', 'MARKETING', $3, 'APPROVED', now(), 'meta')`,
      [tenantId, n.wabaId, JSON.stringify([{ type: 'BODY', text: 'Welcome and congratulations!!' }])],
    );
    const rule = await keyword(n, { name: 'promo', matchType: 'exact', patterns: ['promo'], reply: { type: 'template', name: 'hello_world', language: 'en_US' } });
    const stranger = person();
    await say(n, stranger, 'promo');
    assert.equal((await runs(n)).at(-1)!.reason, 'opt_in_required');

    await t.db.query(`UPDATE wa_templates SET status = 'PAUSED', other_info = '{"title":"FIRST_PAUSE"}' WHERE tenant_id = $1 AND waba_id = $2`, [tenantId, n.wabaId]);
    const a = person();
    await t.db.query('INSERT INTO wa_contacts (tenant_id, wa_id, opted_in_at) VALUES ($1, $2, now())', [tenantId, a]);
    await say(n, a, 'promo');
    await say(n, a, 'promo');
    assert.deepEqual(await received(n, a), []);
    const [stopped] = await t.db.query<{ stopped_at: Date | null; stopped_reason: string }>('SELECT stopped_at, stopped_reason FROM wa_automation_rules WHERE id = $1', [rule.id]);
    assert.ok(stopped!.stopped_at);
    assert.match(stopped!.stopped_reason, /paused by Meta/);
    assert.equal((await t.db.query(`SELECT 1 FROM wa_automation_runs WHERE rule_id = $1 AND reason = 'template_paused'`, [rule.id])).length, 1, 'a stopped rule does not fire again');
    const notices = await t.db.query<{ title_en: string; link: string }>(`SELECT title_en, link FROM notifications WHERE user_id = $1 AND kind = 'whatsapp.automation_stopped'`, [tenantId]);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.title_en, /keyword rule “promo”/);
    assert.equal(notices[0]!.link, `/whatsapp/automations?number=${n.id}`);
    // The overview shows the stop; saving with the template still paused is refused.
    const view = (await owner.get(api(n))).json() as { rules: { id: string; stoppedReason: string | null }[] };
    assert.match(view.rules.find((r) => r.id === rule.id)!.stoppedReason!, /paused/);
    const again = await owner.patch(api(n, `/rules/${rule.id}`), { enabled: true });
    assert.equal(again.statusCode, 422);
    assert.equal((again.json() as { error: { code: string } }).error.code, 'template_paused');
  });

  test('the 24-hour window: a free-form reply to an old message is skipped', async () => {
    const n = await newNumber();
    await keyword(n, { name: 'hi', matchType: 'exact', patterns: ['hi'], reply: { type: 'text', text: 'Hello!' } });
    const a = person();
    now = new Date(Date.now() + 25 * 3600_000);
    await say(n, a, 'hi');
    now = null;
    assert.deepEqual(await received(n, a), []);
    assert.equal((await runs(n)).at(-1)!.reason, 'window_closed');
  });

  test('loop protection: a message from a number connected to the platform is never answered', async () => {
    const n = await newNumber();
    await single(n, 'welcome', { type: 'text', text: 'Welcome!' });
    const other = await newNumber();
    const body = inboundWebhook(n.phoneNumberId, n.wabaId, other.displayPhoneNumber.replace(/[^0-9]/g, ''), [{ type: 'text', text: { body: 'Welcome!' } }]);
    assert.equal((await postWebhook(t, body)).statusCode, 200);
    await processWebhooks(t);
    await t.platform.jobs.runPending(AUTOMATION_JOB, 1000);
    assert.deepEqual(await runs(n), []);
    assert.equal((await t.db.query(`SELECT 1 FROM wa_messages WHERE number_id = $1 AND direction = 'outbound'`, [n.id])).length, 0);
  });
});

describe('WhatsApp automations API', () => {
  let t: TestPlatform;
  let owner: Client;
  let stranger: Client;
  let tenantId: string;
  let n: ConnectedNumber;

  before(async () => {
    t = await testPlatform();
    const a = await signedInClient(t);
    owner = a.client;
    tenantId = a.person.id;
    stranger = (await signedInClient(t)).client;
    n = await connectSimulatorNumber(t, tenantId);
  });
  after(() => t.close());

  const api = (path = '') => `/api/whatsapp/automations/${n.id}${path}`;

  test('defaults before anything is saved; settings are checked and logged', async () => {
    const res = await owner.get(api());
    assert.equal(res.statusCode, 200, res.body);
    const o = res.json() as { settings: Json & { weeklyHours: Json }; rules: unknown[] };
    assert.equal(o.settings.timezone, 'Asia/Kolkata');
    assert.deepEqual(o.settings.weeklyHours.sun, []);
    assert.deepEqual(o.rules, []);

    const { updatedAt: _u, ...settings } = o.settings;
    const bad = await owner.put(api('/settings'), { ...settings, timezone: 'Mars/Olympus', weeklyHours: { ...o.settings.weeklyHours, mon: [{ open: '18:00', close: '09:00' }] } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual((bad.json() as { error: { details: { field: string }[] } }).error.details.map((d) => d.field), ['timezone', 'weeklyHours.mon[0]']);

    const ok = await owner.put(api('/settings'), { ...settings, timezone: 'Europe/London', holidays: [{ date: '2026-12-25', name: 'Christmas' }] });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((ok.json() as { settings: { timezone: string } }).settings.timezone, 'Europe/London');
    const [act] = await t.db.query<{ action: string; ip: string; user_agent: string }>(`SELECT action, ip, user_agent FROM activity_log WHERE action = 'whatsapp.automation_settings_updated' AND subject_user_id = $1`, [tenantId]);
    assert.equal(act!.ip, owner.ip);
    assert.equal(act!.user_agent, owner.userAgent);
    await owner.put(api('/settings'), { ...settings });
  });

  test('replies: a switched-on reply needs text; confirmations are text only; media ids must be this number’s uploads', async () => {
    assert.equal((await owner.put(api('/replies/welcome'), { enabled: true, reply: null })).statusCode, 400);
    const media = await owner.put(api('/replies/opt_out'), { enabled: true, reply: { type: 'media', mediaType: 'image', link: 'https://example.com/a.png' } });
    assert.equal((media.json() as { error: { code: string } }).error.code, 'invalid_reply');
    const upload = await owner.put(api('/replies/welcome'), { enabled: true, reply: { type: 'media', mediaType: 'image', mediaId: '123456' } });
    assert.equal((upload.json() as { error: { code: string } }).error.code, 'media_not_found');
    const tooMany = await owner.put(api('/replies/welcome'), { enabled: true, reply: { type: 'buttons', body: 'x', buttons: [{ id: 'a', title: 'A' }, { id: 'b', title: 'A' }] } });
    assert.equal((tooMany.json() as { error: { code: string } }).error.code, 'invalid_reply');
    const ok = await owner.put(api('/replies/welcome'), { enabled: false, reply: { type: 'text', text: 'Hi' } });
    assert.equal(ok.statusCode, 200);
    const again = await owner.put(api('/replies/welcome'), { enabled: true, reply: { type: 'text', text: 'Hello' } });
    assert.equal((again.json() as { rule: { id: string } }).rule.id, (ok.json() as { rule: { id: string } }).rule.id, 'one welcome per number');
  });

  test('keyword rules: add, edit, reorder, and the preview tells which rule would fire', async () => {
    const add = async (name: string, matchType: string, patterns: string[]) => {
      const res = await owner.post(api('/rules'), { name, matchType, patterns, reply: { type: 'text', text: `${name} reply` } });
      assert.equal(res.statusCode, 201, res.body);
      return (res.json() as { rule: { id: string; position: number } }).rule;
    };
    const any = await add('anything', 'regex', ['.']);
    const fee = await add('fee', 'contains', ['फ़ीस', 'fee']);
    const preview = async (text: string, extra: Json = {}) => {
      const res = await owner.post(api('/test'), { text, ...extra });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { fired: { ruleId: string; kind: string; matched: string | null }[]; note: string | null; consentKeyword: string | null; open: boolean; localTime: string };
    };
    assert.deepEqual((await preview('आपकी फ़ीस?')).fired.map((f) => f.ruleId), [any.id], 'the first rule wins');
    const order = await owner.put(api('/rules/order'), { ruleIds: [fee.id, any.id] });
    assert.equal(order.statusCode, 200, order.body);
    const p = await preview('आपकी फ़ीस?');
    assert.deepEqual(p.fired.map((f) => [f.ruleId, f.matched]), [[fee.id, 'फ़ीस']]);
    assert.equal((await owner.put(api('/rules/order'), { ruleIds: [fee.id] })).statusCode, 409, 'every rule must be listed');

    const stop = await preview('stop');
    assert.deepEqual([stop.note, stop.consentKeyword, stop.fired.length], ['consent_keyword', 'opt_out', 0]);
    const sunday = await preview('hello', { at: '2026-11-29T06:30:00Z' });
    assert.equal(sunday.open, false, 'Sunday is closed by default');
    assert.equal(sunday.localTime, '2026-11-29 12:00 sun');

    const off = await owner.patch(api(`/rules/${any.id}`), { enabled: false });
    assert.equal(off.statusCode, 200);
    assert.deepEqual((await preview('hello')).fired, []);
    const unsafe = await owner.patch(api(`/rules/${fee.id}`), { matchType: 'regex', patterns: ['(x+)+y'] });
    assert.equal((unsafe.json() as { error: { code: string } }).error.code, 'unsafe_pattern');
    assert.equal((await owner.delete(api(`/rules/${any.id}`))).statusCode, 204);
    const actions = await t.db.query<{ action: string }>(`SELECT action FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'whatsapp.automation_rule%' ORDER BY id`, [tenantId]);
    assert.deepEqual(
      actions.map((a) => a.action).slice(-5),
      ['whatsapp.automation_rule_created', 'whatsapp.automation_rule_created', 'whatsapp.automation_rules_reordered', 'whatsapp.automation_rule_updated', 'whatsapp.automation_rule_deleted'],
    );
  });

  test('another tenant’s number or rule answers 404, whatever the route', async () => {
    const [rule] = await t.db.query<{ id: string }>('SELECT id FROM wa_automation_rules WHERE number_id = $1 LIMIT 1', [n.id]);
    const calls: [string, string, unknown?][] = [
      ['GET', api()],
      ['PUT', api('/settings'), { enabled: false, timezone: 'Asia/Kolkata', weeklyHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [], awayCooldownHours: 1, contactLimit: 1, contactWindowMinutes: 1, numberLimitPerMinute: 1 }],
      ['PUT', api('/replies/away'), { enabled: false, reply: null }],
      ['POST', api('/rules'), { name: 'x', matchType: 'exact', patterns: ['x'], reply: { type: 'text', text: 'x' } }],
      ['PATCH', api(`/rules/${rule!.id}`), { enabled: false }],
      ['DELETE', api(`/rules/${rule!.id}`)],
      ['PUT', api('/rules/order'), { ruleIds: [rule!.id] }],
      ['POST', api('/test'), { text: 'hi' }],
      ['GET', api('/runs')],
    ];
    for (const [method, url, body] of calls) {
      const res = await stranger.request(method as 'GET', url, body);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    const mine = await owner.patch(`/api/whatsapp/automations/${n.id}/rules/${randomUUID()}`, { enabled: false });
    assert.equal(mine.statusCode, 404, 'an unknown rule of my own number');
    assert.equal((await owner.get(api())).statusCode, 200);
  });
});
