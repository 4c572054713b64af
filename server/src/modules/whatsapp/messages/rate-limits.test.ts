import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { captureServer } from '../../../test/meta.js';
import { createSharedWindows } from './pacing.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';

/**
 * Rate limits over HTTP: per API key (WA_API_KEY_RATE_PER_SECOND) and per number (its mps, with a
 * bounded wait of WA_SEND_MAX_WAIT_MS). Requests go out together, so the counts hold however slow the
 * machine is; a refusal is a 429 with Retry-After in each endpoint's shape, and leaves nothing behind.
 */

const text = (from: string, to: string) => ({ from, to, type: 'text', text: { body: 'Hello' } });
const graphText = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Hello' } });
const codeOf = (r: LightMyRequestResponse) => (r.json() as { error: { code: string | number } }).error.code;

describe('rate limits', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url, WA_API_KEY_RATE_PER_SECOND: '3', WA_SEND_MAX_WAIT_MS: '1000' } });
    s = sendKit(t, hook);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  test('an API key over its rate gets 429 rate_limited with Retry-After (Meta’s code 4 on /graph); other keys are not affected', async () => {
    const c: Connected = await s.connect(await s.tenant(), { mps: 1000 });
    await s.openWindow(c, '16505551001');
    const key = await s.apiKey(c.tenantId);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? s.v1(key, text(c.number.id, '16505551001')) : s.graph(key, c.sim.phone_number_id, graphText('16505551001')))));
    const limited = answers.filter((a) => a.statusCode === 429);
    const sent = answers.filter((a) => a.statusCode === 200);
    assert.equal(limited.length + sent.length, answers.length, answers.map((a) => a.body).join('\n'));
    assert.ok(limited.length >= 6, `${limited.length} refused of 12 at 3 a second`);
    for (const r of limited) {
      assert.ok(Number(r.headers['retry-after']) >= 1);
      assert.ok(codeOf(r) === 'rate_limited' || codeOf(r) === 4, String(codeOf(r)));
    }
    assert.equal((await s.messages(c.tenantId)).length, sent.length, 'refused requests left no message');
    const fresh = await s.apiKey(c.tenantId);
    assert.equal((await s.v1(fresh, text(c.number.id, '16505551001'))).statusCode, 200);
  });

  test('a number paced at 1 message a second: one send waits its turn, the rest beyond the queue get 429 throughput_exceeded', async () => {
    const c: Connected = await s.connect(await s.tenant(), { mps: 1 });
    await s.openWindow(c, '16505551002');
    const keys = await Promise.all(Array.from({ length: 3 }, () => s.apiKey(c.tenantId)));
    // Three keys so the key limit (3 a second) does not interfere; seven sends, the queue holds one second's worth.
    const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => s.v1(keys[i % 3]!, text(c.number.id, '16505551002'))));
    const sent = answers.filter((a) => a.statusCode === 200);
    const refused = answers.filter((a) => a.statusCode === 429);
    assert.equal(sent.length + refused.length, 7, answers.map((a) => a.body).join('\n'));
    assert.ok(sent.length >= 2, `${sent.length} sent: one right away and one after waiting`);
    assert.ok(refused.length >= 1);
    for (const r of refused) {
      assert.equal(codeOf(r), 'throughput_exceeded');
      assert.ok(Number(r.headers['retry-after']) >= 1);
    }
    assert.equal((await s.messages(c.tenantId)).length, sent.length);
    assert.equal(await s.reserved(c.tenantId), sent.length * 180);
    const g = await s.graph(await s.apiKey(c.tenantId), c.sim.phone_number_id, graphText('16505551002'));
    if (g.statusCode === 429) assert.equal(codeOf(g), 130429);
  });

  test('the shared windows add concurrent hits in one statement, the same key twice included', async () => {
    const windows = createSharedWindows(t.db);
    const [a1, a2, b, a3] = await Promise.all([windows.hit('test:a', 60, 2), windows.hit('test:a', 60, 3), windows.hit('test:b', 60, 1), windows.hit('test:a', 60, 4)]);
    assert.deepEqual([a1!.hits, a2!.hits, a3!.hits], [2, 5, 9], 'each hit sees the count up to and including itself, in order');
    assert.equal(b!.hits, 1);
    const [row] = await t.db.query<{ hits: number }>("SELECT hits FROM rate_limit_buckets WHERE key = 'test:a'");
    assert.equal(row!.hits, 9);
  });

  test('Meta’s own 130429 beyond the client’s retries: Meta’s 429 on /graph (message failed, reserve returned), 202 queued on /v1', async () => {
    // The platform would pace at 1,000 a second; the simulator allows this number 1 a second.
    const c: Connected = await s.connect(await s.tenant(), { mps: 1000, sim: { mps: 1 } });
    await s.openWindow(c, '16505551003');
    const keys = await Promise.all(Array.from({ length: 4 }, () => s.apiKey(c.tenantId)));
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? s.v1(keys[i % 4]!, text(c.number.id, '16505551003')) : s.graph(keys[i % 4]!, c.sim.phone_number_id, graphText('16505551003')))),
    );
    const graphRefused = answers.filter((a, i) => i % 2 === 0 && a.statusCode === 429);
    const v1Queued = answers.filter((a, i) => i % 2 === 1 && a.statusCode === 202);
    assert.ok(answers.every((a) => [200, 202, 429].includes(a.statusCode)), answers.map((a) => `${a.statusCode} ${a.body}`).join('\n'));
    assert.ok(graphRefused.length + v1Queued.length >= 1, 'ten sends at one a second outlast four tries each');
    for (const r of graphRefused) {
      assert.equal(codeOf(r), 130429);
      assert.ok(Number(r.headers['retry-after']) >= 1);
    }
    for (const r of v1Queued) assert.equal((r.json() as { status: string }).status, 'queued');
    const rows = await t.db.query<{ status: string; error_code: number | null; billing_state: string; source: string }>('SELECT status, error_code, billing_state, source FROM wa_messages WHERE tenant_id = $1', [c.tenantId]);
    assert.equal(rows.filter((r) => r.source === 'graph' && r.status === 'failed' && r.error_code === 130429 && r.billing_state === 'released').length, graphRefused.length);
    assert.equal(rows.filter((r) => r.source === 'api' && r.status === 'queued' && r.error_code === 130429 && r.billing_state === 'reserved').length, v1Queued.length);
  });
});
