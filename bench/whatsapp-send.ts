// npm run bench, WhatsApp sends: POST /v1/messages per second with billing (credit-lease reserve) and
// logging (message log, activity log, request logs) on, against the Cloud API simulator running in
// another process, as a ratio to a bare Fastify POST + one INSERT measured in the same run on the
// same database. One busy tenant, and many tenants; p50/p99 latency of a send, and what the platform
// adds to a direct call to the simulator. Everything is measured in interleaved rounds, each compared
// with the baseline of its own round (bench-kit.ts measureRounds), with CPU per send per process.
// Twice: with `concurrency` requests in flight, where a send, which waits for Meta, is bound by its
// latency while the bare POST keeps its core busy; and with `saturation` in flight, where both are
// bound by the CPU — sends per second as capacity. The cores each scenario kept busy show which.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { createPlatform } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { keyringFromConfig } from '../server/src/platform/storage/index.js';
import { TEST_MASTER_KEY } from '../server/src/test/harness.js';
import { cloneTestDb } from '../server/src/test/test-db.js';
import { mintApiKey } from '../server/src/modules/whatsapp/api-keys/api-key-auth.js';
import { sealNumberSecret } from '../server/src/modules/whatsapp/numbers/numbers.repo.js';
import { createWalletService } from '../server/src/modules/wallet/wallet.service.js';
import { measure, measureRounds, post, postgresCpuSeconds, roundsRow, sink, startBaseline, startProcess, stopProcess, type Options, type RoundsResult } from './bench-kit.js';

/**
 * The most operations a second that CPU allows: each Node process runs on one core at a time, and all
 * of them together (with PostgreSQL's, which spread over connections) on every core there is.
 */
function cpuBoundRate(r: RoundsResult): number {
  return Math.min((cpus().length * 1000) / r.totalCpuMs, ...r.cpuMs.map((ms) => 1000 / ms));
}

interface Sender {
  tenantId: string;
  numberId: string;
  phoneNumberId: string;
  simToken: string;
  key: string;
  recipients: string[];
}

export async function benchWhatsAppSend(kind: string, opts: Options & { rounds: number; saturation: number }): Promise<void> {
  const connections = Math.max(opts.concurrency, opts.saturation);
  const sim = await startProcess('bench/whatsapp-sim-process.ts');
  const stub = await startProcess('bench/whatsapp-meta-stub.ts');
  const simUrl = `http://127.0.0.1:${sim.port}`;
  const simPool = new Pool(simUrl, { connections: 32 });
  const { db, drop } = await cloneTestDb();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seva-bench-send-'));
  try {
    const configFor = (graphUrl: string) =>
      loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        MASTER_KEY: TEST_MASTER_KEY,
        LOG_LEVEL: 'info',
        PUBLIC_URL: 'http://127.0.0.1:1',
        META_GRAPH_URL: graphUrl,
        // The bench measures the send path, not the per-key limit (pacing to each number's mps stays on).
        WA_API_KEY_RATE_PER_SECOND: '1000000',
      });
    const config = configFor(`${simUrl}/sandbox/graph`);
    /** The platform on a port, its Graph client pointed at `graphUrl`. */
    async function startPlatform(graphUrl: string) {
      const platform = await createPlatform({ config: configFor(graphUrl), db, logger: { level: 'info', stream: sink() } });
      await platform.jobs.start({ work: false });
      await platform.app.listen({ host: '127.0.0.1', port: 0 });
      const pool = new Pool(`http://127.0.0.1:${(platform.app.server.address() as AddressInfo).port}`, { connections });
      return {
        pool,
        async stop() {
          await pool.close();
          await platform.app.close();
          await platform.jobs.stop();
        },
      };
    }
    // The platform twice, on the same database: its Graph client pointed at the simulator, and at a
    // Meta stub that does no work (what the platform itself costs).
    const viaSim = await startPlatform(`${simUrl}/sandbox/graph`);
    const viaStub = await startPlatform(`http://127.0.0.1:${stub.port}`);

    // The baseline: a bare Fastify POST that writes one row, logging the same way.
    const bare = await startBaseline(db, connections);
    const barePool = bare.pool;

    const simCall = async (method: 'POST' | 'PATCH', url: string, body: unknown, token?: string) => {
      const res = await simPool.request({ method, path: url, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };

    // Tenants with money, a simulator number each (throughput raised so pacing never binds: the
    // bench measures the platform, not Meta's limit), a key, and people who wrote in (open windows).
    const ring = keyringFromConfig(config);
    const wallet = createWalletService({ db });
    async function sender(recipients: number): Promise<Sender> {
      const [user] = await db.query<{ id: string }>(
        `INSERT INTO users (name, email, mobile, password_hash) VALUES ('bench', $1, $2, 'x') RETURNING id`,
        [`bench-${randomUUID()}@example.com`, `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`],
      );
      const tenantId = user!.id;
      await db.tx((tx) => wallet.creditTopup(tx, { userId: tenantId, paymentId: `bench-${tenantId}`, amount: 1e12, gateway: 'bench' }));
      const n = (await simCall('POST', '/sandbox/graph/_sim/numbers', {})) as { phone_number_id: string; waba_id: string; access_token: string; display_phone_number: string };
      await simCall('PATCH', `/sandbox/graph/_sim/numbers/${n.phone_number_id}`, { mps: 100_000, pair_limit: 100_000, webhook_batching: 'always' });
      const numberId = randomUUID();
      await db.query(
        `INSERT INTO wa_numbers (id, tenant_id, waba_id, phone_number_id, access_token_enc, display_phone_number, mps) VALUES ($1, $2, $3, $4, $5, $6, 100000)`,
        [numberId, tenantId, n.waba_id, n.phone_number_id, sealNumberSecret(ring, numberId, 'access_token', n.access_token), n.display_phone_number],
      );
      const k = mintApiKey();
      await db.query(`INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, 'bench', $2, $3, '{messages:send}')`, [tenantId, k.prefix, k.secretHash]);
      const people = Array.from({ length: recipients }, (_, i) => `9198${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}${String(i).padStart(2, '0')}`);
      for (const from of people) await simCall('POST', '/sandbox/graph/_sim/inbound', { phone_number_id: n.phone_number_id, from, messages: [{ type: 'text', text: { body: 'Hi' } }] });
      return { tenantId, numberId, phoneNumberId: n.phone_number_id, simToken: n.access_token, key: k.plaintext, recipients: people };
    }
    const busy = await sender(40);
    const many: Sender[] = [];
    for (let i = 0; i < 100; i++) many.push(await sender(2));

    const message = (to: string, i: number) => ({ to, type: 'text', text: { body: `Your order ${i} is ready for pickup.` } });
    const send = (platform: { pool: Pool }, s: Sender, i: number) =>
      post(platform.pool, '/v1/messages', { from: s.numberId, ...message(s.recipients[i % s.recipients.length]!, i) }, { authorization: `Bearer ${s.key}` });

    // Warm up every path (JIT, connection pools, each tenant's credit lease and cached key) before measuring.
    await measure({ ...opts, seconds: 1 }, (i) => post(barePool, '/bench', message('x', i)));
    for (const platform of [viaSim, viaStub]) {
      for (let i = 0; i < many.length; i += opts.concurrency) await Promise.all(many.slice(i, i + opts.concurrency).map((s, j) => send(platform, s, i + j)));
      await measure({ ...opts, seconds: 1 }, (i) => send(platform, busy, i));
    }

    const simPids = [sim.child.pid!];
    const stubPids = [stub.child.pid!];
    for (const concurrency of [...new Set([opts.concurrency, opts.saturation])]) {
      const { baseline, results } = await measureRounds({ ...opts, concurrency, ...(db.kind === 'postgres' ? { sharedCpu: postgresCpuSeconds } : {}) }, { name: 'baseline', op: (i) => post(barePool, '/bench', message('x', i)) }, [
        {
          name: 'direct',
          op: (i) => post(simPool, `/sandbox/graph/v23.0/${busy.phoneNumberId}/messages`, { messaging_product: 'whatsapp', ...message(busy.recipients[i % busy.recipients.length]!, i) }, { authorization: `Bearer ${busy.simToken}` }),
          pids: simPids,
        },
        { name: 'one', op: (i) => send(viaSim, busy, i), pids: simPids },
        { name: 'many', op: (i) => send(viaSim, many[i % many.length]!, i), pids: simPids },
        { name: 'stub one', op: (i) => send(viaStub, busy, i), pids: stubPids },
        { name: 'stub many', op: (i) => send(viaStub, many[i % many.length]!, i), pids: stubPids },
      ]);
      report(concurrency, baseline, results);
    }
    function report(concurrency: number, baseline: RoundsResult, results: RoundsResult[]) {
      const [direct, oneTenant, manyTenants, stubOne, stubMany] = results as [RoundsResult, RoundsResult, RoundsResult, RoundsResult, RoundsResult];
      console.log(`\nWhatsApp sends on ${kind} (${concurrency} in flight, ${opts.rounds} interleaved rounds of ${opts.seconds}s; medians; simulator in another process; CPU = this process + the helper's${db.kind === 'postgres' ? ' + PostgreSQL’s' : ''})`);
      console.log(roundsRow('bare Fastify POST + one INSERT (baseline)', baseline, false));
      console.log(roundsRow('direct POST to the simulator (Meta’s side alone)', direct));
      console.log(roundsRow('POST /v1/messages, one busy tenant', oneTenant));
      console.log(roundsRow('POST /v1/messages, 100 tenants', manyTenants));
      console.log(roundsRow('POST /v1/messages, one busy tenant, Meta stub', stubOne));
      console.log(roundsRow('POST /v1/messages, 100 tenants, Meta stub', stubMany));
      console.log(`  one busy tenant ÷ 100 tenants: ${(oneTenant.ratio / manyTenants.ratio).toFixed(2)} (simulator), ${(stubOne.ratio / stubMany.ratio).toFixed(2)} (stub)   (targets: sends ≥ 0.5 of baseline, one tenant ≥ 0.8 of many)`);
      const times = (r: RoundsResult) => (r.totalCpuMs / baseline.totalCpuMs).toFixed(2);
      const bound = (r: RoundsResult) => (cpuBoundRate(r) / cpuBoundRate(baseline)).toFixed(2);
      // CPU seconds a second: below the cores there are, something other than the CPU bound the rate.
      const cores = (r: RoundsResult) => ((r.rate * r.totalCpuMs) / 1000).toFixed(2);
      console.log(`  CPU per operation, every process counted: baseline ${baseline.totalCpuMs.toFixed(2)} ms; a send ${times(oneTenant)}× that via the simulator (one tenant), ${times(manyTenants)}× (100 tenants), ${times(stubOne)}× / ${times(stubMany)}× via the stub`);
      console.log(`    the highest ratio these CPU costs allow on ${cpus().length} cores: ${bound(oneTenant)} / ${bound(manyTenants)} (simulator), ${bound(stubOne)} / ${bound(stubMany)} (stub); the platform's own process costs ${(stubOne.cpuMs[0]! / baseline.cpuMs[0]!).toFixed(2)}× the baseline's, the simulator ${(direct.cpuMs[1]! / baseline.cpuMs[0]!).toFixed(2)}×`);
      console.log(`    cores kept busy: baseline ${cores(baseline)}; sends ${cores(oneTenant)} / ${cores(manyTenants)} (simulator), ${cores(stubOne)} / ${cores(stubMany)} (stub)`);
      console.log(`  added by the platform over a direct simulator call: p50 ${(oneTenant.p50 - direct.p50).toFixed(1)} ms, p99 ${(oneTenant.p99 - direct.p99).toFixed(1)} ms; over the bare POST (stub): p50 ${(stubOne.p50 - baseline.p50).toFixed(1)} ms, p99 ${(stubOne.p99 - baseline.p99).toFixed(1)} ms`);
    }
    const [logged] = await db.query<{ n: number; reserved: number }>("SELECT count(*)::int AS n, COALESCE(sum(reserved_paise), 0)::bigint AS reserved FROM wa_messages WHERE status = 'accepted'");
    console.log(`  ${logged!.n} messages logged as accepted, ${logged!.reserved} paise reserved`);

    await bare.close();
    await viaSim.stop();
    await viaStub.stop();
  } finally {
    await simPool.close();
    await stopProcess(sim.child);
    await stopProcess(stub.child);
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

