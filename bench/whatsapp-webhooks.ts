// npm run bench, Meta's status webhooks: statuses processed per second end to end — signed POST to
// /webhooks/whatsapp (stored, job queued, 200), then the pg-boss worker of the same process applies
// each status to its wa_messages row and settles the message's reserve — as a ratio to a bare Fastify
// POST + one INSERT measured in the same run on the same database. One status per POST, and batches
// of 50 per POST (several changes of several statuses, as Meta batches); the rate of the 200s alone;
// p50/p99 of a POST and of POST → processed.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { createPlatform } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { keyringFromConfig } from '../server/src/platform/storage/index.js';
import { TEST_MASTER_KEY } from '../server/src/test/harness.js';
import { cloneTestDb } from '../server/src/test/test-db.js';
import { mintApiKey } from '../server/src/modules/whatsapp/api-keys/api-key-auth.js';
import { metaAppCredentials } from '../server/src/modules/whatsapp/graph/graph.module.js';
import { callbackDataFor } from '../server/src/modules/whatsapp/messages/callback-data.js';
import { sealNumberSecret } from '../server/src/modules/whatsapp/numbers/numbers.repo.js';
import { signWebhook } from '../server/src/modules/whatsapp/webhook-signature.js';
import { createWalletService } from '../server/src/modules/wallet/wallet.service.js';
import { cpuSeconds, measure, percentiles, post, row, sink, startBaseline, startProcess, stopProcess, type Measured, type Options } from './bench-kit.js';

/** Statuses per batched POST, as 10 changes of 5. */
const BATCH = 50;
const CHANGES_PER_BATCH = 10;
/** Outbound messages made for each case (3 statuses each); the single case usually stops at the time limit first. */
const MESSAGES = Number(process.env.BENCH_WEBHOOK_MESSAGES ?? 600);
/** How long to wait for the worker to apply what was POSTed before reporting what it managed. */
const DRAIN_SECONDS = Number(process.env.BENCH_WEBHOOK_DRAIN_SECONDS ?? 60);

interface Sent {
  id: string;
  wamid: string;
  waId: string;
}

interface Case {
  /** The 200s alone: POSTs per second. */
  received: Measured;
  statusesPosted: number;
  statusesApplied: number;
  /** Statuses applied per second, from the first POST to the last one processed. */
  rate: number;
  /** POST sent → its webhook event processed (every status of it applied), ms. */
  p50: number;
  p99: number;
  /** CPU of this process (the platform, and on PGlite the database) per status applied, ms. */
  cpuMs: number;
}

type Json = Record<string, unknown>;

export async function benchWhatsAppWebhooks(kind: string, opts: Options): Promise<void> {
  const stub = await startProcess('bench/whatsapp-meta-stub.ts');
  const { db, drop } = await cloneTestDb();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-bench-webhooks-'));
  let stopPlatform = async () => {};
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      MASTER_KEY: TEST_MASTER_KEY,
      LOG_LEVEL: 'info',
      PUBLIC_URL: 'http://127.0.0.1:1',
      META_GRAPH_URL: `http://127.0.0.1:${stub.port}`,
      WA_API_KEY_RATE_PER_SECOND: '1000000',
    });
    // As production runs it by default (RUN_WORKERS=true): the web process also works the jobs.
    const platform = await createPlatform({ config, db, logger: { level: 'info', stream: sink() } });
    await platform.jobs.start({ work: true });
    await platform.app.listen({ host: '127.0.0.1', port: 0 });
    const pool = new Pool(`http://127.0.0.1:${(platform.app.server.address() as AddressInfo).port}`, { connections: opts.concurrency });
    stopPlatform = async () => {
      await pool.close();
      await platform.app.close();
      await platform.jobs.stop();
    };
    const bare = await startBaseline(db, opts.concurrency);
    const secret = metaAppCredentials(config)!.appSecret;

    // A tenant with money, a number (throughput never binding), an API key.
    const [user] = await db.query<{ id: string }>(
      `INSERT INTO users (name, email, mobile, password_hash) VALUES ('bench', $1, $2, 'x') RETURNING id`,
      [`bench-${randomUUID()}@example.com`, `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`],
    );
    const tenantId = user!.id;
    await db.tx((tx) => createWalletService({ db }).creditTopup(tx, { userId: tenantId, paymentId: `bench-${tenantId}`, amount: 1e10, gateway: 'bench' }));
    const numberId = randomUUID();
    const phoneNumberId = String(100_000_000_000_000 + Math.floor(Math.random() * 1e14));
    const wabaId = String(200_000_000_000_000 + Math.floor(Math.random() * 1e14));
    await db.query(
      `INSERT INTO wa_numbers (id, tenant_id, waba_id, phone_number_id, access_token_enc, display_phone_number, mps) VALUES ($1, $2, $3, $4, $5, '15550783881', 100000)`,
      [numberId, tenantId, wabaId, phoneNumberId, sealNumberSecret(keyringFromConfig(config), numberId, 'access_token', 'bench-token')],
    );
    const key = mintApiKey();
    await db.query(`INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, 'bench', $2, $3, '{messages:send}')`, [tenantId, key.prefix, key.secretHash]);

    const envelope = (changes: Json[]) => ({ object: 'whatsapp_business_account', entry: [{ id: wabaId, changes }] });
    const change = (value: Json) => ({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value } });
    const signed = (body: object) => {
      const raw = JSON.stringify(body);
      return { raw, headers: signWebhook(secret, raw) };
    };
    const webhook = async (s: { raw: string; headers: Record<string, string> }): Promise<string | null> => {
      const res = await pool.request({ method: 'POST', path: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', ...s.headers }, body: s.raw });
      const text = await res.body.text();
      return res.statusCode === 200 ? (JSON.parse(text) as { id: string }).id : null;
    };
    const processed = async (ids: string[]) => {
      const [r] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM wa_webhook_events WHERE id = ANY($1::uuid[]) AND state = 'processed'", [ids]);
      return r!.n;
    };

    // People write in (one batched inbound webhook, processed by the worker): their service windows open.
    const people = Array.from({ length: 40 }, (_, i) => `9198${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}${String(i).padStart(2, '0')}`);
    const now = () => String(Math.floor(Date.now() / 1000));
    const inbound = await webhook(
      signed(
        envelope(
          people.map((from, i) =>
            change({ contacts: [{ profile: { name: `Person ${i}` }, wa_id: from }], messages: [{ from, id: `wamid.bench-in-${randomUUID()}`, timestamp: now(), type: 'text', text: { body: 'Hi' } }] }),
          ),
        ),
      ),
    );
    if (!inbound) throw new Error('the inbound webhook was refused');
    await until(async () => (await processed([inbound])) === 1, 30, 'the inbound webhook to be processed');

    // Outbound messages through the real send path (Meta stub): each reserved from the wallet, with its wamid.
    const makeMessages = async (n: number): Promise<Sent[]> => {
      const before = new Date();
      const made = await measure({ seconds: 600, concurrency: opts.concurrency, limit: n }, (i) =>
        post(pool, '/v1/messages', { from: numberId, to: people[i % people.length], type: 'text', text: { body: `Your order ${i} is ready for pickup.` } }, { authorization: `Bearer ${key.plaintext}` }),
      );
      if (made.failures) throw new Error(`${made.failures} of ${n} sends failed`);
      const rows = await db.query<{ id: string; wamid: string; wa_id: string }>(
        `SELECT id, wamid, wa_id FROM wa_messages WHERE number_id = $1 AND direction = 'outbound' AND created_at >= $2 AND billing_state = 'reserved' AND reserved_paise > 0 AND wamid IS NOT NULL ORDER BY created_at`,
        [numberId, before],
      );
      if (rows.length !== n) throw new Error(`${rows.length} of ${n} messages were recorded with a wamid and a reserve`);
      return rows.map((r) => ({ id: r.id, wamid: r.wamid, waId: r.wa_id }));
    };

    // Meta's reports for a message: sent (conversation, pricing), delivered (pricing), read; every other
    // message free (customer-service window), so settlement both charges and refunds.
    const base = Math.floor(Date.now() / 1000) - 600;
    const reports = (m: Sent, i: number, status: 'sent' | 'delivered' | 'read'): Json => {
      const free = i % 2 === 1;
      const pricing = { billable: !free, pricing_model: 'PMP', type: free ? 'free_customer_service' : 'regular', category: 'service' };
      return {
        id: m.wamid,
        status,
        timestamp: String(base + i + (status === 'sent' ? 0 : status === 'delivered' ? 2 : 30)),
        recipient_id: m.waId,
        biz_opaque_callback_data: callbackDataFor(m.id),
        ...(status === 'sent' ? { conversation: { id: randomUUID().replace(/-/g, ''), expiration_timestamp: String(base + 86_400), origin: { type: 'service' } } } : {}),
        ...(status !== 'read' ? { pricing } : {}),
      };
    };
    /** Every report of the messages, in waves of 50 messages: sent, then delivered, then read. */
    const allReports = (messages: Sent[]): Json[] => {
      const out: Json[] = [];
      for (let w = 0; w < messages.length; w += 50) {
        const wave = messages.slice(w, w + 50);
        for (const status of ['sent', 'delivered', 'read'] as const) wave.forEach((m, j) => out.push(reports(m, w + j, status)));
      }
      return out;
    };
    const singles = (messages: Sent[]) => allReports(messages).map((s) => signed(envelope([change({ statuses: [s] })])));
    const batches = (messages: Sent[]) => {
      const all = allReports(messages);
      const out: { raw: string; headers: Record<string, string> }[] = [];
      const per = BATCH / CHANGES_PER_BATCH;
      for (let b = 0; b < all.length; b += BATCH) {
        const chunk = all.slice(b, b + BATCH);
        const changes: Json[] = [];
        for (let c = 0; c < chunk.length; c += per) changes.push(change({ statuses: chunk.slice(c, c + per) }));
        out.push(signed(envelope(changes)));
      }
      return out;
    };

    /** POSTs the bodies for `seconds` (or until they run out), then waits until the worker has processed them all. */
    const run = async (bodies: { raw: string; headers: Record<string, string> }[], statusesPer: number): Promise<Case> => {
      const sentAt = new Map<string, number>();
      const cpu0 = cpuSeconds();
      const startedAt = Date.now();
      const received = await measure({ ...opts, limit: bodies.length }, async (i) => {
        const t0 = Date.now();
        const id = await webhook(bodies[i]!);
        if (id) sentAt.set(id, t0);
        return id !== null;
      });
      const ids = [...sentAt.keys()];
      const drained = await until(async () => (await processed(ids)) === ids.length, DRAIN_SECONDS, null);
      const rows = await db.query<{ id: string; processed_at: Date | null }>("SELECT id, processed_at FROM wa_webhook_events WHERE id = ANY($1::uuid[]) AND state = 'processed'", [ids]);
      const done = rows.filter((r) => r.processed_at);
      const last = drained ? Math.max(...done.map((r) => r.processed_at!.getTime())) : Date.now();
      const latency = percentiles(done.map((r) => r.processed_at!.getTime() - sentAt.get(r.id)!));
      const applied = done.length * statusesPer;
      return { received, statusesPosted: ids.length * statusesPer, statusesApplied: applied, rate: applied / ((last - startedAt) / 1000), ...latency, cpuMs: ((cpuSeconds() - cpu0) * 1000) / Math.max(1, applied) };
    };

    const sampleBody = singles((await makeMessages(1)).slice(0, 1))[0]!.raw;
    const warm = await makeMessages(20);
    const single = await makeMessages(MESSAGES);
    const batched = await makeMessages(Math.max(MESSAGES, Math.ceil((BATCH * opts.concurrency * 2) / 3)));

    // Warm up (JIT, pools, the worker) before measuring.
    await measure({ ...opts, seconds: 1 }, () => post(bare.pool, '/bench', sampleBody));
    await run(singles(warm), 1);

    const baseCpu = cpuSeconds();
    const baseline = await measure(opts, () => post(bare.pool, '/bench', sampleBody));
    const baselineCpuMs = ((cpuSeconds() - baseCpu) * 1000) / Math.max(1, baseline.rate * opts.seconds);
    const one = await run(singles(single), 1);
    const many = await run(batches(batched), BATCH);

    const states = await db.query<{ billing_state: string; n: number }>(
      `SELECT billing_state, count(*)::int AS n FROM wa_messages WHERE number_id = $1 AND direction = 'outbound' AND id = ANY($2::uuid[]) GROUP BY 1 ORDER BY 1`,
      [numberId, [...single, ...batched].map((m) => m.id)],
    );
    const [applied] = await db.query<{ n: number; waiting: number }>('SELECT count(applied_at)::int AS n, (count(*) - count(applied_at))::int AS waiting FROM wa_status_events');

    const statuses = (m: Measured, per: number): Measured => ({ ...m, rate: m.rate * per });
    const e2e = (c: Case): Measured => ({ rate: c.rate, p50: c.p50, p99: c.p99, failures: 0 });
    const cpu = (ms: number, per: string) => `   CPU ${ms.toFixed(2)} ms/${per}`;
    const unfinished = (c: Case) => (c.statusesApplied < c.statusesPosted ? `   (${c.statusesPosted - c.statusesApplied} of ${c.statusesPosted} not applied after ${DRAIN_SECONDS}s)` : '');
    console.log(`\nWhatsApp status webhooks on ${kind} (${opts.concurrency} concurrent POSTs for up to ${opts.seconds}s, then until processed; job worker in the same process)`);
    console.log(row('bare Fastify POST + one INSERT (baseline)', baseline, null) + cpu(baselineCpuMs, 'POST'));
    console.log(row('1 status per POST: received (the 200s)', one.received, baseline.rate));
    console.log(row('1 status per POST: applied + settled, end to end', e2e(one), baseline.rate, 'statuses/s') + cpu(one.cpuMs, 'status') + unfinished(one));
    console.log(row(`${BATCH} per POST: received (the 200s), POSTs`, many.received, baseline.rate));
    console.log(row(`${BATCH} per POST: received, statuses`, statuses(many.received, BATCH), baseline.rate, 'statuses/s'));
    console.log(row(`${BATCH} per POST: applied + settled, end to end`, e2e(many), baseline.rate, 'statuses/s') + cpu(many.cpuMs, 'status') + unfinished(many));
    console.log('  (end to end: statuses applied ÷ time from the first POST to the last processed; its p50/p99 are POST → processed; CPU of this process, with PGlite in it)');
    console.log(`  added over the bare POST, 1 status per POST: p50 ${(one.received.p50 - baseline.p50).toFixed(1)} ms, p99 ${(one.received.p99 - baseline.p99).toFixed(1)} ms (the 200); POST → applied p50 ${one.p50.toFixed(1)} ms, p99 ${one.p99.toFixed(1)} ms`);
    console.log(`  ${applied!.n} status reports applied (${applied!.waiting} waiting); messages by billing state: ${states.map((s) => `${s.billing_state} ${s.n}`).join(', ')}   (target: batched end to end ≥ 0.3 of baseline)`);
    await bare.close();
  } finally {
    await stopPlatform();
    await stopProcess(stub.child);
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Polls `check` every 50 ms until it holds or `seconds` pass; throws on timeout when told what it waited for. */
async function until(check: () => Promise<boolean>, seconds: number, what: string | null): Promise<boolean> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (what) throw new Error(`timed out waiting for ${what}`);
  return false;
}
