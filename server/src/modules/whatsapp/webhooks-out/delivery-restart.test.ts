import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { Webhook } from 'standardwebhooks';
import { createPlatform, type Platform } from '../../../app.js';
import { loadConfig } from '../../../config.js';
import { openDatabase, type Db } from '../../../db/index.js';
import { SYSTEM_META } from '../../../platform/actor.js';
import { TEST_MASTER_KEY } from '../../../test/harness.js';
import { PG_TEMPLATE, PG_TEST_PREFIX, TEMPLATE_DUMP, adminUrl, testDbKind, withDatabase } from '../../../test/test-db.js';
import { emitCustomerEvent } from './emit.js';
import type { Caller } from './endpoints.service.js';
import type { DeliverySettings } from './settings.js';
import { startReceiver, type Answer, type Received } from './test-receiver.js';
import { mulberry32 } from '../../../test/random.js';

/**
 * "Deliveries survive a restart of the platform and of the customer's endpoint": a platform working
 * jobs in its own process is killed with SIGKILL while attempts are in flight, and a new one started
 * on the same database finishes the job. The receiver is slow and flaky (500s, requests it never
 * answers, a 429 with Retry-After, a 410 that disables the endpoint until the customer enables it).
 * Every event must arrive at least once, byte for byte as the outbox recorded it, and every request
 * must verify with the reference standardwebhooks package.
 */

const EVENTS = 60;
// Seconds instead of hours, so the whole schedule runs in the test; the lease is short so the dead
// worker's rows come back quickly. The attempt timeout leaves room for PGlite, whose queries hold the
// event loop while a busy process starts its job system.
const SETTINGS: Partial<DeliverySettings> = { schedule: [0.2, 0.3, 0.5, 0.5, 1, 1, 1, 1, 1, 1], leaseMs: 6000, timeoutMs: 3000, pollMs: 50 };

/** A database on disk (PGlite) or its own PostgreSQL database, which two processes open in turn. */
async function sharedDatabase(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-restart-'));
  if (testDbKind() === 'pglite') {
    const dump = await readFile(TEMPLATE_DUMP);
    const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), loadDataDir: new Blob([dump]) });
    await pglite.close();
    return { env: { DATA_DIR: dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `${PG_TEST_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`);
  await admin.end();
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: withDatabase(adminUrl(), name) },
    async cleanup() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('webhook delivery across a killed platform and a flaky receiver', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  // Two platform start-ups, one in a fresh process, take most of the time (minutes on a busy machine).
  test('every event reaches the endpoint at least once, as recorded and verifiably signed', { timeout: 600_000 }, async () => {
    const random = mulberry32(20260301);
    let phase: 'before-kill' | 'after-restart' = 'before-kill';
    let afterRestart = 0;
    const flaky = (): Answer => {
      const x = random();
      if (x < 0.05) return { hang: true };
      if (x < 0.3) return { status: 500, body: 'temporarily broken' };
      return { status: 200, body: 'ok', delayMs: 10 + Math.floor(random() * 100) };
    };
    const rx = await startReceiver((r: Received) => {
      if (phase === 'before-kill') {
        // From the 15th request on nothing is answered: those attempts are in flight when the process dies.
        if (r.n >= 15) return { hang: true };
        return flaky();
      }
      // After the restart (where every outcome is sure to be recorded): one of each kind of trouble.
      afterRestart++;
      if (afterRestart === 2) return { hang: true };
      if (afterRestart === 3) return { status: 429, headers: { 'retry-after': '1' } };
      if (afterRestart === 5) return { status: 410 };
      return flaky();
    });
    cleanups.push(() => rx.close());

    const shared = await sharedDatabase();
    cleanups.push(() => shared.cleanup());
    const env = { NODE_ENV: 'test', MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', ...shared.env };
    const config = loadConfig(env);

    const open = async (): Promise<{ db: Db; platform: Platform; stop(): Promise<void> }> => {
      const db = await openDatabase(config);
      const platform = await createPlatform({ config, db, logger: false, webhooksOut: { settings: SETTINGS } });
      return {
        db,
        platform,
        async stop() {
          await platform.app.close();
          await platform.jobs.stop();
          await db.close();
        },
      };
    };

    // A platform working jobs in its own process: it loads now and opens the database when told.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./restart-child.ts', import.meta.url)), JSON.stringify(SETTINGS)], {
      // Only the database chosen above: a DATABASE_URL of the test run itself must not leak into a PGlite run.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL')), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let childOut = '';
    let childErr = '';
    child.stdout!.on('data', (d: Buffer) => (childOut += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (childErr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    cleanups.push(async () => void child.kill('SIGKILL'));

    // 1. A customer with an endpoint; 60 events are emitted, each in its own transaction.
    let endpointId: string;
    let secret: string;
    let caller: Caller;
    {
      const p = await open();
      const [user] = await p.db.query<{ id: string }>(
        `INSERT INTO users (name, email, mobile, password_hash) VALUES ('Restart test', 'restart@example.com', '+919800000001', 'x') RETURNING id`,
      );
      caller = { tenantId: user!.id, actor: { type: 'user', userId: user!.id, role: 'customer', sessionId: randomUUID() }, meta: SYSTEM_META, numberIds: null };
      const created = await p.platform.services.webhooksOut.endpoints.create(caller, { url: `${rx.url}/events`, eventTypes: ['message.received', 'message.status'] });
      ({ secret } = created);
      endpointId = created.endpoint.id;
      for (let i = 0; i < EVENTS; i++) {
        await p.db.tx((tx) =>
          emitCustomerEvent(tx, { tenantId: caller.tenantId, numberId: null, type: i % 3 ? 'message.received' : 'message.status', data: { seq: i, text: `संदेश ${i}` } }),
        );
      }
      await p.stop();
    }

    // 2. The worker process, started at the beginning, delivers until it is killed mid-delivery.
    child.stdin!.end('go\n');
    for (let i = 0; rx.received.length < 17; i++) {
      if (child.exitCode !== null) assert.fail(`the worker process ended early: ${childErr}`);
      if (i > 3600) assert.fail(`the worker never got going (${rx.received.length} requests; it said "${childOut.trim()}"): ${childErr}`);
      await sleep(50);
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    phase = 'after-restart';
    const beforeKill = rx.received.length;

    // 3. The same database, a new platform: the dead worker's leases run out and everything goes out.
    const p = await open();
    try {
      const held = await p.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'pending' AND claim_token IS NOT NULL");
      assert.ok(held[0]!.n >= 1, 'the killed worker held deliveries in flight');
      // (The dead process above ran the whole job system; here the dispatcher alone is enough.)
      p.platform.services.webhooksOut.dispatcher.start();
      let reenabled = 0;
      for (let i = 0; ; i++) {
        const [state] = await p.db.query<{ pending: number; failed: number; status: string }>(
          `SELECT (SELECT count(*)::int FROM webhook_deliveries WHERE endpoint_id = $1 AND state = 'pending') AS pending,
                  (SELECT count(*)::int FROM webhook_deliveries WHERE endpoint_id = $1 AND state = 'failed') AS failed,
                  (SELECT status FROM webhook_endpoints WHERE id = $1) AS status`,
          [endpointId],
        );
        assert.equal(state!.failed, 0, 'no delivery ran out of attempts');
        if (state!.status === 'disabled') {
          // The customer sees the 410 notice, fixes the endpoint and enables it again.
          assert.equal((await p.platform.services.webhooksOut.endpoints.setEnabled(caller, endpointId, true)).status, 'enabled');
          reenabled++;
        }
        if (state!.pending === 0) break;
        if (i > 2400) assert.fail(`deliveries still pending: ${JSON.stringify(state)}`);
        await sleep(50);
      }
      assert.equal(reenabled, 1, 'the 410 disabled the endpoint once');

      // 4. What the receiver got.
      const events = await p.db.query<{ id: string; body: string }>('SELECT id, body FROM webhook_events WHERE tenant_id = $1', [caller.tenantId]);
      assert.equal(events.length, EVENTS);
      const hook = new Webhook(secret);
      for (const r of rx.received) {
        assert.doesNotThrow(() => hook.verify(r.body, r.headers as Record<string, string>), `request ${r.n} verifies`);
      }
      const acknowledged = new Map<string, string[]>();
      for (const r of rx.acknowledged()) acknowledged.set(String(r.headers['webhook-id']), [...(acknowledged.get(String(r.headers['webhook-id'])) ?? []), r.body]);
      for (const e of events) {
        const bodies = acknowledged.get(e.id);
        assert.ok(bodies?.length, `event ${e.id} was received`);
        for (const b of bodies) assert.equal(b, e.body, 'byte for byte as recorded');
      }
      // Requests the dead process had in flight were sent again by the new one.
      const inFlightAtKill = rx.received.filter((r) => r.n >= 15 && r.n <= beforeKill).map((r) => String(r.headers['webhook-id']));
      assert.ok(inFlightAtKill.length >= 3);
      for (const id of inFlightAtKill) assert.ok(acknowledged.has(id));

      const statuses = await p.db.query<{ status_code: number | null; error: string | null }>(
        `SELECT a.status_code, a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`,
        [endpointId],
      );
      for (const code of [429, 500, 410, 200]) assert.ok(statuses.some((s) => s.status_code === code), `an attempt answered ${code}`);
      assert.ok(statuses.some((s) => s.status_code === null && /No complete answer within 3000 ms/.test(s.error ?? '')), 'a timed-out attempt');
    } finally {
      await p.stop();
    }
  });
});
