import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SYSTEM_META } from '../../../platform/actor.js';
import { testPlatform, uniquePerson, type TestPlatform } from '../../../test/harness.js';
import { emitCustomerEvent } from './emit.js';
import type { Caller } from './endpoints.service.js';
import { startReceiver, type Answer, type Receiver, type Received } from './test-receiver.js';

/**
 * The dispatcher's poller on a backlog (README.md: "Delivery"): claims in batches, slots freed when the
 * answer is in (before it is written), outcomes written in groups — and still every event once per
 * endpoint, every attempt logged, never more requests in flight than the limits, and a 410 stops what
 * was queued for the endpoint.
 */

const SETTINGS = { concurrency: 4, perEndpoint: 2, pollMs: 50 };

describe('webhook dispatcher on a backlog', () => {
  let t: TestPlatform;
  const receivers: Receiver[] = [];

  before(async () => {
    t = await testPlatform({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, webhooksOut: { settings: SETTINGS } });
  });
  after(async () => {
    await t.platform.services.webhooksOut.dispatcher.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await t.close();
  });

  async function customer(): Promise<Caller> {
    const p = uniquePerson('hooks');
    const [user] = await t.db.query<{ id: string }>(`INSERT INTO users (name, email, mobile, password_hash) VALUES ('Hooks', $1, $2, 'x') RETURNING id`, [p.email, `+91${p.mobile}`]);
    return { tenantId: user!.id, actor: { type: 'user', userId: user!.id, role: 'customer', sessionId: randomUUID() }, meta: SYSTEM_META, numberIds: null };
  }

  async function emitMany(tenantId: string, n: number): Promise<string[]> {
    return t.db.tx(async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await emitCustomerEvent(tx, { tenantId, numberId: null, type: 'message.received', data: { seq: i } }))!.eventId);
      return ids;
    });
  }

  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; !(await check()); i++) {
      if (i > 1200) assert.fail(`timed out waiting until ${what}`);
      await sleep(50);
    }
  }

  /** A receiver that also notes, per endpoint (first path segment) and overall, the most requests it held at once. */
  async function countingReceiver(answer: (r: Received) => Answer) {
    const open = new Map<string, number>();
    const most = new Map<string, number>();
    let openTotal = 0;
    let mostTotal = 0;
    const rx = await startReceiver((r) => {
      const key = r.path.split('/')[1]!;
      open.set(key, (open.get(key) ?? 0) + 1);
      openTotal++;
      most.set(key, Math.max(most.get(key) ?? 0, open.get(key)!));
      mostTotal = Math.max(mostTotal, openTotal);
      const a = answer(r);
      // Counted until the answer is written (delayMs), a little before the client sees it.
      setTimeout(() => {
        open.set(key, open.get(key)! - 1);
        openTotal--;
      }, a.delayMs ?? 0);
      return a;
    });
    receivers.push(rx);
    return { rx, most, mostTotal: () => mostTotal };
  }

  test('three endpoints, 90 deliveries: each event once per endpoint, each attempt logged, limits kept', async () => {
    const caller = await customer();
    const { rx, most, mostTotal } = await countingReceiver(() => ({ status: 200, delayMs: 20 + Math.floor(Math.random() * 20) }));
    const { endpoints, dispatcher } = t.platform.services.webhooksOut;
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await endpoints.create(caller, { url: `${rx.url}/${name}/hook`, eventTypes: ['message.received'] })).endpoint.id);
    const events = await emitMany(caller.tenantId, 30);

    dispatcher.start();
    await until('every delivery succeeded', async () => {
      const [r] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ANY ($1::uuid[]) AND state = 'succeeded'", [ids]);
      return r!.n === 90;
    });
    await dispatcher.stop();

    for (const name of ['a', 'b', 'c']) {
      const got = rx.received.filter((r) => r.path === `/${name}/hook`).map((r) => String(r.headers['webhook-id']));
      assert.deepEqual([...got].sort(), [...events].sort(), `endpoint ${name} got each event once`);
      assert.ok(most.get(name)! <= SETTINGS.perEndpoint, `endpoint ${name}: at most ${SETTINGS.perEndpoint} at once (saw ${most.get(name)})`);
    }
    assert.ok(mostTotal() <= SETTINGS.concurrency, `at most ${SETTINGS.concurrency} at once overall (saw ${mostTotal()})`);
    assert.ok(mostTotal() >= 2, 'requests overlapped');

    const [rows] = await t.db.query<{ deliveries: number; attempts: number; logged: number; successes: number; held: number }>(
      `SELECT count(*)::int AS deliveries, sum(d.attempts)::int AS attempts,
              (SELECT count(*)::int FROM webhook_attempts a JOIN webhook_deliveries x ON x.id = a.delivery_id WHERE x.endpoint_id = ANY ($1::uuid[])) AS logged,
              (SELECT count(*)::int FROM webhook_attempts a JOIN webhook_deliveries x ON x.id = a.delivery_id WHERE x.endpoint_id = ANY ($1::uuid[]) AND a.success AND a.status_code = 200) AS successes,
              count(*) FILTER (WHERE d.claim_token IS NOT NULL)::int AS held
         FROM webhook_deliveries d WHERE d.endpoint_id = ANY ($1::uuid[])`,
      [ids],
    );
    assert.deepEqual(rows, { deliveries: 90, attempts: 90, logged: 90, successes: 90, held: 0 });
    const healthy = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = ANY ($1::uuid[]) AND last_success_at IS NOT NULL AND failing_since IS NULL', [ids]);
    assert.equal(healthy[0]!.n, 3);
  });

  test('a 410 stops what was queued for the endpoint: given back unsent, it waits for the endpoint to be enabled', async () => {
    const caller = await customer();
    let gone = true;
    const { rx } = await countingReceiver(() => (gone ? { status: 410, delayMs: 50 } : { status: 200 }));
    const { endpoints, dispatcher } = t.platform.services.webhooksOut;
    const endpoint = (await endpoints.create(caller, { url: `${rx.url}/gone/hook`, eventTypes: ['message.received'] })).endpoint;
    await emitMany(caller.tenantId, 12);

    dispatcher.start();
    await until('the endpoint is disabled and nothing is held', async () => {
      const [r] = await t.db.query<{ status: string; held: number }>(
        `SELECT e.status, (SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.claim_token IS NOT NULL) AS held
           FROM webhook_endpoints e WHERE e.id = $1`,
        [endpoint.id],
      );
      return r!.status === 'disabled' && r!.held === 0;
    });
    const sent = rx.received.length;
    assert.ok(sent >= 1 && sent <= SETTINGS.perEndpoint, `only the round in flight was sent (${sent})`);
    const rows = await t.db.query<{ attempts: number; state: string; last_status: number | null }>('SELECT attempts, state, last_status FROM webhook_deliveries WHERE endpoint_id = $1', [endpoint.id]);
    assert.equal(rows.filter((r) => r.attempts === 1 && r.last_status === 410).length, sent);
    assert.equal(rows.filter((r) => r.attempts === 0 && r.last_status === null).length, 12 - sent, 'the others were never attempted (and not counted as attempts)');
    assert.ok(rows.every((r) => r.state === 'pending'));
    await sleep(200);
    assert.equal(rx.received.length, sent, 'nothing more goes to a disabled endpoint');

    gone = false;
    await endpoints.setEnabled(caller, endpoint.id, true);
    await until('all delivered after enabling', async () => {
      const [r] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND state = 'succeeded'", [endpoint.id]);
      return r!.n === 12;
    });
    await dispatcher.stop();
    assert.equal(rx.acknowledged().length, 12);
  });
});
