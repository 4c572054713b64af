import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { captureServer } from '../../../test/meta.js';
import { CreditLeases } from '../../wallet/credit-leases.js';
import { priceFor } from '../billing/pricing.js';
import { refundReserve } from '../billing/reserve.js';
import type { GraphClient } from '../graph/graph-client.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';
import type { OutboundMessage } from '../graph/graph-types.js';
import { applyStatusEvents } from '../inbound/status-events.js';
import { renderGraph } from './graph-compat.routes.js';
import { ThroughputPacer } from './pacing.js';
import type { AppError } from '../../../platform/errors.js';
import { MetaRefusal, SEND_RETRY_JOB, createSendService, type Sender } from './send.service.js';
import { createTemplateCategories } from './template-categories.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';
import { renderV1 } from './v1-messages.routes.js';

/**
 * The send service against a Graph API that misbehaves on cue: a timeout (outcome unknown), no
 * connection at all, Meta's throughput limit that outlasts the client's own retries — and the
 * maintenance that returns reserves nobody will ever settle.
 */

type Behaviour = 'accept' | 'timeout' | 'connect' | 'throughput';

describe('send service: unknown outcomes, throughput retries, stale reserves', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;
  let c: Connected;
  let behaviour: Behaviour = 'accept';
  const sent: OutboundMessage[] = [];
  let service: ReturnType<typeof createSendService>;
  let sender: Sender;

  const graph = {
    async sendMessage(_pnid: string, _token: string, body: OutboundMessage) {
      if (behaviour === 'timeout') throw new GraphRequestError('timeout', 'POST /messages: no answer within 15000 ms');
      if (behaviour === 'connect') throw new GraphRequestError('connect', 'POST /messages: could not connect (ECONNREFUSED)');
      if (behaviour === 'throughput') throw new GraphApiError({ httpStatus: 429, code: 130429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.', retryAfterSeconds: 1 });
      sent.push(body);
      return { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.TEST${sent.length}` }] };
    },
    async listTemplates() {
      return { data: [] };
    },
  } as unknown as GraphClient;

  const text = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Hello' } });
  const row = async (id: string) =>
    (await t.db.query<{ status: string; wamid: string | null; error_code: number | null; error_details: string | null; billing_state: string; reserved_paise: number }>('SELECT * FROM wa_messages WHERE id = $1', [id]))[0]!;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    s = sendKit(t, hook);
    c = await s.connect(await s.tenant(100_000));
    const leases = new CreditLeases(t.db, { blockPaise: 10_000, ttlSeconds: 300, marginSeconds: 60 });
    service = createSendService({
      db: t.db,
      jobs: t.platform.jobs,
      graph,
      ring: s.ring,
      leases,
      pacer: new ThroughputPacer({ claim: async (_n, _m, want) => want, maxWaitMs: 1_000 }),
      prices: { priceFor: (category, waId) => priceFor(t.db, category, waId) },
      templates: createTemplateCategories({ graph, log: t.app.log }),
      log: t.app.log,
      applyStatusEvents: (q, wamid) => applyStatusEvents(q, wamid),
    });
    sender = { tenantId: c.tenantId, source: 'api', apiKeyId: null, userId: null, actor: { type: 'system' }, meta: { ip: null, userAgent: null, requestId: null } };
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  test('a timeout leaves the message queued and reserved, with a note; /v1 answers 202, /graph says it may have been sent', async () => {
    behaviour = 'timeout';
    const outcome = await service.send(sender, c.number, text('16505550001'), { queueOnThroughput: true });
    assert.equal(outcome.kind, 'queued');
    if (outcome.kind !== 'queued') return;
    assert.equal(outcome.reason, 'outcome_unknown');
    const r = await row(outcome.message.id);
    assert.equal(r.status, 'queued');
    assert.equal(r.wamid, null);
    assert.equal(r.billing_state, 'reserved');
    assert.match(r.error_details!, /may have been sent/);
    assert.equal(renderV1(outcome).status, 202);
    const g = renderGraph(outcome, 'req-1');
    assert.equal(g.status, 500);
    assert.equal((g.body as { error: { code: number; is_transient: boolean; error_data: { platform_code: string } } }).error.code, 131000);
    assert.equal((g.body as { error: { is_transient: boolean } }).error.is_transient, false);
    assert.equal(g.store, true, 'a retry with the same Idempotency-Key must get this answer, not a second send');
  });

  test('no connection at all: the message fails, its reserve goes back, the caller gets 503', async () => {
    behaviour = 'connect';
    const before = await s.reserved(c.tenantId);
    await assert.rejects(service.send(sender, c.number, text('16505550002'), { queueOnThroughput: true }), (e: AppError) => e.status === 503 && e.code === 'whatsapp_unavailable');
    const [m] = await t.db.query<{ status: string; billing_state: string }>("SELECT status, billing_state FROM wa_messages WHERE wa_id = '16505550002'");
    assert.deepEqual({ ...m }, { status: 'failed', billing_state: 'released' });
    assert.equal(await s.reserved(c.tenantId), before);
  });

  test('Meta’s 130429 beyond the client’s retries: /v1 keeps it queued and the retry job sends it exactly once', async () => {
    behaviour = 'throughput';
    const outcome = await service.send(sender, c.number, text('16505550003'), { queueOnThroughput: true });
    assert.equal(outcome.kind, 'queued');
    if (outcome.kind !== 'queued') return;
    assert.equal(outcome.reason, 'throughput');
    assert.equal((await row(outcome.message.id)).error_code, 130429);
    const jobs = await t.db.query<{ data: { messageId: string; attempt: number } }>("SELECT data FROM pgboss.job WHERE name = $1 AND data->>'messageId' = $2", [SEND_RETRY_JOB, outcome.message.id]);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.data.attempt, 1);

    behaviour = 'accept';
    const before = sent.length;
    await service.retry({ messageId: outcome.message.id, attempt: 1 });
    // The same job again (pg-boss retrying a crashed run) finds nothing to do.
    await service.retry({ messageId: outcome.message.id, attempt: 1 });
    assert.equal(sent.length - before, 1);
    const r = await row(outcome.message.id);
    assert.equal(r.status, 'accepted');
    assert.equal(r.wamid, `wamid.TEST${sent.length}`);
  });

  test('on /graph (no queueing) 130429 is Meta’s refusal: failed, reserve returned', async () => {
    behaviour = 'throughput';
    await assert.rejects(service.send(sender, c.number, text('16505550004'), { queueOnThroughput: false }), (e: MetaRefusal) => e instanceof MetaRefusal && e.info.code === 130429 && e.sent !== undefined);
    const [m] = await t.db.query<{ status: string; billing_state: string }>("SELECT status, billing_state FROM wa_messages WHERE wa_id = '16505550004'");
    assert.deepEqual({ ...m }, { status: 'failed', billing_state: 'released' });
    behaviour = 'accept';
  });

  test('a message still queued a week later is released by the maintenance; a reserve is never refunded twice', async () => {
    behaviour = 'timeout';
    const outcome = await service.send(sender, c.number, text('16505550005'), { queueOnThroughput: true });
    assert.equal(outcome.kind, 'queued');
    if (outcome.kind !== 'queued') return;
    await t.db.query("UPDATE wa_messages SET created_at = now() - interval '8 days' WHERE id = $1", [outcome.message.id]);
    const before = await s.reserved(c.tenantId);
    assert.ok((await service.releaseStale()) >= 1);
    const r = await row(outcome.message.id);
    assert.equal(r.status, 'failed');
    assert.equal(r.billing_state, 'released');
    assert.equal(before - (await s.reserved(c.tenantId)), r.reserved_paise);
    assert.equal(await t.db.tx((tx) => refundReserve(tx, { id: outcome.message.id }, 'again')), 0);
    assert.equal(before - (await s.reserved(c.tenantId)), r.reserved_paise);
    behaviour = 'accept';
  });

  test('refundReserve on a message whose billing moved on does nothing', async () => {
    behaviour = 'accept';
    const outcome = await service.send(sender, c.number, text('16505550006'), { queueOnThroughput: true });
    assert.equal(outcome.kind, 'accepted');
    if (outcome.kind !== 'accepted') return;
    await t.db.query("UPDATE wa_messages SET billing_state = 'charged', charged_paise = reserved_paise WHERE id = $1", [outcome.message.id]);
    assert.equal(await t.db.tx((tx) => refundReserve(tx, { id: outcome.message.id }, 'late')), 0);
  });

  test('a status report that overtook the send’s answer is applied as soon as the wamid is recorded', async () => {
    behaviour = 'accept';
    const next = `wamid.TEST${sent.length + 1}`;
    await t.db.query(
      `INSERT INTO wa_status_events (wamid, status, occurred_at, recipient_id, pricing) VALUES ($1, 'sent', now(), '16505550007', $2)`,
      [next, JSON.stringify({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' })],
    );
    const outcome = await service.send(sender, c.number, text('16505550007'), { queueOnThroughput: true });
    assert.equal(outcome.kind, 'accepted');
    if (outcome.kind !== 'accepted') return;
    assert.equal(outcome.message.wamid, next);
    const r = await row(outcome.message.id);
    assert.equal(r.status, 'sent');
    assert.equal(r.billing_state, 'released', 'a free service message gets its reserve back');
    const [e] = await t.db.query<{ applied_at: Date | null }>('SELECT applied_at FROM wa_status_events WHERE wamid = $1', [next]);
    assert.ok(e!.applied_at);
  });

  test('concurrent sends are written in groups, each with its own message, reserve and wamid', async () => {
    behaviour = 'accept';
    const before = await s.reserved(c.tenantId);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => service.send(sender, c.number, text(`1650555100${String(i).padStart(2, '0')}`), { queueOnThroughput: true })));
    assert.ok(outcomes.every((o) => o.kind === 'accepted'));
    const ids = outcomes.map((o) => (o.kind === 'accepted' ? o.message.id : ''));
    const rows = await t.db.query<{ status: string; wamid: string; hold_id: string | null }>('SELECT status, wamid, hold_id FROM wa_messages WHERE id = ANY($1::uuid[])', [ids]);
    assert.equal(rows.length, 12);
    assert.ok(rows.every((r) => r.status === 'accepted' && r.wamid && r.hold_id));
    assert.equal(new Set(rows.map((r) => r.wamid)).size, 12);
    assert.equal((await s.reserved(c.tenantId)) - before, 12 * 180);
    const activity = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE action = 'whatsapp.message_sent' AND object_id = ANY($1::text[])", [ids]);
    assert.equal(activity[0]!.n, 12);
  });
});
