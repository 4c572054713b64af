// npm run bench, customer webhooks: deliveries per second from the outbox to a local receiver (claim,
// sign, POST, record the attempt), as a ratio to a bare HTTP POST loop to the same receiver with the
// same concurrency, measured in the same run. One endpoint (at most 10 attempts in flight per
// endpoint) and ten endpoints (50 in flight per process, the default WEBHOOK_CONCURRENCY).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { createPlatform } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { SYSTEM_META } from '../server/src/platform/actor.js';
import { TEST_MASTER_KEY } from '../server/src/test/harness.js';
import { cloneTestDb } from '../server/src/test/test-db.js';
import { emitCustomerEvent } from '../server/src/modules/whatsapp/webhooks-out/emit.js';
import type { Caller } from '../server/src/modules/whatsapp/webhooks-out/endpoints.service.js';
import { startReceiver } from '../server/src/modules/whatsapp/webhooks-out/test-receiver.js';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 3000);

/** POSTs `count` bodies from `concurrency` loops; returns requests per second. */
async function bareLoop(url: string, body: string, count: number, concurrency: number): Promise<number> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const res = await request(url, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
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
  const rx = await startReceiver(() => ({ status: 204 }));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  const platform = await createPlatform({ config, db, logger: false });
  const { endpoints, dispatcher } = platform.services.webhooksOut;
  try {
    const [user] = await db.query<{ id: string }>(`INSERT INTO users (name, email, mobile, password_hash) VALUES ('bench', 'bench-webhooks@example.com', '+919811111111', 'x') RETURNING id`);
    const tenantId = user!.id;
    const caller: Caller = { tenantId, actor: { type: 'user', userId: tenantId, role: 'customer', sessionId: randomUUID() }, meta: SYSTEM_META, numberIds: null };
    const sample = JSON.stringify({ id: 'evt_0000000000000000000000', type: 'message.received', timestamp: new Date().toISOString(), number_id: null, data: { from: '919812345678', text: { body: 'नमस्ते, order status?' } } });

    const scenario = async (name: string, endpointCount: number, concurrency: number) => {
      const ids: string[] = [];
      for (let i = 0; i < endpointCount; i++) ids.push((await endpoints.create(caller, { url: `${rx.url}/${name}/${i}`, eventTypes: ['message.received'] })).endpoint.id);
      // Each event goes to every endpoint: EVENTS deliveries in all.
      const events = Math.ceil(EVENTS / endpointCount);
      for (let i = 0; i < events; i += 200) {
        await db.tx(async (tx) => {
          for (let j = i; j < Math.min(events, i + 200); j++) {
            await emitCustomerEvent(tx, { tenantId, numberId: null, type: 'message.received', data: { from: '919812345678', text: { body: `नमस्ते ${j}` } } });
          }
        });
      }
      const baseline = await bareLoop(`${rx.url}/bare`, sample, events * endpointCount, concurrency);
      const before = rx.received.length;
      const started = performance.now();
      const made = await dispatcher.runDue();
      const rate = made / ((performance.now() - started) / 1000);
      const delivered = rx.received.length - before;
      const [pending] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE state <> 'succeeded' AND endpoint_id = ANY ($1::uuid[])", [ids]);
      if (delivered !== events * endpointCount || pending!.n !== 0) throw new Error(`${name}: ${delivered} delivered, ${pending!.n} not succeeded`);
      for (const id of ids) await endpoints.remove(caller, id);
      return { baseline, rate, made };
    };

    const one = await scenario('one', 1, 10);
    const ten = await scenario('ten', 10, 50);
    console.log(`\nWebhook deliveries on ${kind} (${EVENTS} per case, local receiver answering 204)`);
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
    await rx.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
