import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { keyringFromConfig } from '../../../platform/storage/index.js';
import { Client, json, registerUser, signedInClient, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { EXAMPLE_TEMPLATES, bodyOf, captureServer, example, sandboxKit, type SimNumber } from '../../../test/meta.js';
import { mintApiKey } from '../api-keys/api-key-auth.js';
import { sealNumberSecret } from '../numbers/numbers.repo.js';
import { checkTemplateSend, isTemplateUsable, templateCategory } from './template-send-check.js';
import { createTemplateStatusUpdates } from './template-status-update.js';
import { SYNC_JOB, createTemplateSync } from './template-sync.js';

/**
 * The template manager against the Cloud API simulator: create → PENDING at Meta, status webhooks
 * applied once and in order, rejection reasons, pauses with their notice, the periodic sync and its
 * back-off, the send check, tenancy, /v1 with API keys, delete.
 */

type Json = Record<string, unknown>;
interface TemplateDto {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  reason: string | null;
  rejectionInfo: Json | null;
  otherInfo: Json | null;
  metaTemplateId: string | null;
  source: string;
  notice: { code: string; message: string } | null;
  deletedAt: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}
const err = (res: LightMyRequestResponse) => json<ErrorBody>(res).error;

const promo = (name: string, over: Json = {}) => ({
  name,
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Sale on {{1}}', example: { header_text: ['shoes'] } },
    { type: 'BODY', text: 'Hi {{1}}, use code {{2}} for 20% off.', example: { body_text: [['Asha', 'SAVE20']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }, { type: 'URL', text: 'Shop', url: 'https://example.com/shop/{{1}}', example: ['diwali'] }] },
  ],
  ...over,
});

describe('WhatsApp templates', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let kit: ReturnType<typeof sandboxKit>;
  const services = () => t.platform.services.whatsappTemplates;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    kit = sandboxKit(t, hook);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  /** A simulator number connected to `tenantId` the way the numbers module stores one. */
  async function connect(tenantId: string, wabaId?: string): Promise<SimNumber & { numberId: string }> {
    const n = await kit.newNumber({}, wabaId ? { waba_id: wabaId } : {});
    const numberId = randomUUID();
    const ring = keyringFromConfig(t.config);
    await t.db.query(
      `INSERT INTO wa_numbers (id, tenant_id, waba_id, phone_number_id, access_token_enc, display_phone_number, verified_name)
       VALUES ($1, $2, $3, $4, $5, $6, 'Sandbox Business')`,
      [numberId, tenantId, n.waba_id, n.phone_number_id, sealNumberSecret(ring, numberId, 'access_token', n.access_token), n.display_phone_number],
    );
    return { ...n, numberId };
  }

  async function customer() {
    const { client, person } = await signedInClient(t, 'customer');
    return { client, person, number: await connect(person.id) };
  }

  async function create(client: Client, numberId: string, body: Json): Promise<TemplateDto> {
    const res = await client.post('/api/whatsapp/templates', { numberId, ...body });
    assert.equal(res.statusCode, 201, res.body);
    return json<{ template: TemplateDto }>(res).template;
  }

  const get = async (client: Client, id: string) => json<{ template: TemplateDto; events: { event: string; status: string; applied: boolean; source: string }[]; preview: { text: string } }>(await client.get(`/api/whatsapp/templates/${id}`));

  /** Runs the simulator's webhook deliveries and answers the template status changes it sent, in order. */
  async function statusWebhooks(wabaId: string) {
    return (await kit.flush())
      .map(bodyOf)
      .filter((b) => b.entry[0]!.id === wabaId)
      .flatMap((b) => b.entry.flatMap((e) => e.changes.filter((c) => c.field === 'message_template_status_update').map((c) => ({ wabaId: e.id, value: c.value, time: (e as { time?: number }).time }))));
  }

  const apply = (u: { wabaId: string; value: Json; time?: number | undefined }) => t.db.tx((tx) => services().applyTemplateStatusUpdate(tx, u));
  const simStatus = async (metaId: string, body: Json) => {
    const res = await kit.sim('PATCH', `/templates/${metaId}`, body);
    assert.equal(res.statusCode, 200, res.body);
  };
  const notifications = async (userId: string) => (await t.db.query<{ kind: string; body_en: string }>('SELECT kind, body_en FROM notifications WHERE user_id = $1 ORDER BY created_at', [userId])).map((r) => r);

  test('create → PENDING at Meta; approved through the simulator’s admin API; the webhook’s update makes it APPROVED once', async () => {
    const { client, person, number } = await customer();
    const created = await create(client, number.numberId, promo('diwali_sale'));
    assert.equal(created.status, 'PENDING');
    assert.match(created.metaTemplateId!, /^[0-9]+$/);
    assert.deepEqual(created.notice?.code, 'template_not_approved');
    const atMeta = await kit.graph.listTemplates(number.waba_id, number.access_token, { name: 'diwali_sale' });
    assert.deepEqual(atMeta.data.map((m) => [m.id, m.status]), [[created.metaTemplateId, 'PENDING']]);

    await simStatus(created.metaTemplateId!, { status: 'APPROVED' });
    const updates = await statusWebhooks(number.waba_id);
    assert.equal(updates.length, 1);
    assert.equal(updates[0]!.value.event, 'APPROVED');
    assert.deepEqual(await apply(updates[0]!), { templates: 1, changed: 1, unknown: false });
    // Meta redelivers: nothing happens twice.
    assert.deepEqual(await apply(updates[0]!), { templates: 1, changed: 0, unknown: false });

    const d = await get(client, created.id);
    assert.equal(d.template.status, 'APPROVED');
    assert.equal(d.template.notice, null);
    assert.deepEqual(d.events.map((e) => `${e.event}:${e.status}:${e.source}`).reverse(), ['SUBMITTED:PENDING:platform', 'APPROVED:APPROVED:webhook']);
    assert.equal(d.preview.text, 'Sale on shoes\n\nHi Asha, use code SAVE20 for 20% off.\n\nReply STOP to opt out');
    assert.deepEqual((await notifications(person.id)).map((n) => n.kind), ['whatsapp.template_approved']);

    // A late PENDING report (older than the approval) is recorded but changes nothing.
    const late = await apply({ wabaId: number.waba_id, value: { ...updates[0]!.value, event: 'PENDING', reason: null }, time: updates[0]!.time! - 30 });
    assert.equal(late.changed, 0);
    const again = await get(client, created.id);
    assert.equal(again.template.status, 'APPROVED');
    assert.deepEqual(again.events[0], { ...again.events[0]!, event: 'PENDING', status: 'APPROVED', applied: false });

    const activity = await t.db.query<{ action: string; ip: string; user_agent: string; actor_id: string }>(
      `SELECT action, ip, user_agent, actor_id FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'whatsapp.template%' ORDER BY id`,
      [person.id],
    );
    assert.deepEqual(activity.map((a) => a.action), ['whatsapp.template_created', 'whatsapp.template_status_changed']);
    assert.equal(activity[0]!.ip, client.ip);
    assert.equal(activity[0]!.user_agent, client.userAgent);
    assert.equal(activity[0]!.actor_id, person.id);
  });

  test('rejected: Meta’s reason and recommendation are shown, and the tenant is told', async () => {
    const { client, person, number } = await customer();
    const created = await create(client, number.numberId, promo('cart_reminder'));
    // Meta's own example body, about this template.
    const sample = example<{ entry: { id: string; time: number; changes: { value: Json }[] }[] }>('webhook-template-status-rejected.json');
    const value = { ...sample.entry[0]!.changes[0]!.value, message_template_id: Number(created.metaTemplateId), message_template_name: 'cart_reminder', message_template_language: 'en-US' };
    assert.equal((await apply({ wabaId: number.waba_id, value, time: Math.floor(Date.now() / 1000) + 1 })).changed, 1);
    const d = await get(client, created.id);
    assert.equal(d.template.status, 'REJECTED');
    assert.equal(d.template.reason, 'INVALID_FORMAT');
    assert.match(String(d.template.rejectionInfo?.recommendation), /Separate parameters/);
    assert.equal(d.template.notice?.code, 'template_not_approved');
    assert.match(d.template.notice!.message, /rejected by Meta \(INVALID_FORMAT\)/);
    const [n] = await notifications(person.id);
    assert.equal(n!.kind, 'whatsapp.template_rejected');
    assert.match(n!.body_en, /parameters placed next to each other/);

    // The same through the simulator's admin API: a reason without details.
    const other = await create(client, number.numberId, promo('cart_reminder_two'));
    await simStatus(other.metaTemplateId!, { status: 'REJECTED', reason: 'INCORRECT_CATEGORY' });
    for (const u of await statusWebhooks(number.waba_id)) await apply(u);
    const d2 = await get(client, other.id);
    assert.deepEqual([d2.template.status, d2.template.reason], ['REJECTED', 'INCORRECT_CATEGORY']);
  });

  test('paused: a notice reaches the tenant, isTemplateUsable and the send check stop; reinstated, it works again', async () => {
    const { client, person, number } = await customer();
    const created = await create(client, number.numberId, promo('weekend_offer'));
    await simStatus(created.metaTemplateId!, { status: 'APPROVED' });
    for (const u of await statusWebhooks(number.waba_id)) await apply(u);
    const ref = { tenantId: person.id, numberId: number.numberId, name: 'weekend_offer', language: 'en_US' };
    assert.equal((await isTemplateUsable(t.db, ref)).usable, true);

    await simStatus(created.metaTemplateId!, { status: 'PAUSED' });
    const paused = await statusWebhooks(number.waba_id);
    assert.equal((paused[0]!.value.other_info as Json).title, 'FIRST_PAUSE');
    for (const u of paused) await apply(u);

    const usable = await isTemplateUsable(t.db, ref);
    assert.equal(usable.usable, false);
    assert.ok(!usable.usable);
    assert.equal(usable.code, 'template_paused');
    assert.match(usable.message, /paused by Meta .* about 3 hours/);
    assert.equal((await isTemplateUsable(t.db, { tenantId: person.id, templateId: created.id })).usable, false);
    await assert.rejects(checkTemplateSend(t.db, { ...ref, components: [] }), (e: { status?: number; code?: string }) => e.status === 422 && e.code === 'template_paused');
    const kinds = (await notifications(person.id)).map((n) => n.kind);
    assert.deepEqual(kinds, ['whatsapp.template_approved', 'whatsapp.template_paused']);
    const notice = (await notifications(person.id)).at(-1)!;
    assert.match(notice.body_en, /Campaigns and automations using it are stopped/);
    const listed = json<{ items: TemplateDto[] }>(await client.get('/api/whatsapp/templates?status=PAUSED')).items;
    assert.deepEqual(listed.map((x) => [x.name, x.notice?.code]), [['weekend_offer', 'template_paused']]);

    // Meta lifts the pause (REINSTATED).
    await apply({ wabaId: number.waba_id, value: { ...paused[0]!.value, event: 'REINSTATED', other_info: { title: 'UNPAUSE', description: 'Unpaused' } }, time: paused[0]!.time! + 1 });
    assert.equal((await isTemplateUsable(t.db, ref)).usable, true);
    assert.equal((await notifications(person.id)).at(-1)!.kind, 'whatsapp.template_resumed');

    // Disabled for good.
    await simStatus(created.metaTemplateId!, { status: 'DISABLED' });
    for (const u of await statusWebhooks(number.waba_id)) await apply({ ...u, time: u.time! + 2 });
    const disabled = await isTemplateUsable(t.db, ref);
    assert.ok(!disabled.usable && disabled.code === 'template_disabled');
    assert.equal((await get(client, created.id)).template.status, 'DISABLED');
  });

  test('quality updates: the newest score is shown, an older one changes nothing', async () => {
    const { client, number } = await customer();
    const created = await create(client, number.numberId, promo('quality_watch'));
    const value = (score: string) => ({ previous_quality_score: 'GREEN', new_quality_score: score, message_template_id: Number(created.metaTemplateId), message_template_name: 'quality_watch', message_template_language: 'en_US' });
    const now = Math.floor(Date.now() / 1000);
    assert.deepEqual(await t.db.tx((tx) => services().applyTemplateQualityUpdate(tx, { wabaId: number.waba_id, value: value('YELLOW'), time: now + 5 })), { templates: 1 });
    await t.db.tx((tx) => services().applyTemplateQualityUpdate(tx, { wabaId: number.waba_id, value: value('RED'), time: now + 1 }));
    const d = json<{ template: { qualityScore: string } }>(await client.get(`/api/whatsapp/templates/${created.id}`));
    assert.equal(d.template.qualityScore, 'YELLOW');
  });

  test('an update about a template nobody knows queues a sync of that business account', async () => {
    const { number, person } = await customer();
    const made = await kit.graph.createTemplate(number.waba_id, number.access_token, EXAMPLE_TEMPLATES[1] as never);
    const before = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'wabaId' = $2`, [SYNC_JOB, number.waba_id]);
    const r = await apply({ wabaId: number.waba_id, value: { event: 'APPROVED', message_template_id: Number(made.id), message_template_name: 'order_confirmation_named', message_template_language: 'en', reason: 'NONE' } });
    assert.deepEqual(r, { templates: 0, changed: 0, unknown: true });
    const after = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'wabaId' = $2 AND data->>'tenantId' = $3`, [SYNC_JOB, number.waba_id, person.id]);
    assert.equal(after[0]!.n, before[0]!.n + 1);
    await t.platform.jobs.runPending(SYNC_JOB, 100);
    const rows = await t.db.query<{ name: string; source: string }>('SELECT name, source FROM wa_templates WHERE tenant_id = $1 ORDER BY name', [person.id]);
    assert.deepEqual(rows.map((x) => `${x.name}:${x.source}`), ['hello_world:meta', 'order_confirmation_named:meta']);
  });

  test('sync now picks up what changed at Meta: new templates, status changes, deletions', async () => {
    const { client, person, number } = await customer();
    const mine = await create(client, number.numberId, promo('festival_greeting'));
    const doomed = await create(client, number.numberId, promo('old_offer'));
    // Changes made at Meta without a webhook reaching us.
    await simStatus(mine.metaTemplateId!, { status: 'APPROVED', category: 'UTILITY' });
    await kit.graph.createTemplate(number.waba_id, number.access_token, EXAMPLE_TEMPLATES[2] as never);
    await kit.graph.deleteTemplate(number.waba_id, number.access_token, { name: 'old_offer' });

    const res = await client.post('/api/whatsapp/templates/sync', { numberId: number.numberId });
    assert.equal(res.statusCode, 200, res.body);
    const [result] = json<{ results: { wabaId: string; state: string; counts: Json }[] }>(res).results;
    assert.equal(result!.state, 'synced');
    assert.deepEqual(result!.counts, { seen: 3, added: 2, changed: 1, removed: 1 });

    const list = json<{ items: TemplateDto[] }>(await client.get('/api/whatsapp/templates?limit=50')).items;
    const byName = Object.fromEntries(list.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(byName).sort(), ['2023_april_promo', 'festival_greeting', 'hello_world']);
    assert.equal(byName.festival_greeting!.status, 'APPROVED');
    assert.equal(byName.festival_greeting!.category, 'UTILITY', 'Meta re-categorised it');
    assert.equal(byName['2023_april_promo']!.source, 'meta');
    assert.equal(byName.hello_world!.status, 'APPROVED');
    const gone = json<{ items: TemplateDto[] }>(await client.get('/api/whatsapp/templates?status=DELETED')).items;
    assert.deepEqual(gone.map((x) => x.id), [doomed.id]);

    // A second sync finds nothing new; the account shows when it last synced.
    const second = json<{ results: { counts: Json }[] }>(await client.post('/api/whatsapp/templates/sync', {})).results;
    assert.deepEqual(second[0]!.counts, { seen: 3, added: 0, changed: 0, removed: 0 });
    const accounts = json<{ items: { wabaId: string; numbers: { id: string }[]; sync: { lastSyncedAt: string | null } }[] }>(await client.get('/api/whatsapp/templates/accounts')).items;
    assert.deepEqual(accounts.map((a) => [a.wabaId, a.numbers.map((n) => n.id)]), [[number.waba_id, [number.numberId]]]);
    assert.ok(accounts[0]!.sync.lastSyncedAt);
    const logged = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM activity_log WHERE subject_user_id = $1 AND action = 'whatsapp.templates_synced' AND actor_id = $2`, [person.id, person.id]);
    assert.equal(logged[0]!.n, 2);
  });

  test('the schedule queues each business account due; Meta’s 80007 makes the sync back off and retry later', async () => {
    const { person, number } = await customer();
    // The due scheduler queues this business account once, not again while it is queued.
    await services().sync.queueDue();
    const queued = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'tenantId' = $2`, [SYNC_JOB, person.id]);
    assert.equal(queued[0]!.n, 1);
    await services().sync.queueDue();
    const still = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'tenantId' = $2`, [SYNC_JOB, person.id]);
    assert.equal(still[0]!.n, 1);

    // A client without in-call retries, so Meta's answer arrives as given.
    const statusUpdates = createTemplateStatusUpdates({ notifier: t.platform.services.notifier, queueSync: async () => {} });
    const sync = createTemplateSync({ db: t.db, jobs: t.platform.jobs, graph: kit.graph, ring: keyringFromConfig(t.config), statusUpdates, log: t.app.log });
    assert.equal((await kit.sim('PATCH', `/wabas/${number.waba_id}`, { mgmt_calls_per_hour: 1 })).statusCode, 200);
    assert.equal((await sync.syncWaba(person.id, number.waba_id)).state, 'synced', 'the one call of the hour');
    const limited = await sync.syncWaba(person.id, number.waba_id);
    assert.equal(limited.state, 'rate_limited');
    const row = (await t.db.query<{ backoff_until: Date; backoff_count: number; last_error: string }>('SELECT backoff_until, backoff_count, last_error FROM wa_template_syncs WHERE tenant_id = $1 AND waba_id = $2', [person.id, number.waba_id]))[0]!;
    assert.equal(row.backoff_count, 1);
    assert.ok(row.backoff_until.getTime() > Date.now() + 59_000);
    assert.match(row.last_error, /80007/);
    const retry = await t.db.query<{ start_after: Date }>(`SELECT start_after FROM pgboss.job WHERE name = $1 AND data->>'tenantId' = $2 AND state = 'created' ORDER BY created_on DESC LIMIT 1`, [SYNC_JOB, person.id]);
    assert.ok(retry[0]!.start_after.getTime() > Date.now() + 59_000, 'the retry waits out the back-off');
    // While backing off, nothing is asked of Meta: the answer comes from the stored back-off.
    const again = await sync.syncWaba(person.id, number.waba_id);
    assert.ok(again.state === 'rate_limited' && again.retryAt.getTime() === row.backoff_until.getTime());
    // Sync now tells the person when to come back.
    const { client } = await signedInClientFor(person);
    const res = json<{ results: { state: string; retryAt: string }[] }>(await client.post('/api/whatsapp/templates/sync', { numberId: number.numberId })).results;
    assert.deepEqual(res.map((r) => r.state), ['rate_limited']);
  });

  async function signedInClientFor(person: { email: string; password: string }) {
    const client = new Client(t.app);
    assert.equal((await client.login(person.email, person.password)).statusCode, 200);
    return { client };
  }

  test('checkTemplateSend: header, body and button counts, positional and named; category for billing', async () => {
    const { person, number } = await customer();
    const imageId = await kit.template(number, EXAMPLE_TEMPLATES[0]!);
    await kit.template(number, EXAMPLE_TEMPLATES[1]!);
    await services().sync.syncWaba(person.id, number.waba_id);
    const ref = { tenantId: person.id, numberId: number.numberId, name: 'order_update_v2', language: 'en_US' };
    const good = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/order.jpg' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Sheena' }, { type: 'text', text: '₹1,299' }, { type: 'text', text: 'Monday' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: '12345' }] },
    ];
    const ok = await checkTemplateSend(t.db, { ...ref, components: good });
    assert.equal(ok.category, 'UTILITY');
    assert.equal(ok.metaTemplateId, imageId);
    assert.equal(ok.rendered.body, 'Hi Sheena, your order of ₹1,299 ships on Monday.');
    assert.equal(await templateCategory(t.db, ref), 'UTILITY');

    const refuse = async (components: unknown[], code: string, field: RegExp) =>
      assert.rejects(checkTemplateSend(t.db, { ...ref, components }), (e: { status?: number; code?: string; details?: { field: string }[]; message: string }) => {
        assert.equal(e.status, 422);
        assert.equal(e.code, code, e.message);
        assert.match(e.details!.map((d) => d.field).join(','), field);
        return true;
      });
    await refuse(good.slice(1), 'template_param_count', /^header$/);
    await refuse([good[0]!, { type: 'body', parameters: [{ type: 'text', text: 'Sheena' }] }, good[2]!], 'template_param_count', /^body$/);
    await refuse(good.slice(0, 2), 'template_param_count', /^buttons\[1\]$/);
    await refuse([{ type: 'header', parameters: [{ type: 'video', video: { id: '1' } }] }, good[1]!, good[2]!], 'template_param_invalid', /^header/);

    const named = { tenantId: person.id, wabaId: number.waba_id, name: 'order_confirmation_named', language: 'en' };
    const send = example<{ template: { components: unknown[] } }>('send-template-named-params-request.json').template.components;
    assert.equal((await checkTemplateSend(t.db, { ...named, components: send })).rendered.body, 'Hi Sheena, your order 12345 is confirmed.');
    await assert.rejects(checkTemplateSend(t.db, { ...named, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Sheena' }, { type: 'text', text: '12345' }] }] }), (e: { code?: string }) => e.code === 'template_param_invalid');

    await assert.rejects(checkTemplateSend(t.db, { ...ref, language: 'hi', components: good }), (e: { code?: string; message: string }) => e.code === 'template_not_found' && /exists in en_US/.test(e.message));
    await assert.rejects(checkTemplateSend(t.db, { ...ref, name: 'no_such_template' }), (e: { code?: string }) => e.code === 'template_not_found');
    const other = await registerUser(t.app, 'other');
    await assert.rejects(checkTemplateSend(t.db, { ...ref, tenantId: other.id }), (e: { status?: number }) => e.status === 404, 'another tenant’s number is not found');
    // A pending template is not sendable yet.
    await kit.graph.createTemplate(number.waba_id, number.access_token, { ...(EXAMPLE_TEMPLATES[2] as Json), name: 'still_pending' } as never);
    await services().sync.syncWaba(person.id, number.waba_id);
    await assert.rejects(checkTemplateSend(t.db, { tenantId: person.id, numberId: number.numberId, name: 'still_pending', language: 'en_US', components: [] }), (e: { code?: string }) => e.code === 'template_not_approved');
  });

  test('another tenant’s templates and numbers answer 404 and never appear in lists', async () => {
    const a = await customer();
    const b = await customer();
    const mine = await create(a.client, a.number.numberId, promo('tenant_a_only'));
    for (const res of [
      await b.client.get(`/api/whatsapp/templates/${mine.id}`),
      await b.client.delete(`/api/whatsapp/templates/${mine.id}`),
      await b.client.post(`/api/whatsapp/templates/${mine.id}/preview`, {}),
      await b.client.post('/api/whatsapp/templates', { numberId: a.number.numberId, ...promo('stolen') }),
      await b.client.post('/api/whatsapp/templates/sync', { numberId: a.number.numberId }),
      await b.client.get(`/api/whatsapp/templates?numberId=${a.number.numberId}`),
    ]) {
      assert.equal(res.statusCode, 404, res.body);
    }
    const listed = json<{ items: TemplateDto[]; total: number }>(await b.client.get('/api/whatsapp/templates'));
    assert.ok(!listed.items.some((x) => x.id === mine.id));
    assert.equal((await get(a.client, mine.id)).template.status, 'PENDING', 'still there for its owner');
    const atMeta = await kit.graph.listTemplates(a.number.waba_id, a.number.access_token, { name: 'stolen' });
    assert.equal(atMeta.data.length, 0);
  });

  test('create refuses what Meta would refuse, with every problem named; duplicates are a 409', async () => {
    const { client, number } = await customer();
    const res = await client.post('/api/whatsapp/templates', {
      numberId: number.numberId,
      ...promo('Bad Name', { components: [{ type: 'BODY', text: '{{1}} has {{3}}', example: { body_text: [['a']] } }, { type: 'FOOTER', text: 'Hi {{1}}' }] }),
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(err(res).code, 'invalid_template');
    const flds = new Set(err(res).details!.map((d) => d.field));
    assert.deepEqual([...flds].sort(), ['body.example', 'body.text', 'footer.text', 'name']);
    // Unknown fields and absurd sizes stop at the schema.
    assert.equal((await client.post('/api/whatsapp/templates', { numberId: number.numberId, ...promo('x_1'), injected: true })).statusCode, 400);
    assert.equal((await client.post('/api/whatsapp/templates', { numberId: number.numberId, ...promo('x_2', { components: [{ type: 'BODY', text: 'a'.repeat(5000) }] }) })).statusCode, 400);
    const nothing = await kit.graph.listTemplates(number.waba_id, number.access_token, {});
    assert.deepEqual(nothing.data.map((m) => m.name), ['hello_world'], 'nothing invalid reached Meta');

    await create(client, number.numberId, promo('only_once'));
    const dup = await client.post('/api/whatsapp/templates', { numberId: number.numberId, ...promo('only_once') });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.equal(err(dup).code, 'template_exists');
    // The same name in another language is another template.
    await create(client, number.numberId, promo('only_once', { language: 'hi', components: [{ type: 'BODY', text: 'नमस्ते {{1}}, आपका ऑर्डर तैयार है।', example: { body_text: [['आशा']] } }] }));
  });

  test('previews: a draft with its problems, a template filled with a send’s parameters', async () => {
    const { client, number } = await customer();
    const draft = json<{ issues: { field: string }[]; preview: { body: string; header: { text: string } } }>(
      await client.post('/api/whatsapp/templates/preview', { category: 'MARKETING', components: promo('x').components.slice(0, 2).concat([{ type: 'FOOTER', text: 'x'.repeat(61) }]) }),
    );
    assert.deepEqual(draft.issues.map((i) => i.field), ['name', 'language', 'footer.text']);
    assert.equal(draft.preview.body, 'Hi Asha, use code SAVE20 for 20% off.');
    assert.equal(draft.preview.header.text, 'Sale on shoes');

    const created = await create(client, number.numberId, promo('preview_me'));
    const filled = json<{ preview: { text: string; buttons: { url?: string }[] }; issues: unknown[] }>(
      await client.post(`/api/whatsapp/templates/${created.id}/preview`, {
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'sarees' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Ravi' }, { type: 'text', text: 'DIWALI' }] },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'diwali 2026' }] },
        ],
      }),
    );
    assert.deepEqual(filled.issues, []);
    assert.equal(filled.preview.text, 'Sale on sarees\n\nHi Ravi, use code DIWALI for 20% off.\n\nReply STOP to opt out');
    assert.equal(filled.preview.buttons[1]!.url, 'https://example.com/shop/diwali%202026');
    const short = json<{ issues: { kind: string; field: string }[] }>(await client.post(`/api/whatsapp/templates/${created.id}/preview`, { components: [] }));
    assert.deepEqual(short.issues.map((i) => `${i.kind}:${i.field}`), ['count:header', 'count:body', 'count:buttons[1]']);
  });

  test('delete: at Meta (this language only) and here, logged; a template already gone at Meta still deletes', async () => {
    const { client, person, number } = await customer();
    const en = await create(client, number.numberId, promo('two_languages'));
    await create(client, number.numberId, promo('two_languages', { language: 'hi', components: [{ type: 'BODY', text: 'नमस्ते {{1}}, आपका ऑर्डर तैयार है।', example: { body_text: [['आशा']] } }] }));
    const res = await client.delete(`/api/whatsapp/templates/${en.id}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json<{ template: TemplateDto }>(res).template.status, 'DELETED');
    const atMeta = await kit.graph.listTemplates(number.waba_id, number.access_token, { name: 'two_languages' });
    assert.deepEqual(atMeta.data.map((m) => m.language), ['hi']);
    assert.equal((await client.delete(`/api/whatsapp/templates/${en.id}`)).statusCode, 404);
    const logged = await t.db.query<{ object_id: string }>(`SELECT object_id FROM activity_log WHERE subject_user_id = $1 AND action = 'whatsapp.template_deleted'`, [person.id]);
    assert.deepEqual(logged.map((l) => l.object_id), [en.id]);
    // The same name can be created again afterwards.
    const hi = json<{ items: TemplateDto[] }>(await client.get('/api/whatsapp/templates?language=hi')).items[0]!;
    await kit.graph.deleteTemplate(number.waba_id, number.access_token, { name: 'two_languages' });
    const gone = await client.delete(`/api/whatsapp/templates/${hi.id}`);
    assert.equal(gone.statusCode, 200, gone.body);
  });

  describe('/v1/templates with API keys', () => {
    async function key(tenantId: string, scopes: string[], numberIds: string[] | null = null): Promise<string> {
      const k = mintApiKey();
      await t.db.query('INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes, number_ids) VALUES ($1, $2, $3, $4, $5, $6)', [tenantId, 'test', k.prefix, k.secretHash, scopes, numberIds]);
      return k.plaintext;
    }
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, apiKey: string | null, payload?: unknown) =>
      t.app.inject({ method, url, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

    test('templates:read lists and reads; templates:write creates, syncs and deletes; scopes and numbers are enforced', async () => {
      const { person, number } = await customer();
      const second = await connect(person.id);
      const reader = await key(person.id, ['templates:read']);
      const writer = await key(person.id, ['templates:read', 'templates:write']);
      const narrow = await key(person.id, ['templates:read', 'templates:write'], [number.numberId]);

      assert.equal((await call('GET', '/v1/templates', null)).statusCode, 401);
      assert.equal(err(await call('POST', '/v1/templates', reader, { numberId: number.numberId, ...promo('from_api') })).code, 'insufficient_scope');
      const made = await call('POST', '/v1/templates', writer, { numberId: number.numberId, ...promo('from_api') });
      assert.equal(made.statusCode, 201, made.body);
      const id = json<{ template: TemplateDto }>(made).template.id;
      const inSecond = await call('POST', '/v1/templates', writer, { numberId: second.numberId, ...promo('second_waba') });
      assert.equal(inSecond.statusCode, 201, inSecond.body);

      const all = json<{ items: TemplateDto[] }>(await call('GET', '/v1/templates', reader)).items.map((x) => x.name).sort();
      assert.deepEqual(all, ['from_api', 'second_waba']);
      // A key limited to one number sees that number's business account only.
      assert.deepEqual(json<{ items: TemplateDto[] }>(await call('GET', '/v1/templates', narrow)).items.map((x) => x.name), ['from_api']);
      const otherId = json<{ template: TemplateDto }>(inSecond).template.id;
      assert.equal((await call('GET', `/v1/templates/${otherId}`, narrow)).statusCode, 404);
      assert.equal(err(await call('POST', '/v1/templates', narrow, { numberId: second.numberId, ...promo('not_mine') })).code, 'number_not_allowed');

      const detail = await call('GET', `/v1/templates/${id}`, reader);
      assert.equal(detail.statusCode, 200, detail.body);
      assert.deepEqual(json<{ expected: { body: { keys: string[] } } }>(detail).expected.body.keys, ['1', '2']);
      const preview = await call('POST', `/v1/templates/${id}/preview`, reader, { components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }] });
      assert.deepEqual(json<{ issues: { field: string }[] }>(preview).issues.map((i) => i.field), ['header', 'body', 'buttons[1]']);
      assert.equal(json<{ results: { state: string }[] }>(await call('POST', '/v1/templates/sync', writer, { numberId: number.numberId })).results[0]!.state, 'synced');
      assert.equal((await call('DELETE', `/v1/templates/${id}`, reader)).statusCode, 403);
      assert.equal((await call('DELETE', `/v1/templates/${id}`, writer)).statusCode, 200);

      const byKey = await t.db.query<{ action: string; actor_type: string }>(`SELECT action, actor_type FROM activity_log WHERE subject_user_id = $1 AND actor_type = 'api_key' AND action LIKE 'whatsapp.template%' ORDER BY id`, [person.id]);
      assert.deepEqual(byKey.map((r) => r.action), ['whatsapp.template_created', 'whatsapp.template_created', 'whatsapp.templates_synced', 'whatsapp.template_deleted']);
      // Another tenant's key finds nothing of this tenant.
      const stranger = await registerUser(t.app, 'stranger');
      const theirs = await key(stranger.id, ['templates:read', 'templates:write']);
      assert.equal((await call('GET', `/v1/templates/${otherId}`, theirs)).statusCode, 404);
      assert.equal((await call('POST', '/v1/templates', theirs, { numberId: number.numberId, ...promo('hijack') })).statusCode, 404);
    });
  });
});
