// npm run bench, customer webhooks: deliveries per second from the outbox to a local receiver (claim,
// sign, POST, record the attempt), as a ratio to a bare HTTP POST loop to the same receiver with the
// same concurrency, body and headers, measured in the same run. The receiver is a minimal server in
// its own process (bench/webhook-receiver.ts) answering 200. The dispatcher runs as in production —
// its own poller with the default settings — from a backlog of events until the database has every
// delivery marked succeeded. One endpoint (at most 10 attempts in flight per endpoint) and ten
// endpoints (50 in flight per process, the default WEBHOOK_CONCURRENCY). The baseline is measured
// before and after the deliveries, and the ratio is to their mean (the machine's load drifts).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { createPlatform } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { SYSTEM_META } from '../server/src/platform/actor.js';
import { TEST_MASTER_KEY } from '../server/src/test/harness.js';
import { cloneTestDb } from '../server/src/test/test-db.js';
import { emitCustomerEvent } from '../server/src/modules/whatsapp/webhooks-out/emit.js';
import type { Caller } from '../server/src/modules/whatsapp/webhooks-out/endpoints.service.js';
import { signatureHeader } from '../server/src/modules/whatsapp/webhooks-out/signing.js';
import { startProcess, stopProcess } from './bench-kit.js';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 3000);

/** POSTs `count` requests from `concurrency` loops over kept-alive connections; returns requests per second. */
async function bareLoop(url: string, body: string, headers: Record<string, string>, count: number, concurrency: number): Promise<number> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const res = await request(url, { dispatcher: agent, method: 'POST', headers, body });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`receiver answered ${res.statusCode}`);
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  await agent.close();
  return rate;
}

export async function benchWebhookDelivery(kind: string): Promise<void> {
  const { db, drop } = await cloneTestDb();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-bench-'));
  const rx = await startProcess('bench/webhook-receiver.ts');
  const rxUrl = `http://127.0.0.1:${rx.port}`;
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  const platform = await createPlatform({ config, db, logger: false });
  const { endpoints, dispatcher } = platform.services.webhooksOut;
  const received = async (segment: string) => {
    const res = await request(`${rxUrl}/count`);
    return ((await res.body.json()) as Record<string, number>)[segment] ?? 0;
  };
  try {
    const [user] = await db.query<{ id: string }>(`INSERT INTO users (name, email, mobile, password_hash) VALUES ('bench', 'bench-webhooks@example.com', '+919811111111', 'x') RETURNING id`);
    const tenantId = user!.id;
    const caller: Caller = { tenantId, actor: { type: 'user', userId: tenantId, role: 'customer', sessionId: randomUUID() }, meta: SYSTEM_META, numberIds: null };

    const scenario = async (name: string, endpointCount: number, concurrency: number) => {
      const created = [];
      for (let i = 0; i < endpointCount; i++) created.push(await endpoints.create(caller, { url: `${rxUrl}/${name}/${i}`, eventTypes: ['message.received'] }));
      const ids = created.map((c) => c.endpoint.id);
      // Each event goes to every endpoint: EVENTS deliveries in all.
      const events = Math.ceil(EVENTS / endpointCount);
      const total = events * endpointCount;
      for (let i = 0; i < events; i += 200) {
        await db.tx(async (tx) => {
          for (let j = i; j < Math.min(events, i + 200); j++) {
            await emitCustomerEvent(tx, { tenantId, numberId: null, type: 'message.received', data: { from: '919812345678', text: { body: `नमस्ते ${j}` } } });
          }
        });
      }
      // The bare loop sends what a delivery sends: a stored event's bytes and the same headers.
      const [sample] = await db.query<{ id: string; body: string }>('SELECT id, body FROM webhook_events WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 1', [tenantId]);
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'SevaKendra-Webhooks/1.0',
        'webhook-id': sample!.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader([created[0]!.secret], sample!.id, timestamp, sample!.body),
      };
      const bare = () => bareLoop(`${rxUrl}/bare/${name}`, sample!.body, headers, total, concurrency);
      const before = await bare();

      const started = performance.now();
      dispatcher.start();
      for (;;) {
        const [left] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'pending' AND endpoint_id = ANY ($1::uuid[])", [ids]);
        if (left!.n === 0) break;
        await sleep(25);
      }
      const rate = total / ((performance.now() - started) / 1000);
      await dispatcher.stop();
      const after = await bare();

      const [done] = await db.query<{ succeeded: number; attempts: number }>(
        "SELECT count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded, coalesce(sum(attempts), 0)::int AS attempts FROM webhook_deliveries WHERE endpoint_id = ANY ($1::uuid[])",
        [ids],
      );
      const got = await received(name);
      if (done!.succeeded !== total || done!.attempts !== total || got !== total) {
        throw new Error(`${name}: ${done!.succeeded} of ${total} succeeded in ${done!.attempts} attempts; the receiver got ${got}`);
      }
      for (const id of ids) await endpoints.remove(caller, id);
      return { baseline: (before + after) / 2, rate };
    };

    const one = await scenario('one', 1, 10);
    const ten = await scenario('ten', 10, 50);
    console.log(`\nWebhook deliveries on ${kind} (${EVENTS} per case, receiver in another process answering 200)`);
    for (const [label, r, c] of [
      ['1 endpoint', one, 10],
      ['10 endpoints', ten, 50],
    ] as const) {
      console.log(`  bare HTTP POST loop, ${String(c).padStart(2)} concurrent (baseline)   ${r.baseline.toFixed(0).padStart(7)} /s`);
      console.log(`  webhook deliveries, ${label.padEnd(13)}             ${r.rate.toFixed(0).padStart(7)} /s   ratio ${(r.rate / r.baseline).toFixed(2)}`);
    }
  } finally {
    await platform.app.close();
    await platform.jobs.stop();
    await stopProcess(rx.child);
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
